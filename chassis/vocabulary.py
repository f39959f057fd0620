"""The platform's shared vocabulary (docs/events.md): roster function codes, languages, countries, levels.

Every service validates these the same way, so a code one accepts is never refused by another that
receives it in an event.
"""

from __future__ import annotations

import marshmallow as ma

from chassis.iso_codes import COUNTRY_CODES, ISO_639_1_FOR_639_3, LANGUAGE_CODES

PLATFORM_TENANT = "RSO"  # the Regional Support Office itself: its staff act across tenants where a rule says so
TENANT_CODE_PATTERN = r"^[A-Z][A-Z0-9_]{1,15}$"  # ISO 3166 alpha-3 for states (THA), acronyms for organisations
TENANT_KINDS = ("member_state", "international_organisation", "platform")
# What a person or machine client may be granted at the gateway; the portal offers the same list.
ROLES = (
    "platform_admin", "tenant_admin", "roster_manager", "requesting_officer", "expert", "training_coordinator",
    "trainer", "trainee", "case_officer", "jpa_coordinator", "auditor",
)

# The expertise areas of the RCF operationalisation note (Annex I, section c) and the platform additions.
STANDARD_FUNCTIONS: dict[str, str] = {
    "language_document_analysis": "Language and document analysis",
    "country_of_origin_information": "Country-of-origin information",
    "interpretation_translation": "Translation / interpretation",
    "age_determination": "Age determination",
    "registration_documentation": "Registration and documentation (ID cards, document security)",
    "vulnerable_persons": "Needs of vulnerable individuals and groups, incl. unaccompanied and separated minors",
    "medical_counselling": "Medical advice and counselling",
    "legal_counselling": "Legal advice and counselling",
    "transport_arrangements": "Transport arrangements",
    "ngo_services": "NGO expertise and services",
    "assisted_voluntary_return": "Assisted voluntary return",
    "migration_legislation": "Migration legislation",
    "border_management": "Border management",
    "refugee_status_determination": "Refugee status determination",
    "victim_identification": "Victim-of-trafficking identification",
    "interview_techniques": "Interview techniques",
    "search_rescue_shelter": "Search and rescue, disembarkation, shelter management",
}
FUNCTION_CODES = tuple(STANDARD_FUNCTIONS)

# Ordered lowest first: a requested level is a minimum.
PROFICIENCY_LEVELS = ("basic", "intermediate", "professional", "native")


def validate_language_code(code: str) -> None:
    if code in LANGUAGE_CODES:
        return
    if code in ISO_639_1_FOR_639_3:
        raise ma.ValidationError(f"Use the ISO 639-1 code '{ISO_639_1_FOR_639_3[code]}' for '{code}'")
    raise ma.ValidationError("Not an ISO 639 language code (ISO 639-1 where one exists, else ISO 639-3)")


def validate_country_code(code: str) -> None:
    if code not in COUNTRY_CODES:
        raise ma.ValidationError("Not an ISO 3166-1 alpha-3 country code")


def _with_example(kwargs: dict, example: str) -> dict:
    return {**kwargs, "metadata": {"example": example, **kwargs.get("metadata", {})}}


# Field factories, named like the field classes they stand for.
def LanguageCode(**kwargs) -> ma.fields.String:
    return ma.fields.String(validate=validate_language_code, **_with_example(kwargs, "en"))


def CountryCode(**kwargs) -> ma.fields.String:
    return ma.fields.String(validate=validate_country_code, **_with_example(kwargs, "THA"))


def ProficiencyLevel(**kwargs) -> ma.fields.String:
    return ma.fields.String(validate=ma.validate.OneOf(PROFICIENCY_LEVELS), **kwargs)


def TenantCode(*, validate=None, **kwargs) -> ma.fields.String:
    """A tenant code's form; `validate` adds rules checked after it (see chassis.tenant_status)."""
    not_a_code = "Not a tenant code, such as THA or IOM"
    validators = [ma.validate.Regexp(TENANT_CODE_PATTERN, error=not_a_code)]
    validators += list(validate) if isinstance(validate, list | tuple) else [validate] if validate else []
    return ma.fields.String(validate=validators, **_with_example(kwargs, "THA"))
