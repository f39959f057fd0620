"""Certificate use cases: issue (on passing), revoke, find, verify publicly."""

from __future__ import annotations

import secrets

from chassis import db
from chassis.access import system
from chassis.auth import Principal
from chassis.clock import today
from chassis.problems import NotFound
from chassis.workflow import Workflow
from training_service import events
from training_service.catalogue.models import Course
from training_service.certificates.models import Certificate
from training_service.common import SERVICE_ONLY, add_months
from training_service.directory.models import TraineeRef
from training_service.directory.service import (
    caller_filter,
    expert_filter,
    expert_id_for,
    organisation_name,
    person_filter,
)
from training_service.enrolments.models import Enrolment
from training_service.policy import policy
from training_service.vocabulary import COORDINATORS

CERTIFICATE_WORKFLOW = Workflow("certificate", {
    "valid": {"expired": SERVICE_ONLY, "revoked": COORDINATORS},
    "expired": {"revoked": COORDINATORS},
    "revoked": {},
})
RENEWAL = system("a renewed certificate points at the holder's earlier one, in the holder's tenant")
VERIFICATION_CODE_BYTES = 24  # 192 random bits: unguessable, 32 URL-safe characters


def issue_certificate(enrolment: Enrolment, course: Course) -> Certificate:
    """Issue the certificate of a passed course (inside the completing transaction).

    Completing the same course again renews: a new certificate with a new expiry, pointing at the one
    it renews. The earlier one keeps its own dates, so each certificate's events tell one story.
    """
    holder = TraineeRef(**enrolment.trainee.to_mongo().to_dict())
    earlier = RENEWAL.records(Certificate).filter(
        tenant=enrolment.tenant, provider_tenant=course.tenant, course_code=course.code,
        status__in=("valid", "expired"), __raw__=person_filter(holder.user_id, holder.email, field="holder"),
    ).order_by("-issued_on", "-created_at").first()
    issued_on = today()
    certificate = Certificate(
        tenant=enrolment.tenant, verification_code=secrets.token_urlsafe(VERIFICATION_CODE_BYTES),
        enrolment_id=enrolment.id, course_id=course.id, course_code=course.code, course_title=course.title,
        function=course.function, provider_tenant=course.tenant, issuer_name=organisation_name(course.tenant),
        holder=holder, expert_id=expert_id_for(holder),
        issued_on=issued_on, status="valid", renews=earlier.id if earlier else None,
        expires_on=add_months(issued_on, course.certificate_validity_months)
        if course.certificate_validity_months else None,
    ).save(force_insert=True)
    events.emit_certificate(events.CERTIFICATE_ISSUED, certificate)
    return certificate


def revoke(certificate_id: str, reason: str, principal: Principal) -> Certificate:
    """The issuing provider withdraws a certificate; the public check then says revoked."""

    def work() -> Certificate:
        certificate = _issued_by(principal).filter(id=db.object_id(certificate_id, "certificate")).first()
        if certificate is None:
            raise NotFound(f"No certificate {certificate_id} issued by this tenant")
        CERTIFICATE_WORKFLOW.take(certificate, "revoked", principal, reason, reason=reason)
        events.emit_certificate(events.CERTIFICATE_REVOKED, certificate)
        return certificate

    return db.transaction(work)


def _issued_by(principal: Principal):
    """Certificates the caller's tenant issued, to whichever tenant's people (its authors see them)."""
    return policy.viewer(principal).sees(Certificate).filter(provider_tenant=principal.tenant)


def find_certificate(certificate_id: str, principal: Principal) -> Certificate:
    """A certificate the caller sees: the holder's, their tenant's coordinators', the provider's authors'."""
    return policy.viewer(principal).get(Certificate, db.object_id(certificate_id, "certificate"))


def my_certificates(principal: Principal):
    return Certificate.objects(__raw__=caller_filter(principal, field="holder")).order_by("-issued_on")


def tenant_certificates(principal: Principal, scope: str, status: str | None):
    """Certificates held by this tenant's people (`held`) or issued by this tenant (`issued`)."""
    certificates = Certificate.objects if scope == "held" else _issued_by(principal)
    if status:
        certificates = certificates.filter(status=status)
    return certificates.order_by("-issued_on")


def verify(code: str) -> Certificate:
    """The certificate behind a verification code, for the public check (no login)."""
    certificate = policy.public(Certificate, code=code).first()
    if certificate is None:
        raise NotFound("No certificate has this verification code")
    return certificate


def link_expert(expert_id: str, user_id: str | None, email: str | None, tenant: str | None) -> int:
    """Name a newly registered roster expert (of `tenant`) on the certificates they already hold: by user
    id, or by e-mail among `tenant`'s certificates only; return how many."""
    return system("a roster expert's certificates, by user id in any tenant").records(Certificate).filter(
        expert_id=None, __raw__=expert_filter(user_id, email, tenant),
    ).update(set__expert_id=expert_id)
