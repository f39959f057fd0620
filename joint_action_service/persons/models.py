"""Persons of a case: suspects with their role in the network, and victims with rescue, referrals and consent."""

from __future__ import annotations

import mongoengine as me

from chassis.clock import now
from joint_action_service.handling import HandledRecord
from joint_action_service.vocabulary import NETWORK_ROLES, REFERRAL_SERVICES

SUSPECT, VICTIM = "suspect", "victim"

# What identifies a person. For a victim these reach only the lead tenant, the record's originator and the
# tenants the victim's consent covers; everyone else sees victims only as anonymised counts.
IDENTITY_FIELDS = ("full_name", "aliases", "date_of_birth", "nationality", "identity_documents", "contact_details")


class Referral(me.EmbeddedDocument):
    service = me.StringField(required=True, choices=REFERRAL_SERVICES)
    provider = me.StringField(max_length=200)
    referred_on = me.DateField(required=True)


class Consent(me.EmbeddedDocument):
    """The victim's consent to share identity data: when it was recorded and which tenants it covers."""

    recorded_on = me.DateField(required=True)
    scope = me.ListField(me.StringField())
    note = me.StringField(max_length=1000)


class Person(HandledRecord):
    meta = {"collection": "persons", "indexes": ["case_id", "kind", "consent.scope"]}

    kind = me.StringField(required=True, choices=(SUSPECT, VICTIM))
    full_name = me.StringField(max_length=200)
    aliases = me.ListField(me.StringField(max_length=200))
    date_of_birth = me.DateField()
    nationality = me.StringField(max_length=3)
    identity_documents = me.ListField(me.StringField(max_length=100))
    contact_details = me.StringField(max_length=500)
    sex = me.StringField(choices=("female", "male", "other", "unknown"))
    network_role = me.StringField(choices=NETWORK_ROLES)  # suspects
    rescued_on = me.DateField()  # victims
    referrals = me.EmbeddedDocumentListField(Referral)
    consent = me.EmbeddedDocumentField(Consent)
    note = me.StringField(max_length=4000)
    created_by = me.StringField(required=True)
    created_at = me.DateTimeField(required=True, default=now)
