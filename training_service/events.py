"""The events training publishes (docs/events.md): their types and how their `data` is built."""

from __future__ import annotations

from typing import TYPE_CHECKING

import marshmallow as ma

from chassis import runtime
from chassis.messaging import emit
from chassis.messaging.contracts import PERSONAL, EventContract

if TYPE_CHECKING:
    from training_service.certificates.models import Certificate
    from training_service.enrolments.models import Enrolment

ENROLMENT_CREATED = "training.enrolment.created"
ENROLMENT_PROMOTED = "training.enrolment.promoted"
ENROLMENT_WITHDRAWN = "training.enrolment.withdrawn"
COURSE_COMPLETED = "training.course.completed"
CERTIFICATE_ISSUED = "training.certificate.issued"
CERTIFICATE_EXPIRING = "training.certificate.expiring"
CERTIFICATE_EXPIRED = "training.certificate.expired"
CERTIFICATE_REVOKED = "training.certificate.revoked"

Str = ma.fields.String


class PersonInEvent(ma.Schema):
    """A trainee or a certificate's holder."""

    user_id = Str(required=True, allow_none=True, metadata=PERSONAL)
    email = Str(required=True, metadata=PERSONAL)
    name = Str(required=True, metadata=PERSONAL)
    tenant = Str(required=True)


class HolderInEvent(PersonInEvent):
    expert_id = Str(required=True, allow_none=True)


class EnrolmentChanged(ma.Schema):
    enrolment_id = Str(required=True)
    session_id = Str(required=True)
    course_id = Str(required=True)
    trainee = ma.fields.Nested(PersonInEvent, required=True)
    status = Str(required=True)


class CourseCompleted(ma.Schema):
    enrolment_id = Str(required=True)
    course_id = Str(required=True)
    trainee = ma.fields.Nested(PersonInEvent, required=True)
    passed = ma.fields.Boolean(required=True)
    score = ma.fields.Float(required=True, allow_none=True)


class Issuer(ma.Schema):
    tenant = Str(required=True)
    name = Str(required=True)


class CertificateChanged(ma.Schema):
    certificate_id = Str(required=True)
    verification_code = Str(required=True)
    verification_url = ma.fields.Url(required=True, require_tld=False)
    course_id = Str(required=True)
    course_code = Str(required=True)
    course_title = Str(required=True)
    function = Str(required=True, allow_none=True)
    issuer = ma.fields.Nested(Issuer, required=True)
    issued_on = ma.fields.Date(required=True)
    expires_on = ma.fields.Date(required=True, allow_none=True)
    status = Str(required=True)
    reason = Str(required=True, allow_none=True)
    holder = ma.fields.Nested(HolderInEvent, required=True)


class CertificateExpiring(CertificateChanged):
    reminder_days = ma.fields.Integer(required=True)


TRAINEE_EXAMPLE = {"user_id": "u-somchai", "email": "somchai.k@example.org", "name": "Somchai Kittisak",
                   "tenant": "THA"}
ENROLMENT_EXAMPLE = {"enrolment_id": "6650f0c2a1b2c3d4e5f60801", "session_id": "6650f0c2a1b2c3d4e5f60802",
                     "course_id": "6650f0c2a1b2c3d4e5f60803", "trainee": TRAINEE_EXAMPLE}
