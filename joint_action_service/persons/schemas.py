from __future__ import annotations

import marshmallow as ma

from chassis.vocabulary import CountryCode
from joint_action_service.common import tenant_codes_field
from joint_action_service.persons.models import SUSPECT, VICTIM
from joint_action_service.vocabulary import HANDLING_CODES, NETWORK_ROLES, REFERRAL_SERVICES

VICTIM_ONLY = ("rescued_on", "referrals", "consent")


def kind_errors(kind: str, data: dict, *, creating: bool) -> dict:
    """Field errors of data that does not fit the person's kind (suspects have a role, victims a rescue)."""
    if kind == SUSPECT:
        errors = {field: ["Only for victims"] for field in VICTIM_ONLY if data.get(field)}
        if creating and not data.get("network_role"):
            errors["network_role"] = ["A suspect's role in the network is required"]
        return errors
    return {"network_role": ["Only for suspects"]} if data.get("network_role") else {}


class ReferralSchema(ma.Schema):
    service = ma.fields.String(required=True, validate=ma.validate.OneOf(REFERRAL_SERVICES))
    provider = ma.fields.String(validate=ma.validate.Length(max=200))
    referred_on = ma.fields.Date(required=True)


class ConsentSchema(ma.Schema):
    recorded_on = ma.fields.Date(required=True)
    scope = tenant_codes_field(required=True, metadata={"description": "Tenants that may see the victim's identity"})
    note = ma.fields.String(validate=ma.validate.Length(max=1000))


class PersonFields(ma.Schema):
    full_name = ma.fields.String(validate=ma.validate.Length(min=1, max=200))
    aliases = ma.fields.List(ma.fields.String(validate=ma.validate.Length(min=1, max=200)))
    date_of_birth = ma.fields.Date()
    nationality = CountryCode()
    identity_documents = ma.fields.List(ma.fields.String(validate=ma.validate.Length(min=1, max=100)))
    contact_details = ma.fields.String(validate=ma.validate.Length(max=500))
    sex = ma.fields.String(validate=ma.validate.OneOf(("female", "male", "other", "unknown")))
    network_role = ma.fields.String(validate=ma.validate.OneOf(NETWORK_ROLES))
    rescued_on = ma.fields.Date()
    referrals = ma.fields.List(ma.fields.Nested(ReferralSchema))
    consent = ma.fields.Nested(ConsentSchema, allow_none=True)
    note = ma.fields.String(validate=ma.validate.Length(max=4000))


class PersonIn(PersonFields):
    kind = ma.fields.String(required=True, validate=ma.validate.OneOf((SUSPECT, VICTIM)))
    handling_code = ma.fields.String(validate=ma.validate.OneOf(HANDLING_CODES),
                                     metadata={"description": "Default: the case's handling code"})
    released_to = tenant_codes_field(load_default=list)

    @ma.validates_schema
    def fits_kind(self, data, **_):
        errors = kind_errors(data.get("kind"), data, creating=True)
        if errors:
            raise ma.ValidationError(errors)


class PersonPatch(PersonFields):
    """Fields to change; `referrals` and `consent` replace the recorded ones."""


class PersonOut(PersonFields):
    id = ma.fields.String()
    case_id = ma.fields.String()
    kind = ma.fields.String()
    originator_tenant = ma.fields.String(attribute="tenant")
    handling_code = ma.fields.String()
    released_to = ma.fields.List(ma.fields.String())
    created_by = ma.fields.String()
    created_at = ma.fields.DateTime()


class AnonymisedVictims(ma.Schema):
    count = ma.fields.Integer()
    rescued = ma.fields.Integer()
    referred = ma.fields.Integer()


class PersonsOut(ma.Schema):
    persons = ma.fields.List(ma.fields.Nested(PersonOut),
                             metadata={"description": "Suspects, and victims whose identity the caller may see"})
    anonymised_victims = ma.fields.Nested(AnonymisedVictims, metadata={
        "description": "Victims recorded whose identity the caller may not see: counts only"})
