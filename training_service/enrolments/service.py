"""Enrolment use cases: self-enrolment, nomination, approval, withdrawal, and who may see an enrolment.

An enrolment belongs to the trainee's tenant and names the providing tenant: the trainee, their
tenant's training coordinators and the provider's authors see it; nobody else does.
"""

from __future__ import annotations

import mongoengine as me

from chassis import db
from chassis.access import system
from chassis.auth import Principal
from chassis.clock import now, today
from chassis.problems import Conflict, Forbidden, InvalidTransition, NotFound
from chassis.tenant_status import refuse_if_suspended
from training_service import events
from training_service.catalogue.models import Course
from training_service.certificates.models import Certificate
from training_service.directory.models import TraineeRef
from training_service.directory.service import (
    caller_as_trainee,
    caller_filter,
    is_trainee,
    nominated_person,
    person_filter,
    remember_caller,
)
from training_service.enrolments import seats
from training_service.enrolments.models import OPEN_STATES, Enrolment
from training_service.enrolments.seats import ENROLMENT_WORKFLOW
from training_service.policy import policy
from training_service.recommendations import service as recommendations
from training_service.sessions.models import Session
from training_service.sessions.service import find_visible_session

PREREQUISITE_PROOF = ("valid", "expired")  # certificate states that show a prerequisite was passed
PREREQUISITES = system("prerequisites: the trainee's own certificates, in the trainee's tenant")
ONE_OPEN_ENROLMENT = system("one open enrolment per person and session, in the person's tenant")


def self_enrol(session_id: str, principal: Principal) -> Enrolment:
    trainee = caller_as_trainee(principal)
    remember_caller(trainee)
    session, course = open_session(session_id, principal)
    if not course.self_enrolment:
        raise Forbidden("This course takes nominations only: ask your training coordinator")
    return enrol(session, course, trainee, source="self")


def nominate(session_id: str, person: dict, principal: Principal) -> Enrolment:
    """A training coordinator enrols a person of their own tenant."""
    session, course = open_session(session_id, principal)
    trainee = nominated_person(person["email"], person["name"], principal)
    return enrol(session, course, trainee, source="nomination", nominated_by=principal.sub)


def open_session(session_id: str, principal: Principal) -> tuple[Session, Course]:
    """The session, if it takes enrolments now: published course, open, not over, provider not suspended."""
    session, course = find_visible_session(session_id, principal)
    if course.status != "published":
        raise Conflict("This course version no longer takes enrolments", current_state=course.status)
    if not session.enrolment_open:
        raise Conflict("Enrolment in this session is closed")
    if session.ends_on and session.ends_on < today():
        raise Conflict("This session is over", ends_on=session.ends_on.isoformat())
    refuse_if_suspended(course.tenant, principal.tenant)
    return session, course


def enrol(session: Session, course: Course, trainee: TraineeRef, *, source: str,
          nominated_by: str | None = None) -> Enrolment:
    """Enrol one person: pending approval if the course asks for it, else a seat or the waitlist."""
    _check_prerequisites(course, trainee)
    open_key = Enrolment.open_key_for(session.id, trainee.tenant, trainee.email)

    def work() -> Enrolment:
        if ONE_OPEN_ENROLMENT.records(Enrolment).filter(
                tenant=trainee.tenant, session_id=session.id, trainee__email=trainee.email,
                status__in=OPEN_STATES).count():
            raise Conflict("Already enrolled in this session", email=trainee.email)
        enrolment = Enrolment(
            tenant=trainee.tenant, session_id=session.id, course_id=course.id, course_code=course.code,
            provider_tenant=course.tenant, trainee=trainee, source=source, nominated_by=nominated_by,
            open_key=open_key, status="pending_approval")
        if not course.requires_approval:
            enrolment.status, enrolment.waitlist_position = seats.place(session.id)
        enrolment.save(force_insert=True)
        events.emit_enrolment(events.ENROLMENT_CREATED, enrolment)
        recommendations.mark_taken_up(trainee, course)
        return enrolment

    try:
        return db.transaction(work)
    except me.NotUniqueError:
        raise Conflict("Already enrolled in this session", email=trainee.email) from None


def _check_prerequisites(course: Course, trainee: TraineeRef) -> None:
    """Every prerequisite course (by code, same provider) passed by this person: they hold its certificate,
    valid or expired. A revoked certificate no longer proves the pass."""
    if not course.prerequisites:
        return
    done = set(PREREQUISITES.records(Certificate).filter(
        tenant=trainee.tenant, provider_tenant=course.tenant, course_code__in=course.prerequisites,
        status__in=PREREQUISITE_PROOF, __raw__=person_filter(trainee.user_id, trainee.email, field="holder"),
    ).distinct("course_code"))
    missing = sorted(set(course.prerequisites) - done)
    if missing:
        raise Conflict("Complete the prerequisite courses first", missing_prerequisites=missing)


