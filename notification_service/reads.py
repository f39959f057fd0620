"""What the notification rules read of each event they follow (chassis.messaging.contracts): the rule sees only
these fields, and tests/contract checks that every producer's events carry them."""

from __future__ import annotations

import marshmallow as ma

from chassis.messaging.contracts import Reads

Str = ma.fields.String


def optional() -> ma.fields.String:
    return Str(allow_none=True)


class PersonNamed(Reads):
    user_id, email, tenant, name = optional(), optional(), optional(), optional()


class ExpertNamed(Reads):
    user_id, email, nominating_tenant, full_name = optional(), optional(), optional(), optional()


class DeploymentRead(Reads):
    request_id = Str(required=True)
    deployment_id = Str(required=True)
    requesting_tenant = Str(required=True)
    status = Str(required=True)
    function, country, start_date, end_date = optional(), optional(), optional(), optional()
    expert = ma.fields.Nested(ExpertNamed, allow_none=True)


class RequestMovedRead(Reads):
    request_id = Str(required=True)
    requesting_tenant = Str(required=True)
    status = Str(required=True)


class EnrolmentRead(Reads):
    enrolment_id = Str(required=True)
    status = Str(required=True)
    trainee = ma.fields.Nested(PersonNamed, allow_none=True)


class IssuerNamed(Reads):
    name = optional()


class CertificateRead(Reads):
    verification_url = Str(required=True)
    verification_code = optional()
    course_code, course_title, expires_on = optional(), optional(), optional()
    issuer = ma.fields.Nested(IssuerNamed, allow_none=True)
    holder = ma.fields.Nested(PersonNamed, allow_none=True)


class CaseSharedRead(Reads):
    case_id = Str(required=True)
    tenant = Str(required=True)
    lead_tenant = Str(required=True)
    permission = optional()


class TaskAssignedRead(Reads):
    case_id = Str(required=True)
    lead_tenant = Str(required=True)
    assigned_tenant = Str(required=True)
    assignee, due_date = optional(), optional()


class ItemReleasedRead(Reads):
    case_id = Str(required=True)
    lead_tenant = Str(required=True)
    originator_tenant = Str(required=True)
    tenants = ma.fields.List(Str(), required=True)


class ExpertDeployedRead(Reads):
    case_id = Str(required=True)
    lead_tenant = Str(required=True)
    requesting_tenant = Str(required=True)
    function, country, start_date, end_date = optional(), optional(), optional(), optional()


class PasswordResetRead(Reads):
    tenant = Str(required=True)
    reset_link = Str(required=True)
    user_id, email, language = optional(), optional(), optional()


class TenantSuspendedRead(Reads):
    tenant = Str(required=True)
    reason = optional()


class PersonRead(Reads):
    user_id = Str(required=True)
    tenant = Str(required=True)
    email = Str(required=True)
    display_name = Str(required=True)
    roles = ma.fields.List(Str())
    preferred_language = optional()
    status = Str()


class PersonDeactivatedRead(Reads):
    user_id = Str(required=True)
    tenant = Str(required=True)


RULE_READS: dict[str, type[Reads]] = {
    "roster.deployment.offered": DeploymentRead,
    "roster.deployment.accepted": DeploymentRead,
    "roster.deployment.cancelled": DeploymentRead,
    "roster.deployment_request.moved": RequestMovedRead,
    "training.enrolment.promoted": EnrolmentRead,
    "training.enrolment.withdrawn": EnrolmentRead,
    "training.certificate.expiring": CertificateRead,
    "training.certificate.expired": CertificateRead,
    "training.certificate.revoked": CertificateRead,
    "joint_action.case.shared": CaseSharedRead,
    "joint_action.task.assigned": TaskAssignedRead,
    "joint_action.item.released": ItemReleasedRead,
    "joint_action.case.expert_deployed": ExpertDeployedRead,
    "identity.tenant.suspended": TenantSuspendedRead,
    "identity.password_reset.requested": PasswordResetRead,
}
