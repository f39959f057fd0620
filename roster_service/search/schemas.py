from __future__ import annotations

import marshmallow as ma

from chassis.vocabulary import PROFICIENCY_LEVELS, CountryCode, validate_language_code
from roster_service.experts.schemas import ExpertSummary, ReadinessOut
from roster_service.fields import FunctionCode, check_date_order
from roster_service.search.criteria import LanguageNeed, SearchCriteria
from roster_service.vocabulary import CLEARANCE_LEVELS


class LanguageNeedField(ma.fields.String):
    """`code` or `code:min_level` in a query string, e.g. `language=en:professional&language=rhg`."""

    def _deserialize(self, value, attr, data, **kwargs) -> LanguageNeed:
        code, _, level = super()._deserialize(value, attr, data, **kwargs).partition(":")
        validate_language_code(code)
        level = level or "basic"
        if level not in PROFICIENCY_LEVELS:
            raise ma.ValidationError(f"Level must be one of: {', '.join(PROFICIENCY_LEVELS)}")
        return LanguageNeed(code, level)


class SearchQuery(ma.Schema):
    function = FunctionCode(required=True)
    language = ma.fields.List(LanguageNeedField(), load_default=list, validate=ma.validate.Length(max=10),
                              metadata={"description": "`code` or `code:min_level`; repeat for several"})
    start_date = ma.fields.Date(load_default=None)
    end_date = ma.fields.Date(load_default=None)
    min_readiness = ma.fields.String(load_default="ready", validate=ma.validate.OneOf(("vetted", "ready")))
    country = CountryCode(load_default=None, metadata={"description": "The deployment country"})
    exclude_nationals = ma.fields.Boolean(load_default=False,
                                          metadata={"description": "Leave out nationals of `country`"})
    nominating_tenant = ma.fields.String(load_default=None, validate=ma.validate.Length(max=64))
    min_clearance = ma.fields.String(load_default="none", validate=ma.validate.OneOf(CLEARANCE_LEVELS),
                                     metadata={"description": "Lowest security clearance level accepted"})

    @ma.validates_schema
    def _consistent(self, data, **_):
        errors = {}
        for present, missing in (("start_date", "end_date"), ("end_date", "start_date")):
            if data.get(present) and not data.get(missing):
                errors[missing] = [f"Give {missing} with {present}"]
        if data.get("exclude_nationals") and not data.get("country"):
            errors["country"] = ["Give the deployment country to exclude its nationals"]
        if errors:
            raise ma.ValidationError(errors)
        check_date_order(data)

    @ma.post_load
    def _criteria(self, data, **_) -> SearchCriteria:
        return SearchCriteria(function=data["function"], languages=tuple(data["language"]),
                              start_date=data["start_date"], end_date=data["end_date"],
                              min_readiness=data["min_readiness"], country=data["country"],
                              exclude_nationals=data["exclude_nationals"],
                              nominating_tenant=data["nominating_tenant"], min_clearance=data["min_clearance"])


class ScorePartOut(ma.Schema):
    rule = ma.fields.String(metadata={"description": "The ranking rule the points come from"})
    points = ma.fields.Integer()
    explanation = ma.fields.String()


class MatchOut(ExpertSummary):
    """A candidate: the expert's summary, its score and the parts adding up to it, the reasons it matched,
    its readiness for the need."""

    score = ma.fields.Integer(metadata={"description": "The sum of `score_parts`"})
    score_parts = ma.fields.List(ma.fields.Nested(ScorePartOut))
    reasons = ma.fields.List(ma.fields.String())
    readiness_for_need = ma.fields.Nested(ReadinessOut)


class FailureOut(ma.Schema):
    criterion = ma.fields.String()
    reason = ma.fields.String()


class ExplanationOut(ma.Schema):
    expert_id = ma.fields.String()
    matched = ma.fields.Boolean()
    reasons = ma.fields.List(ma.fields.String(), metadata={"description": "Every reason it matches"})
    first_failure = ma.fields.Nested(FailureOut, allow_none=True,
                                     metadata={"description": "The first rule it fails, in the order searched"})

