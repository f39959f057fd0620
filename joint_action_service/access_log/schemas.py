from __future__ import annotations

import marshmallow as ma

from chassis.vocabulary import TenantCode


class AccessLogQuery(ma.Schema):
    case_id = ma.fields.String()
    actor_tenant = TenantCode(metadata={"description": "A filter: any code of a tenant's form"})
    since = ma.fields.DateTime(metadata={"description": "Entries at or after this moment"})
    until = ma.fields.DateTime(metadata={"description": "Entries before this moment"})
    format = ma.fields.String(load_default="json", validate=ma.validate.OneOf(("json", "csv")))


class AccessLogEntryOut(ma.Schema):
    chain = ma.fields.String()
    seq = ma.fields.Integer()
    at = ma.fields.String(metadata={"description": "UTC, to the millisecond, as hashed"})
    actor = ma.fields.String()
    actor_tenant = ma.fields.String()
    action = ma.fields.String()
    record_type = ma.fields.String()
    record_id = ma.fields.String()
    case_id = ma.fields.String()
    detail = ma.fields.String()
    prev_hash = ma.fields.String()
    hash = ma.fields.String()
    withheld = ma.fields.Boolean(metadata={
        "description": "About a record the caller does not see: only chain, seq, prev_hash and hash are given"})
