from __future__ import annotations

import mongoengine as me

from chassis.clock import now
from chassis.tenancy import TenantOwnedDocument
from chassis.vocabulary import PROFICIENCY_LEVELS
from chassis.workflow import Transition
from roster_service.vocabulary import CLEARANCE_LEVELS, EXPERIENCE_LEVELS

EXPERT_STATUSES = ("nominated", "vetted", "active", "inactive", "suspended", "anonymised")


def function_language(function: str, language: str, level: str) -> str:
    """The key of one function offered with one language spoken at one level: `interpretation|th:native`."""
    return f"{function}|{language}:{level}"


def function_languages(functions, languages) -> list[str]:
    """Every function the expert offers paired with every language spoken at its level.

    One indexed field then answers "offers this function and speaks this language at one of these levels", so a
    search reads only the experts who could match, not everyone offering the function (docs/indexes.md).
    """
    return [function_language(function.code, language.code, language.level)
            for function in functions for language in languages]


class LanguageSkill(me.EmbeddedDocument):
    code = me.StringField(required=True, max_length=3)
    level = me.StringField(required=True, choices=PROFICIENCY_LEVELS)


class FunctionExperience(me.EmbeddedDocument):
    code = me.StringField(required=True)
    experience_level = me.StringField(required=True, choices=EXPERIENCE_LEVELS)
    years = me.IntField(required=True, min_value=0, max_value=60)


class Certification(me.EmbeddedDocument):
    """A certificate the expert holds: issued by the training service, or external with evidence.

    `qualifies_for` is worked out when the certificate is recorded (its own function plus every
    function listing its course), so a search can ask for it directly.
    """

    certificate_id = me.StringField(required=True, max_length=100)
    source = me.StringField(required=True, choices=("training", "external"))
    title = me.StringField(required=True, max_length=300)
    function = me.StringField(null=True)
    course_id = me.StringField(null=True, max_length=100)
    qualifies_for = me.ListField(me.StringField())
    issuer = me.StringField(max_length=200)
    evidence_reference = me.StringField(max_length=500)
    verification_code = me.StringField(max_length=100)
    issued_on = me.DateField(null=True)
    expires_on = me.DateField(null=True)
    status = me.StringField(required=True, choices=("valid", "expired", "revoked"), default="valid")
    reason = me.StringField(max_length=1000)
    verified_at = me.DateTimeField(null=True)  # external certificates count once the roster office verified them
    verified_by = me.StringField(null=True)


class Period(me.EmbeddedDocument):
    """Days the expert cannot deploy; both ends included, no end means until further notice."""

    period_id = me.StringField(required=True)
    start_date = me.DateField(required=True)
    end_date = me.DateField(null=True)
    reason = me.StringField(max_length=500)


class Booking(me.EmbeddedDocument):
    """Days taken by an accepted deployment; written atomically so nobody is booked twice."""

    deployment_id = me.StringField(required=True)
    start_date = me.DateField(required=True)
    end_date = me.DateField(required=True)


class Consent(me.EmbeddedDocument):
    given_on = me.DateField(required=True)
    withdrawn_on = me.DateField(null=True)


class Expert(TenantOwnedDocument):
    """An expert nominated by a member state or organisation (the owning tenant)."""

    meta = {
        "collection": "experts",
        "indexes": [
            "tenant", "user_id", "email", "certifications.certificate_id",
            {"fields": ["functions.code", "status"]}, ("status", "function_languages"), ("status", "tenant"),
            ("full_name", "_id"),
        ],
    }

    full_name = me.StringField(required=True, max_length=200)
    email = me.StringField(max_length=254)  # stored case-folded; null once anonymised
    phone = me.StringField(max_length=40)
    user_id = me.StringField(max_length=200)
    nationality = me.StringField(required=True, max_length=3)
    languages = me.EmbeddedDocumentListField(LanguageSkill)
    function_languages = me.ListField(me.StringField())  # derived from functions and languages, see clean()
    functions = me.EmbeddedDocumentListField(FunctionExperience)
    # Codes of listed functions added after the roster office vetted the profile and not vetted since: they
    # give no readiness and no search finds the expert for them. A flat list, so search asks it cheaply.
    functions_awaiting_vetting = me.ListField(me.StringField())
    certifications = me.EmbeddedDocumentListField(Certification)
    clearance_level = me.StringField(required=True, choices=CLEARANCE_LEVELS, default="none")
    unavailability = me.EmbeddedDocumentListField(Period)
    bookings = me.EmbeddedDocumentListField(Booking)
    consent = me.EmbeddedDocumentField(Consent, required=True)
    status = me.StringField(required=True, choices=EXPERT_STATUSES, default="nominated")
    history = me.EmbeddedDocumentListField(Transition)
    vetted_at = me.DateTimeField(null=True)
    anonymised_at = me.DateTimeField(null=True)
    created_at = me.DateTimeField(required=True, default=now)
    updated_at = me.DateTimeField(required=True, default=now)

    def clean(self) -> None:
        self.function_languages = function_languages(self.functions, self.languages)
        super().clean()

    @classmethod
    def ensure_derived_fields(cls) -> int:
        """Derive `function_languages` for profiles stored before it existed (and drop the field it replaced);
        `ensure-indexes` runs this, since the index on it serves searches only once every profile has it."""
        collection = cls._get_collection()
        older = list(collection.find({"function_languages": {"$exists": False}}, {"functions": 1, "languages": 1}))
        for raw in older:
            expert = cls._from_son(raw)
            collection.update_one({"_id": raw["_id"]}, {
                "$set": {"function_languages": function_languages(expert.functions, expert.languages)},
                "$unset": {"spoken_levels": ""}})
        return len(older)

    def function_codes(self) -> list[str]:
        return [function.code for function in self.functions]

    def language_level(self, code: str) -> str | None:
        return next((language.level for language in self.languages if language.code == code), None)


class FieldChange(me.EmbeddedDocument):
    field = me.StringField(required=True)
    old = me.DynamicField(null=True)  # JSON-like values; both erased when the expert withdraws consent
    new = me.DynamicField(null=True)


class ProfileEdit(TenantOwnedDocument):
    """One change to a profile outside its lifecycle steps (those are in `Expert.history`): who, when, what.

    Owned by the nominating tenant like the profile, and shown to whoever may read the whole profile.
    """

    meta = {"collection": "expert_edits", "indexes": [{"fields": ["expert_id", "at"]}]}

    expert_id = me.StringField(required=True)
    action = me.StringField(required=True, max_length=60)
    actor = me.StringField(required=True)
    actor_tenant = me.StringField(required=True)
    at = me.DateTimeField(required=True, default=now)
    changes = me.EmbeddedDocumentListField(FieldChange)
    comment = me.StringField(max_length=2000, null=True)
