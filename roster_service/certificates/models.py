from __future__ import annotations

import mongoengine as me

from chassis.tenancy import TenantOwnedDocument


class TrainingCertificate(TenantOwnedDocument):
    """The roster's copy of a training certificate (owned by the holder's tenant).

    Kept even when no expert matches yet, so a trainee certified before being nominated to the roster
    arrives with the certificate.
    """

    meta = {
        "collection": "training_certificates",
        "indexes": [{"fields": ["certificate_id"], "unique": True}, "holder_user_id", "holder_email",
                    "holder_expert_id", "course_id"],
    }

    certificate_id = me.StringField(required=True, max_length=100)
    verification_code = me.StringField(max_length=100)
    course_id = me.StringField(max_length=100)
    course_title = me.StringField(max_length=300)
    function = me.StringField(null=True)
    issued_on = me.DateField(null=True)
    expires_on = me.DateField(null=True)
    status = me.StringField(required=True, choices=("valid", "expired", "revoked"))
    reason = me.StringField(max_length=1000)
    holder_user_id = me.StringField(null=True)
    holder_email = me.StringField(null=True)
    holder_expert_id = me.StringField(null=True)
    issuer_tenant = me.StringField(null=True, max_length=64)  # the tenant that ran the course
    issuer_name = me.StringField(null=True, max_length=200)
