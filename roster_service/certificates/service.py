"""Training certificates: recorded from events, matched to experts, and qualified against the catalogue.

A certificate belongs to a person, whichever tenant nominated them, so matching crosses tenants:
by the roster expert id the training service knows, else by gateway user id, else by e-mail. An
e-mail address is trusted only within the holder's own tenant (as for recognising the expert in
`access.is_person`): another tenant nominating someone with a certified person's address does not
get that person's certificates.
Status only ever moves forward (valid -> expired -> revoked), so events arriving out of order or
twice never bring a revoked certificate back.
"""

from __future__ import annotations

import datetime as dt

import marshmallow as ma
from bson import ObjectId

from chassis import context
from chassis.access import system
from chassis.messaging.contracts import Reads
from roster_service.certificates.models import TrainingCertificate
from roster_service.experts.models import Certification, Expert
from roster_service.functions.service import qualifying_courses_by_function

STATUS_BY_EVENT = {
    "training.certificate.issued": "valid",
    "training.certificate.expired": "expired",
    "training.certificate.revoked": "revoked",
}
_STATUS_ORDER = ("valid", "expired", "revoked")
CATALOGUE = system("the catalogue is platform-wide: its changes requalify every tenant's certificates")
CROSSING = system("training certificates follow their holder onto the roster, whichever tenant nominated them")


class HolderSchema(Reads):
    user_id = ma.fields.String(allow_none=True, load_default=None)
    email = ma.fields.String(allow_none=True, load_default=None)
    tenant = ma.fields.String(allow_none=True, load_default=None)
    expert_id = ma.fields.String(allow_none=True, load_default=None)


class IssuerSchema(Reads):
    tenant = ma.fields.String(allow_none=True, load_default=None)
    name = ma.fields.String(allow_none=True, load_default=None)


class CertificateEventSchema(Reads):
    """The fields of the training service's certificate data the roster reads (docs/events.md)."""

    certificate_id = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=100))
    verification_code = ma.fields.String(allow_none=True, load_default=None)
    course_id = ma.fields.String(allow_none=True, load_default=None)
    course_title = ma.fields.String(allow_none=True, load_default=None)
    function = ma.fields.String(allow_none=True, load_default=None)
    issued_on = ma.fields.Date(allow_none=True, load_default=None)
    expires_on = ma.fields.Date(allow_none=True, load_default=None)
    reason = ma.fields.String(allow_none=True, load_default=None)
    holder = ma.fields.Nested(HolderSchema, required=True)
    issuer = ma.fields.Nested(IssuerSchema, allow_none=True, load_default=None)  # absent before issue 11


def later_status(current: str | None, incoming: str) -> str:
    if current is None:
        return incoming
    return max(current, incoming, key=_STATUS_ORDER.index)


def qualifies_for(function: str | None, course_id: str | None, courses_by_function: dict[str, set[str]]) -> list[str]:
    """The catalogue functions a certificate qualifies for: its own, and those listing its course."""
    codes = {code for code, courses in courses_by_function.items() if course_id and course_id in courses}
    if function in courses_by_function:
        codes.add(function)
    return sorted(codes)


def record_training_certificate(event_type: str, fields: dict) -> TrainingCertificate:
    """Apply a `training.certificate.*` event: keep the certificate, update every expert holding it."""
    holder, issuer = fields["holder"], fields["issuer"] or {}
    stored = CROSSING.records(TrainingCertificate).filter(certificate_id=fields["certificate_id"]).first()
    if stored is None:
        stored = TrainingCertificate(tenant=holder["tenant"] or context.tenant.get())
    incoming = STATUS_BY_EVENT[event_type]
    if later_status(stored.status, incoming) == incoming:  # an event older than what we know changes nothing
        stored.status = incoming
        for name, value in fields.items():
            if name not in ("holder", "issuer"):
                setattr(stored, name, value)
        stored.holder_user_id = holder["user_id"]
        stored.holder_email = holder["email"].casefold() if holder["email"] else None
        stored.holder_expert_id = holder["expert_id"]
        stored.issuer_tenant, stored.issuer_name = issuer.get("tenant"), issuer.get("name")
        stored.save()
    courses = qualifying_courses_by_function()
    for expert in experts_holding(stored):
        _carry_onto(expert, stored, courses)
        expert.save()
    return stored


def experts_holding(certificate: TrainingCertificate) -> list[Expert]:
    """Every roster profile of the certificate's holder that is not anonymised."""
    experts = CROSSING.records(Expert).filter(status__ne="anonymised")
    if certificate.holder_expert_id and ObjectId.is_valid(certificate.holder_expert_id):
        by_id = experts.filter(id=certificate.holder_expert_id).first()
        if by_id is not None:
            return [by_id]
    if certificate.holder_user_id:
        by_user = list(experts.filter(user_id=certificate.holder_user_id))
        if by_user:
            return by_user
    if certificate.holder_email:
        return list(experts.filter(email=certificate.holder_email, tenant=certificate.tenant))
    return []


def attach_known_certificates(expert: Expert) -> None:
    """Carry onto a new or re-identified profile the certificates its person already holds."""
    if not (expert.user_id or expert.email):
        return
    known = CROSSING.records(TrainingCertificate)
    matches = []
    if expert.user_id:
        matches += list(known.filter(holder_user_id=expert.user_id))
    if expert.email:
        matches += list(known.filter(holder_email=expert.email, holder_user_id=None, tenant=expert.tenant))
    if matches:
        courses = qualifying_courses_by_function()
        for certificate in matches:
            _carry_onto(expert, certificate, courses)


def _carry_onto(expert: Expert, certificate: TrainingCertificate, courses: dict[str, set[str]]) -> None:
    held = next((held for held in expert.certifications if held.certificate_id == certificate.certificate_id), None)
    if held is None:
        held = Certification(certificate_id=certificate.certificate_id, source="training")
        expert.certifications.append(held)
    held.title = certificate.course_title or certificate.certificate_id
    held.function = certificate.function
    held.course_id = certificate.course_id
    held.qualifies_for = qualifies_for(certificate.function, certificate.course_id, courses)
    held.verification_code = certificate.verification_code
    held.issuer = certificate.issuer_name or certificate.issuer_tenant  # the organisation that ran the course
    held.issued_on = certificate.issued_on
    held.expires_on = certificate.expires_on
    held.status = certificate.status
    held.reason = certificate.reason
    expert.updated_at = dt.datetime.now(dt.UTC)


def requalify_certificates(course_ids: set[str]) -> int:
    """After the catalogue changed which courses qualify, recompute `qualifies_for` where they appear."""
    courses = qualifying_courses_by_function()
    changed = 0
    for expert in CATALOGUE.records(Expert).filter(
            certifications__course_id__in=sorted(course_ids)):
        for certificate in expert.certifications:
            if certificate.course_id in course_ids or certificate.function:
                certificate.qualifies_for = qualifies_for(certificate.function, certificate.course_id, courses)
        expert.save()
        changed += 1
    return changed
