"""The roster's reports. The RSO's roster readers see every tenant; any other tenant sees its own part:
its own experts for coverage, the deployments it requested or staffed, its own open requests."""

from __future__ import annotations

import collections
import datetime as dt

from chassis.auth import Principal
from chassis.tenant_status import suspended_tenants
from roster_service.access import reads_whole_roster
from roster_service.deployments.models import Deployment, DeploymentRequest
from roster_service.deployments.service import OPEN_REQUEST_STATES
from roster_service.experts.models import Expert
from roster_service.experts.readiness import readiness
from roster_service.functions.service import known_function_codes
from roster_service.policy import policy
from roster_service.search.criteria import at
from roster_service.workflows import BOOKED_DEPLOYMENT_STATES

AGE_BUCKETS = ((7, "0-7 days"), (30, "8-30 days"), (90, "31-90 days"), (None, "over 90 days"))


def _experts(principal: Principal):
    """The office readers report on every tenant's experts, anyone else on their own tenant's only."""
    return policy.viewer(principal).sees(Expert) if reads_whole_roster(principal) else Expert.objects


def coverage(principal: Principal, *, today: dt.date | None = None) -> dict:
    """How many ready experts each function of the catalogue has (0 for a gap), in total and per language
    they speak."""
    today = today or dt.date.today()
    by_function: collections.Counter = collections.Counter()
    by_function_language: collections.Counter = collections.Counter()
    experts = _experts(principal).filter(status="active", tenant__nin=sorted(suspended_tenants())).only(
        "status", "functions", "functions_awaiting_vetting", "languages", "certifications", "vetted_at")
    for expert in experts:
        for code in expert.function_codes():
            if readiness(expert, code, through=today).level == "ready":
                by_function[code] += 1
                for language in expert.languages:
                    by_function_language[(code, language.code)] += 1
    return {
        "as_of": today,
        "functions": [{"function": code, "ready_experts": by_function[code]}
                      for code in sorted(known_function_codes() | set(by_function))],
        "languages": [{"function": code, "language": language, "ready_experts": count}
                      for (code, language), count in sorted(by_function_language.items())],
    }


def deployments_over(principal: Principal, start: dt.date, end: dt.date) -> dict:
    """Deployments (accepted or later) overlapping the period, per requesting tenant, nominating tenant
    and function."""
    deployments = policy.viewer(principal).sees(Deployment).filter(
        status__in=BOOKED_DEPLOYMENT_STATES, start_date__lte=at(end), end_date__gte=at(start))
    rows = list(deployments.only("tenant", "function", "expert.nominating_tenant"))

    def count(key) -> list[dict]:
        return [{"key": name, "deployments": number}
                for name, number in sorted(collections.Counter(key(row) for row in rows).items())]

    return {
        "start_date": start, "end_date": end, "total": len(rows),
        "per_requesting_tenant": count(lambda row: row.tenant),
        "per_nominating_tenant": count(lambda row: row.expert.nominating_tenant),
        "per_function": count(lambda row: row.function),
    }


def open_requests(principal: Principal, *, now: dt.datetime | None = None) -> dict:
    """Requests still waiting to be staffed, oldest first, with their age since submission."""
    now = now or dt.datetime.now(dt.UTC)
    requests = policy.viewer(principal).sees(DeploymentRequest)
    waiting = requests.filter(status__in=OPEN_REQUEST_STATES).order_by("submitted_at").only(
        "tenant", "function", "status", "submitted_at", "start_date")
    rows = []
    buckets: collections.Counter = collections.Counter()
    for request in waiting:
        age = (now - request.submitted_at).days
        bucket = next(label for limit, label in AGE_BUCKETS if limit is None or age <= limit)
        buckets[bucket] += 1
        rows.append({"request_id": str(request.id), "requesting_tenant": request.tenant,
                     "function": request.function, "status": request.status, "age_days": age,
                     "submitted_at": request.submitted_at, "start_date": request.start_date})
    return {"total": len(rows), "by_age": [{"age": label, "requests": buckets[label]} for _, label in AGE_BUCKETS],
            "requests": rows}


# --- the same reports as CSV rows: one table each ---------------------------------------------------------

COVERAGE_CSV_FIELDS = ("function", "language", "ready_experts")
DEPLOYMENTS_CSV_FIELDS = ("breakdown", "key", "deployments")
OPEN_REQUESTS_CSV_FIELDS = ("request_id", "requesting_tenant", "function", "status", "age_days", "submitted_at",
                            "start_date")


def coverage_rows(report: dict) -> list[dict]:
    """Per function (language empty: every language), then per function and language."""
    return [{**row, "language": ""} for row in report["functions"]] + report["languages"]


def deployments_rows(report: dict) -> list[dict]:
    """The counts per requesting tenant, per nominating tenant and per function, then the total."""
    rows = [{"breakdown": breakdown, **row}
            for breakdown in ("per_requesting_tenant", "per_nominating_tenant", "per_function")
            for row in report[breakdown]]
    return [*rows, {"breakdown": "total", "key": f"{report['start_date']}/{report['end_date']}",
                    "deployments": report["total"]}]


def open_requests_rows(report: dict) -> list[dict]:
    return [{**row, "submitted_at": row["submitted_at"].isoformat(), "start_date": row["start_date"].isoformat()}
            for row in report["requests"]]
