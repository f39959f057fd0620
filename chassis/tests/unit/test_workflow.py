import pytest

from chassis.auth import Principal
from chassis.problems import Forbidden, InvalidTransition
from chassis.workflow import Workflow

REQUEST = Workflow("request", {
    "draft": {"submitted": {"requesting_officer"}, "withdrawn": {"requesting_officer"}},
    "submitted": {"accepted": {"roster_manager"}, "withdrawn": ()},
    "accepted": {},
    "withdrawn": {},
})


def principal(*roles):
    return Principal(sub="u1", tenant="THA", roles=frozenset(roles), scopes=frozenset())


def test_a_step_records_who_took_it_and_why():
    transition = REQUEST.advance("draft", "submitted", principal("requesting_officer"), "please")
    assert (transition.from_state, transition.to_state, transition.actor, transition.actor_tenant,
            transition.comment) == ("draft", "submitted", "u1", "THA", "please")


def test_an_illegal_step_is_a_conflict_naming_the_allowed_next_states():
    with pytest.raises(InvalidTransition) as raised:
        REQUEST.check("draft", "accepted", principal("roster_manager"))
    body = raised.value.body()
    assert body["status"] == 409
    assert body["allowed_next_states"] == ["submitted", "withdrawn"]
    assert body["current_state"] == "draft"


def test_a_legal_step_without_the_role_is_forbidden():
    with pytest.raises(Forbidden):
        REQUEST.check("submitted", "accepted", principal("requesting_officer"))


def test_a_step_without_roles_is_open_to_any_caller():
    REQUEST.check("submitted", "withdrawn", principal())


def test_a_target_without_its_own_state_entry_is_a_definition_error():
    with pytest.raises(ValueError, match="closed"):
        Workflow("broken", {"open": {"closed": ()}})
