"""Reports for managers: coverage per function and language (the gaps included), deployments per state and
function, open requests by age. Each is a chart drawn on the server (SVG, no script) with the same figures in a
table beside it, and the roster's own CSV download streamed through the portal with the person's token, so its
scope is the API's (the RSO: every organisation; a member state: its own)."""

from __future__ import annotations

import datetime as dt

from flask import Response, abort, render_template, request, stream_with_context
from flask_babel import lazy_gettext as _l

from portal import gateway
from portal.forms import expect_ok
from portal.roster import blueprint
from portal.roster.common import function_names, path, requiring

REPORT_READERS = ("roster_manager", "tenant_admin", "auditor", "platform_admin")
CSV_REPORTS = {"coverage": "coverage.csv", "deployments": "deployments.csv", "open-requests": "open-requests.csv"}
AGE_NAMES = {"0-7 days": _l("Up to a week"), "8-30 days": _l("8 to 30 days"), "31-90 days": _l("31 to 90 days"),
             "over 90 days": _l("Over 90 days")}
DEFAULT_PERIOD_DAYS = 365


def bars(rows: list[tuple[str, int]]) -> dict:
    """What the SVG chart of `rows` (label, figure) needs: each bar's length as a share of the largest."""
    largest = max((figure for _label, figure in rows), default=0) or 1
    return {"rows": [{"label": label, "figure": figure, "share": figure / largest} for label, figure in rows],
            "height": 28 * len(rows) + 8}


@blueprint.get("/reports")
@requiring(*REPORT_READERS)
def reports():
    today = dt.date.today()
    start = request.args.get("start_date") or (today - dt.timedelta(days=DEFAULT_PERIOD_DAYS)).isoformat()
    end = request.args.get("end_date") or today.isoformat()
    names = function_names()
    coverage = expect_ok(gateway.get(path("reports", "coverage"))).json()
    deployments = expect_ok(gateway.get(path("reports", "deployments"),
                                        params={"start_date": start, "end_date": end})).json()
    open_requests = expect_ok(gateway.get(path("reports", "open-requests"))).json()
    gaps = [row for row in coverage["functions"] if row["ready_experts"] == 0]
    return render_template(
        "roster/reports.html", coverage=coverage, deployments=deployments, open_requests=open_requests, gaps=gaps,
        start_date=start, end_date=end,
        charts={
            "coverage": bars([(names.get(row["function"], row["function"]), row["ready_experts"])
                              for row in coverage["functions"]]),
            "per_state": bars([(row["key"], row["deployments"]) for row in deployments["per_requesting_tenant"]]),
            "per_function": bars([(names.get(row["key"], row["key"]), row["deployments"])
                                  for row in deployments["per_function"]]),
            "by_age": bars([(str(AGE_NAMES.get(row["age"], row["age"])), row["requests"])
                            for row in open_requests["by_age"]]),
        })


@blueprint.get("/reports/<name>.csv")
@requiring(*REPORT_READERS)
def report_csv(name):
    """The roster's CSV, passed on as it streams in (the same rows and scope as the API gives this person)."""
    if name not in CSV_REPORTS:
        abort(404)
    params = {key: request.args[key] for key in ("start_date", "end_date") if request.args.get(key)}
    if name == "deployments" and not params:
        today = dt.date.today()
        params = {"start_date": (today - dt.timedelta(days=DEFAULT_PERIOD_DAYS)).isoformat(),
                  "end_date": today.isoformat()}
    upstream = expect_ok(gateway.get(path("reports", CSV_REPORTS[name]), params=params, stream=True))
    return Response(stream_with_context(upstream.iter_content(chunk_size=16384)), mimetype="text/csv",
                    headers={"Content-Disposition": upstream.headers.get(
                        "Content-Disposition", f'attachment; filename="{CSV_REPORTS[name]}"')})
