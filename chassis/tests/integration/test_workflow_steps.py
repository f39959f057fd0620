"""Workflow steps are stored by compare-and-set: two callers moving one record at once cannot both win."""

import mongoengine as me
import pytest

from chassis import context, db
from chassis.auth import Principal
from chassis.problems import InvalidTransition
from chassis.tenancy import TenantOwnedDocument
from chassis.workflow import Transition, Workflow

pytestmark = pytest.mark.integration

TICKET = Workflow("ticket", {
    "open": {"closed": (), "parked": ()},
    "parked": {"open": ()},
    "closed": {},
})
OFFICER = Principal(sub="u1", tenant="THA", roles=frozenset(), scopes=frozenset())


class Ticket(TenantOwnedDocument):
    meta = {"collection": "workflow_tickets"}
    status = me.StringField(required=True, default="open")
    history = me.EmbeddedDocumentListField(Transition)
    note = me.StringField()


@pytest.fixture
def ticket(app):
    with app.app_context():
        context.tenant.set("THA")
        yield db.transaction(lambda: Ticket().save())


def test_a_step_stores_the_state_its_changes_and_the_transition(ticket):
    db.transaction(lambda: TICKET.take(ticket, "closed", OFFICER, "done", note="fixed"))

    stored = Ticket.objects.get(id=ticket.id)
    assert (stored.status, stored.note) == ("closed", "fixed")
    assert [(step.from_state, step.to_state, step.comment) for step in stored.history] == [("open", "closed", "done")]


def test_of_two_callers_moving_one_record_the_second_gets_409_with_the_new_state(ticket):
    first, second = Ticket.objects.get(id=ticket.id), Ticket.objects.get(id=ticket.id)
    db.transaction(lambda: TICKET.take(first, "parked", OFFICER))

    with pytest.raises(InvalidTransition) as refused:
        db.transaction(lambda: TICKET.take(second, "closed", OFFICER, note="lost update"))

    assert refused.value.body()["current_state"] == "parked"
    assert refused.value.body()["allowed_next_states"] == ["open"]
    stored = Ticket.objects.get(id=ticket.id)
    assert (stored.status, stored.note, len(stored.history)) == ("parked", None, 1)
