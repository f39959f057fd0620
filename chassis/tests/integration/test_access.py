"""chassis.access: the declared rules decide what a viewer sees, what it may do, and what anyone may see; a system
read names its purpose (ADR 0100)."""

import pytest
from mongoengine.queryset.visitor import Q

from chassis import access, context
from chassis.auth import Principal
from chassis.problems import Forbidden, NotFound
from chassis.tests.sample_service import Note

pytestmark = pytest.mark.integration

OWNER = "owner"


def principal(tenant: str, *roles: str) -> Principal:
    return Principal(sub=f"{tenant}-person", tenant=tenant, roles=frozenset(roles), scopes=frozenset())


@pytest.fixture
def policy():
    """Notes: seen by their tenant and by the tenants named in their title (a stand-in for a share), edited by
    their tenant's editors only; a note titled "public" is anyone's to read."""
    policy = access.Policy("sample")
    policy.resource(Note, name="note", see=lambda viewer: Q(tenant=viewer.tenant) | Q(title__contains=viewer.tenant),
                    capacities={OWNER: lambda viewer, note: note.tenant == viewer.tenant and viewer.has_role("editor")},
                    actions={"edit": {OWNER}}, public=lambda: Q(title="public"))
    return policy


@pytest.fixture
def notes(app) -> dict:
    with context.bound(tenant="THA"):
        return {title: Note(title=title).save() for title in ("own", "shared with IDN", "public")}


def test_a_viewer_sees_what_the_rule_grants_and_gets_404_for_the_rest(policy, notes):
    idn = policy.viewer(principal("IDN"))
    assert [note.title for note in idn.sees(Note)] == ["shared with IDN"]
    assert idn.get(Note, notes["shared with IDN"].id).title == "shared with IDN"
    with pytest.raises(NotFound):
        idn.get(Note, notes["own"].id)
    with pytest.raises(NotFound):
        idn.get(Note, "not an id")
    assert policy.viewer(principal("THA")).sees(Note).count() == 3


def test_actions_need_a_declared_capacity(policy, notes):
    editor, reader = policy.viewer(principal("THA", "editor")), policy.viewer(principal("THA"))
    note = notes["own"]
    assert editor.capacities(note) == {OWNER} and editor.may("edit", note)
    assert editor.acting_on(note).roles == frozenset({OWNER})
    with pytest.raises(Forbidden):
        reader.require("edit", note)
    with pytest.raises(LookupError):
        reader.may("delete", note)


def test_public_records_and_system_purposes(policy, notes):
    assert [note.title for note in policy.public(Note)] == ["public"]
    assert access.system("a test reads every tenant's notes").records(Note).count() == 3
    assert access.at_hand(notes["own"]).get().title == "own"
    with pytest.raises(ValueError):
        access.system(" ")


def test_a_policy_refuses_what_it_cannot_mean(policy):
    with pytest.raises(ValueError):
        policy.resource(Note, name="note again", see=lambda viewer: access.EVERYTHING)
    other = access.Policy("other")
    with pytest.raises(ValueError):
        other.resource(Note, name="note", see=lambda viewer: access.EVERYTHING, actions={"edit": {"undeclared"}})
    with pytest.raises(LookupError):
        other.viewer(principal("THA")).sees(Note)
