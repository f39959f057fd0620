"""The events training publishes (docs/events.md): their types and how their `data` is built."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chassis import runtime
from chassis.messaging import emit

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
