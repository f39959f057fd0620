"""Report figures, counted in the database (aggregation), never by loading records one by one.

Enrolment figures: `enrolled` (took a seat: enrolled or completed), `not_started` and `in_progress`
(enrolled, without or with progress), `completed`, `passed`, `pass_rate` (passed / completed), and the
requests that hold no seat (`pending_approval`, `waitlisted`) or ended without one (`withdrawn`,
`rejected`). Certificate figures: `valid` (including `expiring`, those within the reminder window),
`expired` and `revoked`, as of today.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from chassis.auth import Principal
from chassis.clock import today
from chassis.db import aggregate_after_seek
from chassis.problems import NotFound
from training_service.catalogue.models import Course
from training_service.catalogue.service import get_own_course
from training_service.certificates.models import Certificate
from training_service.enrolments.models import ENROLMENT_STATES, Enrolment
from training_service.policy import policy, reads_every_tenants_reports
from training_service.vocabulary import EXPIRY_REMINDER_DAYS


def status_counts(group_field: str) -> dict:
    """One pass: per (`group_field`, status), how many, how many started, how many passed."""
    return {"$group": {
        "_id": {"group": f"${group_field}", "status": "$status"},
        "count": {"$sum": 1},
        "started": {"$sum": {"$cond": [{"$ifNull": ["$started_at", False]}, 1, 0]}},
        "passed": {"$sum": {"$cond": [{"$eq": ["$passed", True]}, 1, 0]}},
    }}


def enrolment_figures(rows: list[dict]) -> dict:
    """Figures from `{status, count, started, passed}` rows of one group."""
    by_status = {row["status"]: row for row in rows}
    count = {status: by_status.get(status, {}).get("count", 0) for status in ENROLMENT_STATES}
    started = by_status.get("enrolled", {}).get("started", 0)
    passed = by_status.get("completed", {}).get("passed", 0)
    return {
        "enrolled": count["enrolled"] + count["completed"],
        "not_started": count["enrolled"] - started,
        "in_progress": started,
        "completed": count["completed"],
        "passed": passed,
        "pass_rate": round(passed / count["completed"], 4) if count["completed"] else None,
        "pending_approval": count["pending_approval"],
        "waitlisted": count["waitlisted"],
        "withdrawn": count["withdrawn"],
        "rejected": count["rejected"],
    }


def grouped_enrolment_figures(enrolments, group_field: str, seek: dict) -> tuple[dict, dict[object, dict]]:
    """Figures in total and per value of `group_field` (a tenant, a course id); `seek` finds them by an index."""
    rows = [{"group": row["_id"]["group"], "status": row["_id"]["status"], "count": row["count"],
             "started": row["started"], "passed": row["passed"]}
            for row in aggregate_after_seek(enrolments, seek, [status_counts(group_field)])]
    groups: dict[object, list[dict]] = defaultdict(list)
    for row in rows:
        groups[row["group"]].append(row)
    return (enrolment_figures(_sum_by_status(rows)),
            {group: enrolment_figures(group_rows) for group, group_rows in groups.items()})


def _sum_by_status(rows: list[dict]) -> list[dict]:
    summed: dict[str, dict] = {}
    for row in rows:
        into = summed.setdefault(row["status"], {"status": row["status"], "count": 0, "started": 0, "passed": 0})
        for key in ("count", "started", "passed"):
            into[key] += row[key]
    return list(summed.values())


def certificate_figures(certificates, on: dt.date, seek: dict) -> dict:
    """Valid (expiring included), expiring, expired (by status or by date) and revoked, in one pass; `seek` finds
    the certificates by an index."""
    day = dt.datetime.combine(on, dt.time())
    window_end = day + dt.timedelta(days=EXPIRY_REMINDER_DAYS)
    valid = {"$eq": ["$status", "valid"]}
    no_expiry = {"$eq": [{"$ifNull": ["$expires_on", None]}, None]}
    past_date = {"$and": [{"$not": [no_expiry]}, {"$lte": ["$expires_on", day]}]}

    def count(condition) -> dict:
        return {"$sum": {"$cond": [condition, 1, 0]}}

    [row] = list(aggregate_after_seek(certificates, seek, [{"$group": {
        "_id": None,
        "valid": count({"$and": [valid, {"$not": [past_date]}]}),
        "expiring": count({"$and": [valid, {"$gt": ["$expires_on", day]}, {"$lte": ["$expires_on", window_end]}]}),
        "expired": count({"$or": [{"$eq": ["$status", "expired"]}, {"$and": [valid, past_date]}]}),
        "revoked": count({"$eq": ["$status", "revoked"]}),
    }}])) or [{"valid": 0, "expiring": 0, "expired": 0, "revoked": 0}]
    return {key: row[key] for key in ("valid", "expiring", "expired", "revoked")}


def course_report(course_id: str) -> dict:
    """One of this tenant's courses: figures overall and per trainees' tenant."""
    course = get_own_course(course_id)
    viewer = policy.viewer()
    of_the_course = {"provider_tenant": course.tenant, "course_id": course.id}
    enrolments = viewer.sees(Enrolment, report=True).filter(**of_the_course)
    total, per_tenant = grouped_enrolment_figures(enrolments, "tenant", of_the_course)
    certificates = viewer.sees(Certificate, report=True).filter(**of_the_course)
    return {
        "course": {"id": course.id, "code": course.code, "version": course.version, "title": course.title},
        "enrolments": total,
        "certificates": certificate_figures(certificates, today(), of_the_course),
        "by_tenant": [{"tenant": tenant, "enrolments": figures} for tenant, figures in sorted(per_tenant.items())],
    }


def tenant_report(tenant: str, principal: Principal) -> dict:
    """A tenant's people: figures overall and per course. A tenant reads its own; the RSO's platform
    administrators read any tenant's."""
    viewer = policy.viewer(principal)
    if tenant != principal.tenant and not reads_every_tenants_reports(viewer):
        raise NotFound(f"No report for tenant {tenant}")
    enrolments = viewer.sees(Enrolment, report=True).filter(tenant=tenant)
    total, per_course = grouped_enrolment_figures(enrolments, "course_id", {"tenant": tenant})
    courses = {course.id: course for course in viewer.sees(Course, report=True).filter(
        id__in=list(per_course)).only("code", "version", "title", "tenant")}
    certificates = viewer.sees(Certificate, report=True).filter(tenant=tenant)
    return {
        "tenant": tenant,
        "enrolments": total,
        "certificates": certificate_figures(certificates, today(), {"tenant": tenant}),
        "by_course": [{"course": {"id": course.id, "code": course.code, "version": course.version,
                                  "title": course.title, "provider": course.tenant},
                       "enrolments": per_course[course.id]}
                      for course in sorted(courses.values(), key=lambda course: (course.code, course.version))],
    }
