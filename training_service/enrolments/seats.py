"""Seats and the waitlist of a session. Called inside the enrolment's transaction.

A seat is taken by a conditional increment (`seats_taken < capacity`) on the session document, so
concurrent enrolments serialise on that document: a transaction that loses the race retries and then
sees the session full. Waitlisted trainees are promoted in the order they joined the waitlist, and
`waitlist_position` always reads 1, 2, 3 ...: whoever leaves the waitlist, those behind move up.
"""

from __future__ import annotations

from chassis.access import system
from chassis.clock import now
from chassis.workflow import Workflow
from training_service import events
from training_service.common import SERVICE_ONLY, SYSTEM
from training_service.enrolments.models import Enrolment
from training_service.sessions.models import Session
from training_service.vocabulary import COORDINATORS

ENROLMENT_WORKFLOW = Workflow("enrolment", {
    "pending_approval": {"enrolled": COORDINATORS, "waitlisted": COORDINATORS, "rejected": COORDINATORS,
                         "withdrawn": ()},
    "waitlisted": {"enrolled": SERVICE_ONLY, "withdrawn": ()},
    "enrolled": {"completed": SERVICE_ONLY, "withdrawn": ()},
    "completed": {},
    "withdrawn": {},
    "rejected": {},
})


SEATS = system("a session's seats and waitlist, which trainees of several tenants share")


def _sessions():
    return SEATS.records(Session)


def _waitlist(session_id):
    return SEATS.records(Enrolment).filter(
        session_id=session_id, status="waitlisted").order_by("waitlist_position")


def take_seat(session_id) -> bool:
    """Take a seat if one is free; return whether it was taken."""
    capacity = _sessions().only("capacity").get(id=session_id).capacity
    limit = {} if capacity is None else {"seats_taken__lt": capacity}
    return _sessions().filter(id=session_id, **limit).update_one(inc__seats_taken=1) == 1


def release_seat(session_id) -> None:
    _sessions().filter(id=session_id, seats_taken__gt=0).update_one(dec__seats_taken=1)


def next_waitlist_position(session_id) -> int:
    """The end of the waitlist: `waitlist_counter` is the number of people on it (see `renumber_waitlist`)."""
    return _sessions().filter(id=session_id).modify(inc__waitlist_counter=1, new=True).waitlist_counter


def renumber_waitlist(session_id) -> None:
    """After someone left the waitlist (promoted, withdrawn): positions 1, 2, 3 ... in the same order, and
    the counter back at the waitlist's length. It writes the session document, so it conflicts with (and
    serialises against) every other change to the session's seats or waitlist."""
    waiting = list(_waitlist(session_id).only("waitlist_position"))
    for position, enrolment in enumerate(waiting, start=1):
        if enrolment.waitlist_position != position:
            _waitlist(session_id).filter(id=enrolment.id).update_one(set__waitlist_position=position)
    _sessions().filter(id=session_id).update_one(set__waitlist_counter=len(waiting))


def place(session_id) -> tuple[str, int | None]:
    """A seat for a new or approved enrolment, or the next place on the waitlist: its state and position."""
    if take_seat(session_id):
        return "enrolled", None
    return "waitlisted", next_waitlist_position(session_id)


def fill_free_seats(session_id) -> list[Enrolment]:
    """Promote waitlisted trainees, first come first served, while seats are free; return them.
    Those still waiting move up."""
    promoted = []
    while (candidate := _waitlist(session_id).first()) is not None and take_seat(session_id):
        ENROLMENT_WORKFLOW.take(candidate, "enrolled", SYSTEM, "a seat freed", waitlist_position=None,
                                updated_at=now())
        events.emit_enrolment(events.ENROLMENT_PROMOTED, candidate)
        promoted.append(candidate)
    if promoted:
        renumber_waitlist(session_id)
    return promoted
