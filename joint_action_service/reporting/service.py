"""JPA dashboards: results totalled only over the cases, outcomes, persons and items the caller may see."""

from __future__ import annotations

from collections import Counter, defaultdict

from joint_action_service.outcomes.models import Extradition, Outcome
from joint_action_service.persons.models import VICTIM
from joint_action_service.visibility import Viewer

METRICS = ("arrests", "charges", "convictions", "seizures", "mla_requests", "victims_rescued", "victims_referred",
           "extradition_requests", "extraditions_executed", "items_shared")
PERSONS_COUNTED = {"arrest": "arrests", "charge": "charges", "conviction": "convictions"}
RECORDS_COUNTED = {"seizure": "seizures", "mla_request": "mla_requests"}


def _per_case(queryset, metric: str, totals: dict[str, Counter]) -> None:
    for row in queryset.aggregate([{"$group": {"_id": "$case_id", "n": {"$sum": 1}}}]):
        totals[row["_id"]][metric] += row["n"]


def jpa_dashboard(viewer: Viewer, jpa_id: str) -> dict:
    jpa = viewer.jpa(jpa_id)
    cases = list(viewer.cases().filter(jpa_id=jpa.id).order_by("created_at"))
    per_case: dict = defaultdict(Counter)
    outcomes = viewer.case_records(Outcome, cases).aggregate([
        {"$group": {"_id": {"case_id": "$case_id", "kind": "$kind"}, "persons": {"$sum": "$count"},
                    "records": {"$sum": 1}}}])
    for row in outcomes:
        kind, case_id = row["_id"]["kind"], row["_id"]["case_id"]
        if kind in PERSONS_COUNTED:
            per_case[case_id][PERSONS_COUNTED[kind]] += row["persons"]
        else:
            per_case[case_id][RECORDS_COUNTED[kind]] += row["records"]
    victims = viewer.persons(cases).filter(kind=VICTIM)
    _per_case(victims.filter(rescued_on__ne=None), "victims_rescued", per_case)
    _per_case(victims.filter(referrals__0__exists=True), "victims_referred", per_case)
    extraditions = viewer.case_records(Extradition, cases)
    _per_case(extraditions.filter(status__ne="drafted"), "extradition_requests", per_case)
    _per_case(extraditions.filter(status="executed"), "extraditions_executed", per_case)
    _per_case(viewer.items(cases), "items_shared", per_case)

    rows = [{"case_id": str(case.id), "title": case.title, "lead_tenant": case.tenant, "status": case.status,
             **{metric: per_case[case.id][metric] for metric in METRICS}} for case in cases]
    return {
        "jpa_id": str(jpa.id), "name": jpa.name, "status": jpa.status, "seen_by": viewer.tenant,
        "cases": len(cases),
        "cases_by_status": dict(Counter(case.status for case in cases)),
        "totals": {metric: sum(row[metric] for row in rows) for metric in METRICS},
        "per_case": rows,
    }


CSV_FIELDS = ("case_id", "title", "lead_tenant", "status", *METRICS)


def dashboard_csv_rows(dashboard: dict) -> list[dict]:
    """One row per case the caller sees, then the totals."""
    total = {"case_id": "TOTAL", "title": dashboard["name"], "lead_tenant": "", "status": dashboard["status"],
             **dashboard["totals"]}
    return [*dashboard["per_case"], total]
