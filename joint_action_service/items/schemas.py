from __future__ import annotations

import marshmallow as ma

from joint_action_service.common import tenant_codes_field
from joint_action_service.vocabulary import HANDLING_CODES, INFORMATION_CREDIBILITY, SOURCE_RELIABILITY


class AttachmentSchema(ma.Schema):
    reference = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=500))
    description = ma.fields.String(validate=ma.validate.Length(max=500))


class ItemIn(ma.Schema):
    title = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=200))
    content = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=20000))
    source_reliability = ma.fields.String(required=True, validate=ma.validate.OneOf(SOURCE_RELIABILITY))
    information_credibility = ma.fields.String(required=True, validate=ma.validate.OneOf(INFORMATION_CREDIBILITY))
    handling_code = ma.fields.String(validate=ma.validate.OneOf(HANDLING_CODES),
                                     metadata={"description": "Default: the case's handling code"})
    released_to = tenant_codes_field(load_default=list, metadata={
        "description": "Participants the item is released to; none on a releasable item means all of them"})
    reported_on = ma.fields.Date()
    attachments = ma.fields.List(ma.fields.Nested(AttachmentSchema), load_default=list,
                                 validate=ma.validate.Length(max=50))


class ItemQuery(ma.Schema):
    source_reliability = ma.fields.String(validate=ma.validate.OneOf(SOURCE_RELIABILITY))
    information_credibility = ma.fields.String(validate=ma.validate.OneOf(INFORMATION_CREDIBILITY))
    q = ma.fields.String(validate=ma.validate.Length(min=1, max=100),
                         metadata={"description": "Words the title or content contains (case-insensitive)"})


class ItemSearchQuery(ItemQuery):
    case_id = ma.fields.String()
    jpa_id = ma.fields.String()


class ItemOut(ma.Schema):
    id = ma.fields.String()
    case_id = ma.fields.String()
    originator_tenant = ma.fields.String(attribute="tenant")
    title = ma.fields.String()
    content = ma.fields.String()
    source_reliability = ma.fields.String()
    information_credibility = ma.fields.String()
    handling_code = ma.fields.String()
    released_to = ma.fields.List(ma.fields.String())
    reported_on = ma.fields.Date()
    attachments = ma.fields.List(ma.fields.Nested(AttachmentSchema))
    created_by = ma.fields.String()
    created_at = ma.fields.DateTime()