def approve(enrolment_id: str, principal: Principal, comment: str | None) -> Enrolment:
    """The provider accepts a pending enrolment: a seat if one is free, else the waitlist."""

    def work() -> Enrolment:
        enrolment = _for_provider(enrolment_id, principal)
        _expect_pending(enrolment, "enrolled")
        placed, enrolment.waitlist_position = seats.place(enrolment.session_id)
        ENROLMENT_WORKFLOW.take(enrolment, placed, principal, comment, updated_at=now())
        if enrolment.status == "enrolled":
            events.emit_enrolment(events.ENROLMENT_PROMOTED, enrolment)
        return enrolment

    return db.transaction(work)


def reject(enrolment_id: str, principal: Principal, comment: str | None) -> Enrolment:
    def work() -> Enrolment:
        enrolment = _for_provider(enrolment_id, principal)
        _expect_pending(enrolment, "rejected")
        ENROLMENT_WORKFLOW.take(enrolment, "rejected", principal, comment, open_key=None, updated_at=now())
        events.emit_enrolment(events.ENROLMENT_WITHDRAWN, enrolment)
        return enrolment

    return db.transaction(work)


def withdraw(enrolment_id: str, principal: Principal, comment: str | None) -> Enrolment:
    """The trainee, their coordinator or the provider's coordinator ends an open enrolment.

    A seat it held goes to the first waitlisted trainee in the same transaction.
    """

    def work() -> Enrolment:
        enrolment = find_enrolment(enrolment_id, principal)
        policy.viewer(principal).require(
            "withdraw", enrolment, "Only the trainee or a training coordinator may withdraw an enrolment")
        return end_enrolment(enrolment, principal, comment)

    return db.transaction(work)


def end_enrolment(enrolment: Enrolment, principal: Principal, comment: str | None) -> Enrolment:
    """Withdraw `enrolment` (inside the caller's transaction), handing its seat on."""
    held_seat, was_waiting = enrolment.status == "enrolled", enrolment.status == "waitlisted"
    ENROLMENT_WORKFLOW.take(enrolment, "withdrawn", principal, comment, open_key=None, waitlist_position=None,
                            updated_at=now())
    events.emit_enrolment(events.ENROLMENT_WITHDRAWN, enrolment)
    if held_seat:
        seats.release_seat(enrolment.session_id)
        seats.fill_free_seats(enrolment.session_id)
    if was_waiting:
        seats.renumber_waitlist(enrolment.session_id)
    return enrolment


def _expect_pending(enrolment: Enrolment, requested: str) -> None:
    """Approval and rejection answer only a pending request (a waitlisted one waits for a seat)."""
    if enrolment.status != "pending_approval":
        raise InvalidTransition(current_state=enrolment.status, requested=requested,
                                allowed_next_states=ENROLMENT_WORKFLOW.allowed_next(enrolment.status))


def find_enrolment(enrolment_id: str, principal: Principal) -> Enrolment:
    """An enrolment the caller sees: the trainee's, their tenant's coordinators', the provider's authors'."""
    return policy.viewer(principal).get(Enrolment, db.object_id(enrolment_id, "enrolment"))


def find_own_enrolment(enrolment_id: str, principal: Principal) -> Enrolment:
    """The caller's own enrolment (as the trainee); anybody else's is unknown."""
    enrolment = Enrolment.objects(id=db.object_id(enrolment_id, "enrolment")).first()
    if enrolment is None or not is_trainee(principal, enrolment.trainee):
        raise NotFound(f"No enrolment {enrolment_id}")
    return enrolment


def _for_provider(enrolment_id: str, principal: Principal) -> Enrolment:
    enrolment = find_enrolment(enrolment_id, principal)
    policy.viewer(principal).require("decide", enrolment, "Only the course's provider decides on enrolment requests")
    return enrolment


def my_enrolments(principal: Principal, filters: dict):
    return Enrolment.objects(__raw__=caller_filter(principal), **filters).order_by("-created_at")


def tenant_enrolments(filters: dict):
    """Every enrolment of the caller's tenant's people (for its training coordinators)."""
    return Enrolment.objects(**filters).order_by("-created_at")


def session_enrolments(session_id: str, principal: Principal, filters: dict):
    """The provider sees everyone in its session; another tenant's coordinator sees only its own people."""
    ordering = ("status", "waitlist_position", "created_at")
    own_session = Session.objects(id=db.object_id(session_id, "session")).first()
    if own_session is not None:
        return policy.viewer(principal).sees(Enrolment).filter(  # the provider's authors see all of them
            session_id=own_session.id, **filters).order_by(*ordering)
    session, _course = find_visible_session(session_id, principal)
    return Enrolment.objects(session_id=session.id, **filters).order_by(*ordering)
