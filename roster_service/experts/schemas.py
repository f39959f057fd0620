from __future__ import annotations

import datetime as dt

import marshmallow as ma

from chassis.vocabulary import CountryCode, LanguageCode, ProficiencyLevel
from chassis.workflow import TransitionOut
from roster_service.experts.readiness import readiness_by_function
from roster_service.fields import FunctionCode, Text, check_date_order, no_duplicates
from roster_service.vocabulary import CLEARANCE_LEVELS, EXPERIENCE_LEVELS

PHONE = ma.validate.Regexp(r"^\+?[0-9 ()-]{5,40}$", error="Not a phone number")


class LanguageSkillIn(ma.Schema):
    code = LanguageCode(required=True)
    level = ProficiencyLevel(required=True)


class FunctionExperienceIn(ma.Schema):
    code = FunctionCode(required=True)
    experience_level = ma.fields.String(required=True, validate=ma.validate.OneOf(EXPERIENCE_LEVELS))
    years = ma.fields.Integer(required=True, strict=True, validate=ma.validate.Range(min=0, max=60))


class ExternalCertificationIn(ma.Schema):
    title = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=300))
    function = FunctionCode(load_default=None, allow_none=True)
    issuer = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=200))
    evidence_reference = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=500))
    issued_on = ma.fields.Date(required=True)
    expires_on = ma.fields.Date(required=True)

    @ma.validates("issued_on")
    def _issued_by_today(self, value, **_):
        if value > dt.date.today():
            raise ma.ValidationError("A certificate cannot have been issued in the future")

    @ma.validates_schema
    def _dates(self, data, **_):
        check_date_order(data, "issued_on", "expires_on")


class PeriodIn(ma.Schema):
    start_date = ma.fields.Date(required=True)
    end_date = ma.fields.Date(load_default=None, allow_none=True,
                              metadata={"description": "None: until further notice"})
    reason = Text(500, load_default=None)

    @ma.validates_schema
    def _dates(self, data, **_):
        check_date_order(data)


def _languages(**kwargs):
    return ma.fields.List(ma.fields.Nested(LanguageSkillIn), validate=ma.validate.Length(min=1, max=30), **kwargs)


def _functions(**kwargs):
    return ma.fields.List(ma.fields.Nested(FunctionExperienceIn), validate=ma.validate.Length(min=1, max=20), **kwargs)


class ExpertPatch(ma.Schema):
    """Who may write each field: `roster_service.policy.PROFILE_FIELD_WRITERS`."""

    full_name = ma.fields.String(validate=ma.validate.Length(min=1, max=200))
    email = ma.fields.Email(validate=ma.validate.Length(max=254),
                            metadata={"description": "The nominating tenant's to change (it recognises the expert)"})
    phone = ma.fields.String(validate=PHONE, allow_none=True)
    user_id = ma.fields.String(validate=ma.validate.Length(min=1, max=200), allow_none=True, metadata={
        "description": "The person's gateway account (token `sub`): given at nomination, changed by the roster "
                       "office only"})
    nationality = CountryCode(metadata={"description": "The nominating tenant's to change"})
    clearance_level = ma.fields.String(validate=ma.validate.OneOf(CLEARANCE_LEVELS),
                                       metadata={"description": "The nominating tenant's to change"})
    languages = _languages()
    functions = _functions()

    @ma.validates_schema
    def _unique(self, data, **_):
        no_duplicates(data.get("languages", []), "code", "languages")
        no_duplicates(data.get("functions", []), "code", "functions")


class ExpertIn(ExpertPatch):
    full_name = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=200))
    email = ma.fields.Email(required=True, validate=ma.validate.Length(max=254))
    nationality = CountryCode(required=True)
    clearance_level = ma.fields.String(load_default="none", validate=ma.validate.OneOf(CLEARANCE_LEVELS))
    languages = _languages(required=True)
    functions = _functions(required=True)
    consent_given_on = ma.fields.Date(required=True, metadata={"description": "Day the expert consented to data "
                                                                              "processing for the roster"})
    external_certifications = ma.fields.List(ma.fields.Nested(ExternalCertificationIn), load_default=list,
                                             validate=ma.validate.Length(max=50))
    unavailability = ma.fields.List(ma.fields.Nested(PeriodIn), load_default=list, validate=ma.validate.Length(max=100))

    @ma.validates("consent_given_on")
    def _consent_not_in_future(self, value, **_):
        if value > dt.date.today():
            raise ma.ValidationError("Consent cannot have been given in the future")


class StepIn(ma.Schema):
    to = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=40))
    comment = Text(2000, load_default=None)


class CommentIn(ma.Schema):
    comment = Text(2000, load_default=None)


class RevocationIn(ma.Schema):
    reason = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=1000))


