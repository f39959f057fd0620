from __future__ import annotations

import datetime as dt

import marshmallow as ma

from roster_service.fields import Text

CODE_PATTERN = r"^[a-z][a-z0-9_]{2,63}$"
class SopIn(ma.Schema):
    title = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=300))
    body = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=100_000))
    effective_date = ma.fields.Date(required=True)


class SopOut(ma.Schema):
    version = ma.fields.Integer()
    title = ma.fields.String()
    body = ma.fields.String()
    effective_date = ma.fields.Date()
    published_at = ma.fields.DateTime()
    published_by = ma.fields.String()


class SopSummary(ma.Schema):
    version = ma.fields.Integer()
    title = ma.fields.String()
    effective_date = ma.fields.Date()


class FunctionPatch(ma.Schema):
    name = ma.fields.String(validate=ma.validate.Length(min=1, max=200))
    description = Text(2000)
    qualifying_courses = ma.fields.List(ma.fields.String(validate=ma.validate.Length(min=1, max=100)),
                                        validate=ma.validate.Length(max=100),
                                        metadata={"description": "Courses whose certificates qualify for it"})


class FunctionIn(FunctionPatch):
    code = ma.fields.String(required=True, validate=ma.validate.Regexp(CODE_PATTERN))
    name = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=200))
    description = Text(2000, load_default="")
    qualifying_courses = ma.fields.List(ma.fields.String(validate=ma.validate.Length(min=1, max=100)),
                                        validate=ma.validate.Length(max=100), load_default=list)


class FunctionOut(ma.Schema):
    code = ma.fields.String()
    name = ma.fields.String()
    description = ma.fields.String()
    qualifying_courses = ma.fields.List(ma.fields.String())
    current_sop = ma.fields.Method("_current_sop")
    sop_versions = ma.fields.Method("_versions")

    def _current_sop(self, function):
        sop = function.current_sop(dt.date.today())
        return SopOut().dump(sop) if sop else None

    def _versions(self, function):
        return SopSummary(many=True).dump(sorted(function.sops, key=lambda sop: sop.version))
