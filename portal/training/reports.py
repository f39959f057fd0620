"""Completion reports per course (its provider's) and per tenant, each as a chart (SVG drawn on the server: no
script, so the Content-Security-Policy holds), the same figures as a table beside it, and as CSV."""

from __future__ import annotations

import dataclasses

from flask import Blueprint, render_template, request, session
from flask_babel import lazy_gettext as _l

from chassis.csv_export import csv_response
from portal.pages import requiring
from portal.training.common import AUTHORS, REPORT_READERS, read, read_all, segment

blueprint = Blueprint("training_reports", __name__, url_prefix="/training/reports")
readers = requiring(*REPORT_READERS, *AUTHORS)
FIGURES = ("not_started", "in_progress", "completed", "passed")
FIGURE_NAMES = {"not_started": _l("Not started"), "in_progress": _l("In progress"), "completed": _l("Completed"),
                "passed": _l("Passed")}
CSV_FIELDS = ("row", "enrolled", "not_started", "in_progress", "completed", "passed", "pass_rate",
              "pending_approval", "waitlisted", "withdrawn", "rejected")
BAR_HEIGHT, BAR_GAP, LABEL_WIDTH, CHART_WIDTH = 18, 6, 180, 640


@dataclasses.dataclass(frozen=True)
class Bar:
    label: str
    figure: str
    value: int
    x: int
    y: int
    width: int


@dataclasses.dataclass(frozen=True)
class Chart:
    """Grouped horizontal bars: for each row (a tenant or a course), one bar per figure."""

    bars: list[Bar]
    groups: list[tuple[str, int]]  # (label, y of the group's first bar)
    height: int
    width: int = CHART_WIDTH


def chart(rows: list[tuple[str, dict]]) -> Chart:
    biggest = max([figures.get(name) or 0 for _label, figures in rows for name in FIGURES] + [1])
    span = CHART_WIDTH - LABEL_WIDTH - 40
    bars, groups, y = [], [], 0
    for label, figures in rows:
        groups.append((label, y))
        for name in FIGURES:
            value = figures.get(name) or 0
            bars.append(Bar(label, name, value, LABEL_WIDTH, y, round(span * value / biggest)))
            y += BAR_HEIGHT
        y += BAR_GAP * 2
    return Chart(bars, groups, max(y, BAR_HEIGHT))


def _respond(template: str, title: str, report: dict, rows: list[tuple[str, dict]], filename: str):
    if request.args.get("format") == "csv":
        return csv_response([{"row": label, **figures} for label, figures in rows], CSV_FIELDS, filename)
    return render_template(template, title=title, report=report, rows=rows, chart=chart(rows), figures=FIGURES,
                           figure_names=FIGURE_NAMES)


@blueprint.get("")
@readers
def index():
    tenant = session.person.tenant
    courses = [course for course in read_all("/courses") if course.get("provider") == tenant] \
        if session.person.has_any("training_coordinator", "trainer") else []
    return render_template("training/reports.html", courses=courses, tenant=tenant)


@blueprint.get("/courses/<course_id>")
@readers
def course(course_id):
    report = read(f"/reports/courses/{segment(course_id)}")
    rows = [(row["tenant"], row["enrolments"]) for row in report["by_tenant"]]
    title = f"{report['course']['code']} v{report['course']['version']}: {report['course']['title']}"
    return _respond("training/report.html", title, report, rows, f"course-{report['course']['code']}.csv")


@blueprint.get("/tenants/<tenant>")
@readers
def tenant(tenant):
    report = read(f"/reports/tenants/{segment(tenant)}")
    rows = [(f"{row['course']['code']} v{row['course']['version']}", row["enrolments"]) for row in report["by_course"]]
    return _respond("training/report.html", report["tenant"], report, rows, f"tenant-{report['tenant']}.csv")
