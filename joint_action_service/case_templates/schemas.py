from __future__ import annotations

import marshmallow as ma


class PresetTaskSchema(ma.Schema):
    title = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=200))
    description = ma.fields.String(allow_none=True, validate=ma.validate.Length(max=4000))
    mandatory = ma.fields.Boolean(load_default=False)
    due_in_days = ma.fields.Integer(allow_none=True, validate=ma.validate.Range(min=0, max=3650),
                                    metadata={"description": "None: no due date"})


class CaseTemplateIn(ma.Schema):
    tasks = ma.fields.List(ma.fields.Nested(PresetTaskSchema), required=True,
                           validate=ma.validate.Length(max=50))


class CaseTemplateOut(ma.Schema):
    case_type = ma.fields.String()
    tasks = ma.fields.List(ma.fields.Nested(PresetTaskSchema))
    source = ma.fields.String(metadata={"description": "'tenant' (the tenant's own) or 'default' (built in)"})
