"""Session use cases: scheduling sessions of published courses and changing them."""

from __future__ import annotations

from chassis import db
from chassis.auth import Principal
from chassis.clock import now, today
from chassis.problems import Conflict, NotFound, ValidationFailed
from training_service.catalogue.models import Course
from training_service.catalogue.service import find_visible_course, get_own_course
from training_service.enrolments import seats
from training_service.policy import policy
from training_service.sessions.models import Session, Trainer

SCHEDULED_NEEDS = ("starts_on", "ends_on", "capacity")
DATES = ("starts_on", "ends_on")


def create_session(course_id: str, data: dict, principal: Principal) -> Session:
    course = get_own_course(course_id)
    if course.status != "published":
        raise Conflict("Sessions are scheduled for published courses only", current_state=course.status)
    session = Session(course_id=course.id, hosting_tenant=data.get("hosting_tenant", principal.tenant),
                      **_fields(data))
    _check_schedule(session, new_dates=data)
    return session.save()


def update_session(session_id: str, data: dict) -> Session:
    """Change a session; more seats promote waitlisted trainees at once, in waitlist order."""

    def work() -> Session:
        session = get_own_session(session_id)
        new_dates = {field: data[field] for field in DATES if field in data and data[field] != session[field]}
        for field, value in _fields(data).items():
            setattr(session, field, value)
        _check_schedule(session, new_dates)
        if session.capacity is not None and session.capacity < session.seats_taken:
            raise ValidationFailed({"capacity": [f"{session.seats_taken} seats are taken already"]})
        session.updated_at = now()
        session.save()
        seats.fill_free_seats(session.id)
        return session.reload()

    return db.transaction(work)


def _fields(data: dict) -> dict:
    fields = {key: value for key, value in data.items() if key != "hosting_tenant"}
    if "trainers" in data:
        fields["trainers"] = [Trainer(**trainer) for trainer in data["trainers"]]
    return fields


def _check_schedule(session: Session, new_dates: dict) -> None:
    """422 naming each field: what a mode needs, dates in order, and no date newly set in the past (a
    running session keeps its start date; a PATCH resending it unchanged is fine)."""
    errors: dict[str, list[str]] = {}
    for field in DATES:
        if new_dates.get(field) is not None and new_dates[field] < today():
            errors[field] = [f"{new_dates[field].isoformat()} is in the past: sessions are scheduled from today on"]
    if session.mode != "self_paced":
        for field in SCHEDULED_NEEDS:
            if getattr(session, field) is None:
                errors[field] = [f"A {session.mode.replace('_', '-')} session needs it"]
    if session.mode == "in_person" and not session.location:
        errors["location"] = ["An in-person session needs a location"]
    if session.starts_on and session.ends_on and session.ends_on < session.starts_on:
        errors.setdefault("ends_on", []).append("Ends before it starts")
    if errors:
        raise ValidationFailed(errors)


def get_own_session(session_id: str) -> Session:
    session = Session.objects(id=db.object_id(session_id, "session")).first()
    if session is None:
        raise NotFound(f"No session {session_id}")
    return session


def find_visible_session(session_id: str, principal: Principal) -> tuple[Session, Course]:
    """A session of a course the caller may see (the provider's own, or one offered to the caller)."""
    viewer = policy.viewer(principal)
    session = viewer.get(Session, db.object_id(session_id, "session"))
    return session, viewer.get(Course, session.course_id, enrolled=True)


def sessions_of(course_id: str, principal: Principal):
    course = find_visible_course(course_id, principal)
    return policy.viewer(principal).sees(Session, courses=[course]).filter(tenant=course.tenant).order_by(
        "starts_on", "created_at")
