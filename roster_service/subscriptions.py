"""Handlers for other services' events (each idempotent through the chassis inbox)."""

from __future__ import annotations

from chassis.messaging import Event
from chassis.messaging.consumer import Subscriptions
from chassis.tenant_status import follow_tenant_status
from roster_service.certificates.service import CertificateEventSchema, record_training_certificate
from roster_service.deployments.schemas import CaseExpertRequestSchema
from roster_service.deployments.service import request_from_case

subscriptions = Subscriptions("roster")


@subscriptions.on("training.certificate.issued", "training.certificate.revoked", "training.certificate.expired",
                  reads=CertificateEventSchema)
def training_certificates(event: Event) -> None:
    """Keep certificates, and so readiness, true on every profile of the holder."""
    record_training_certificate(event.type, event.data)


@subscriptions.on("joint_action.case.expert_requested", reads=CaseExpertRequestSchema)
def case_expert_requests(event: Event) -> None:
    """A joint-action case asks for experts: a submitted request, linked to the case."""
    request_from_case(event.data)


follow_tenant_status(subscriptions)  # a suspended tenant's experts leave search until it is reactivated