CERTIFICATE_EXAMPLE = {
    "certificate_id": "6650f0c2a1b2c3d4e5f60804", "verification_code": "K7Q2-9XDM-4TPA",
    "verification_url": "https://rso.example.org/api/training/public/certificates/K7Q2-9XDM-4TPA",
    "course_id": "6650f0c2a1b2c3d4e5f60803", "course_code": "VID-101", "course_title": "Victim identification",
    "function": "victim_identification",
    "issuer": {"tenant": "IOM", "name": "International Organization for Migration"},
    "issued_on": "2026-10-01", "expires_on": "2028-10-01", "reason": "Issued in error",
    "holder": {**TRAINEE_EXAMPLE, "expert_id": "6650f0c2a1b2c3d4e5f60718"},
}
CONTRACTS = [
    EventContract(ENROLMENT_CREATED, EnrolmentChanged, summary="A person was enrolled (or asked to be).",
                  example={**ENROLMENT_EXAMPLE, "status": "pending_approval"}),
    EventContract(ENROLMENT_PROMOTED, EnrolmentChanged,
                  summary="An enrolment was approved onto a seat or the waitlist, or promoted from the waitlist.",
                  example={**ENROLMENT_EXAMPLE, "status": "enrolled"}),
    EventContract(ENROLMENT_WITHDRAWN, EnrolmentChanged, summary="An enrolment was withdrawn or rejected.",
                  example={**ENROLMENT_EXAMPLE, "status": "rejected"}),
    EventContract(COURSE_COMPLETED, CourseCompleted, summary="A trainee finished every item of a course.",
                  example={"enrolment_id": "6650f0c2a1b2c3d4e5f60801", "course_id": "6650f0c2a1b2c3d4e5f60803",
                           "trainee": TRAINEE_EXAMPLE, "passed": True, "score": 0.85}),
    *[EventContract(event_type, CertificateChanged, summary=summary, example={**CERTIFICATE_EXAMPLE, "status": status})
      for event_type, status, summary in (
          (CERTIFICATE_ISSUED, "valid", "A certificate was issued to a trainee who passed a course."),
          (CERTIFICATE_EXPIRED, "expired", "A certificate reached its expiry date."),
          (CERTIFICATE_REVOKED, "revoked", "The issuing provider revoked a certificate."))],
    EventContract(CERTIFICATE_EXPIRING, CertificateExpiring,
                  summary="A certificate expires within a reminder window (`reminder_days`: 30, then 7).",
                  example={**CERTIFICATE_EXAMPLE, "status": "valid", "reminder_days": 30}),
]


def enrolment_data(enrolment: Enrolment) -> dict:
    return {"enrolment_id": str(enrolment.id), "session_id": str(enrolment.session_id),
            "course_id": str(enrolment.course_id), "trainee": enrolment.trainee.as_event_data(),
            "status": enrolment.status}


def emit_enrolment(event_type: str, enrolment: Enrolment) -> None:
    emit(event_type, enrolment_data(enrolment))


def emit_course_completed(enrolment: Enrolment) -> None:
    emit(COURSE_COMPLETED, {"enrolment_id": str(enrolment.id), "course_id": str(enrolment.course_id),
                            "trainee": enrolment.trainee.as_event_data(), "passed": enrolment.passed,
                            "score": enrolment.score})


def certificate_data(certificate: Certificate) -> dict:
    """Everything a consumer needs without asking training: the roster's copy, and a reminder or notice to
    the holder (whom, in which course, from which organisation, until when, where to check it)."""
    holder = certificate.holder
    return {
        "certificate_id": str(certificate.id), "verification_code": certificate.verification_code,
        "verification_url": verification_url(certificate.verification_code),
        "course_id": str(certificate.course_id), "course_code": certificate.course_code,
        "course_title": certificate.course_title, "function": certificate.function,
        "issuer": {"tenant": certificate.provider_tenant, "name": certificate.issuer},
        "issued_on": certificate.issued_on.isoformat(),
        "expires_on": certificate.expires_on.isoformat() if certificate.expires_on else None,
        "status": certificate.status, "reason": certificate.reason,
        "holder": {**holder.as_event_data(), "expert_id": certificate.expert_id},
    }


def verification_url(code: str) -> str:
    """The public check of a certificate through the gateway (whose public address is the token issuer)."""
    return f"{runtime.settings().oauth_issuer.rstrip('/')}/api/training/public/certificates/{code}"


def emit_certificate(event_type: str, certificate: Certificate, *, tenant: str | None = None, **extra) -> None:
    """`tenant`: the tenant whose action caused it; the scheduled expiry job names the holder's tenant. `extra`:
    fields of one type only (`reminder_days` of `expiring`)."""
    emit(event_type, {**certificate_data(certificate), **extra}, tenant=tenant)