# --- output --------------------------------------------------------------------------------------------

class LanguageSkillOut(ma.Schema):
    code = ma.fields.String()
    level = ma.fields.String()


class FunctionExperienceOut(ma.Schema):
    code = ma.fields.String()
    experience_level = ma.fields.String()
    years = ma.fields.Integer()


class ReadinessOut(ma.Schema):
    function = ma.fields.String()
    level = ma.fields.String(metadata={"description": "not_ready < vetted < ready"})
    explanation = ma.fields.String(metadata={"description": "How the level follows from vetting and certificates"})
    certificate_id = ma.fields.String(allow_none=True)
    certificate_valid_until = ma.fields.Date(allow_none=True)


class CertificationOut(ma.Schema):
    certificate_id = ma.fields.String()
    source = ma.fields.String()
    title = ma.fields.String()
    function = ma.fields.String(allow_none=True)
    course_id = ma.fields.String(allow_none=True)
    qualifies_for = ma.fields.List(ma.fields.String())
    issuer = ma.fields.String(allow_none=True)
    evidence_reference = ma.fields.String(allow_none=True)
    verification_code = ma.fields.String(allow_none=True)
    issued_on = ma.fields.Date(allow_none=True)
    expires_on = ma.fields.Date(allow_none=True)
    status = ma.fields.String()
    reason = ma.fields.String(allow_none=True)
    verified_at = ma.fields.DateTime(allow_none=True)
    verified_by = ma.fields.String(allow_none=True)


class PeriodOut(ma.Schema):
    period_id = ma.fields.String()
    start_date = ma.fields.Date()
    end_date = ma.fields.Date(allow_none=True)
    reason = ma.fields.String(allow_none=True)


class BookingOut(ma.Schema):
    deployment_id = ma.fields.String()
    start_date = ma.fields.Date()
    end_date = ma.fields.Date()


class ConsentOut(ma.Schema):
    given_on = ma.fields.Date()
    withdrawn_on = ma.fields.Date(allow_none=True)


class ExpertSummary(ma.Schema):
    """What any tenant may see of an expert on the roster: no identity, no contact details."""

    expert_id = ma.fields.Function(lambda expert: str(expert.id))
    nominating_tenant = ma.fields.String(attribute="tenant")
    nationality = ma.fields.String()
    status = ma.fields.String()
    clearance_level = ma.fields.String()
    functions = ma.fields.List(ma.fields.Nested(FunctionExperienceOut))
    functions_awaiting_vetting = ma.fields.List(ma.fields.String(), metadata={
        "description": "Functions added after the profile was vetted: they count once the roster office vets them"})
    languages = ma.fields.List(ma.fields.Nested(LanguageSkillOut))
    readiness = ma.fields.Method("_readiness", metadata={"description": "Per function, as of today"})

    def _readiness(self, expert):
        return ReadinessOut(many=True).dump(readiness_by_function(expert, through=dt.date.today()))


class ExpertContactCard(ExpertSummary):
    """The summary plus contact details: for a tenant the expert accepted a deployment with."""

    full_name = ma.fields.String()
    email = ma.fields.String(allow_none=True)
    phone = ma.fields.String(allow_none=True)


class ExpertProfile(ExpertContactCard):
    """Everything: for the nominating tenant, the expert, and the roster office."""

    user_id = ma.fields.String(allow_none=True)
    certifications = ma.fields.List(ma.fields.Nested(CertificationOut))
    unavailability = ma.fields.List(ma.fields.Nested(PeriodOut))
    bookings = ma.fields.List(ma.fields.Nested(BookingOut))
    consent = ma.fields.Nested(ConsentOut)
    history = ma.fields.List(ma.fields.Nested(TransitionOut))
    vetted_at = ma.fields.DateTime(allow_none=True)
    anonymised_at = ma.fields.DateTime(allow_none=True)
    created_at = ma.fields.DateTime()
    updated_at = ma.fields.DateTime()


class FieldChangeOut(ma.Schema):
    field = ma.fields.String()
    old = ma.fields.Raw(allow_none=True, metadata={"description": "Null once the expert withdrew consent"})
    new = ma.fields.Raw(allow_none=True)


class ProfileEditOut(ma.Schema):
    action = ma.fields.String(metadata={"example": "profile_updated"})
    actor = ma.fields.String()
    actor_tenant = ma.fields.String()
    at = ma.fields.DateTime()
    comment = ma.fields.String(allow_none=True)
    changes = ma.fields.List(ma.fields.Nested(FieldChangeOut))


class ExpertListQuery(ma.Schema):
    status = ma.fields.String(validate=ma.validate.Length(max=40))
    function = ma.fields.String(validate=ma.validate.Length(max=64))
    nominating_tenant = ma.fields.String(validate=ma.validate.Length(max=64))
