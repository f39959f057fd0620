from __future__ import annotations

import marshmallow as ma

from joint_action_service.reporting.service import METRICS


def _metric_fields() -> dict[str, ma.fields.Integer]:
    return {metric: ma.fields.Integer() for metric in METRICS}


Totals = ma.Schema.from_dict(_metric_fields(), name="DashboardTotals")
CaseTotals = ma.Schema.from_dict({
    "case_id": ma.fields.String(), "title": ma.fields.String(), "lead_tenant": ma.fields.String(),
    "status": ma.fields.String(), **_metric_fields(),
}, name="DashboardCaseTotals")


class DashboardOut(ma.Schema):
    jpa_id = ma.fields.String()
    name = ma.fields.String()
    status = ma.fields.String()
    seen_by = ma.fields.String(metadata={"description": "The tenant these totals were computed for"})
    cases = ma.fields.Integer(metadata={"description": "Cases of the JPA the caller's tenant sees"})
    cases_by_status = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Integer())
    totals = ma.fields.Nested(Totals)
    per_case = ma.fields.List(ma.fields.Nested(CaseTotals))
