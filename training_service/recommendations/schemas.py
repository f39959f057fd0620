"""Recommendation bodies."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from training_service.enrolments.schemas import TraineeOut
from training_service.recommendations.models import RECOMMENDATION_STATES


class RecommendationOut(ma.Schema):
    id = ma.fields.String()
    deployment_id = ma.fields.String()
    function = ma.fields.String()
    note = ma.fields.String(allow_none=True)
    course_id = ma.fields.String()
    course_code = ma.fields.String()
    course_title = ma.fields.String()
    provider = ma.fields.String(attribute="provider_tenant")
    expert_id = ma.fields.String(allow_none=True)
    person = ma.fields.Nested(TraineeOut)
    status = ma.fields.String()
    created_at = ma.fields.DateTime()


class RecommendationQuery(ma.Schema):
    status = ma.fields.String(validate=validate.OneOf(RECOMMENDATION_STATES))
