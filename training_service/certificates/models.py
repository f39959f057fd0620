"""Certificates as stored: owned by the holder's tenant, naming the issuing (providing) tenant."""

from __future__ import annotations

import datetime as dt

import mongoengine as me

from chassis.clock import now
from chassis.tenancy import TenantOwnedDocument
from chassis.workflow import Transition
from training_service.directory.models import TraineeRef

CERTIFICATE_STATES = ("valid", "expired", "revoked")


class Certificate(TenantOwnedDocument):
    """`expires_on` is the first day the certificate is no longer valid (None: it does not expire)."""

    meta = {
        "collection": "certificates",
        "indexes": [
            {"fields": ["verification_code"], "unique": True},
            ("status", "expires_on"),
            ("tenant", "holder.email"),
            ("tenant", "holder.user_id"),
            ("provider_tenant", "course_id"),
            "renews",
        ],
    }

    verification_code = me.StringField(required=True)
    enrolment_id = me.ObjectIdField(required=True)
    course_id = me.ObjectIdField(required=True)
    course_code = me.StringField(required=True)
    course_title = me.StringField(required=True)
    function = me.StringField()
    provider_tenant = me.StringField(required=True, max_length=64)
    issuer_name = me.StringField(max_length=200)  # the provider's name when it issued the certificate
    holder = me.EmbeddedDocumentField(TraineeRef, required=True)
    expert_id = me.StringField()
    issued_on = me.DateField(required=True)
    expires_on = me.DateField()
    status = me.StringField(required=True, choices=CERTIFICATE_STATES, default="valid")
    reason = me.StringField(max_length=2000)
    renews = me.ObjectIdField()  # the holder's earlier certificate of the same course, if any
    expiry_reminder_sent_on = me.DateField()  # the reminder 30 days ahead (or the final one, if that came first)
    final_reminder_sent_on = me.DateField()  # the last reminder, 7 days ahead
    history = me.EmbeddedDocumentListField(Transition)
    created_at = me.DateTimeField(required=True, default=now)

    @property
    def issuer(self) -> str:
        """The issuing organisation by name (by tenant code for a certificate issued before names were kept,
        or by a provider training had not heard the name of)."""
        return self.issuer_name or self.provider_tenant

    def status_on(self, day: dt.date) -> str:
        """The status as of `day`: a valid certificate past its expiry date is expired, job run or not."""
        if self.status == "valid" and self.expires_on is not None and self.expires_on <= day:
            return "expired"
        return self.status
