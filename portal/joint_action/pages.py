"""JPAs, cases and a case's access log: pages over the joint-action API, with the person's token.

The portal decides nothing about visibility or workflow: lists, counts and the dashboard are the API's answers
for the viewer's tenant, buttons are offered from the API's `your_permission` and `allowed_next_states`, and a
change the API refuses (403 for a reader, 409 with the allowed steps, 422 with field errors) is shown as it said.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import quote

from flask import (
    Blueprint,
    Response,
    abort,
    copy_current_request_context,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from markupsafe import Markup

from chassis.richtext import clean_html
from joint_action_service.access_log.export_check import verify_export  # the one check of an export's chain
from portal import gateway, pdf
from portal.forms import Form, answered, expect_ok
from portal.joint_action import words
from portal.pages import requiring

blueprint = Blueprint("joint_action", __name__)
API = "/api/joint-action"
CASE_PAGE_SIZE = 20
LOG_PAGE_SIZE = 50
READ_THREADS = 6  # a case page's reads made at once
LOG_EXPORT_PAGE_SIZE = 1000  # the API's largest page of the access log
READERS = ("case_officer", "jpa_coordinator")
LOG_READERS = ("case_officer", "auditor")
FILTERS = ("q", "jpa_id", "status", "lead_tenant", "open_tasks")
TASK_FIELDS = ("title", "description", "assigned_tenant", "assignee", "due_date", "mandatory")
OUTCOME_FIELDS = ("kind", "date", "count", "requested_state", "sentence", "note")
MILESTONE_FIELDS = ("status", "date", "note", "resolution")
SHARE_FIELDS = ("tenant", "permission")
ITEM_FIELDS = ("title", "content", "source_reliability", "information_credibility", "handling_code", "released_to")
COMMENT_FIELDS = ("text",)
RELEASE_FIELDS = ("tenants",)


def _segment(value: str) -> str:
    return quote(value, safe="")




readers = requiring(*READERS)
log_readers = requiring(*LOG_READERS)


def _page_number() -> int:
    try:
        return max(1, int(request.args.get("page", "1")))
    except ValueError:
        return 1


def _paging(response) -> dict:
    return json.loads(response.headers.get("X-Pagination") or "{}")


def _all(path: str, page_size: int = 100, **params) -> list[dict]:
    """Every page of a list (`page_size`, the API's largest by default, at a time)."""
    rows, page = [], 1
    while True:
        response = expect_ok(gateway.get(path, params={**params, "page": page, "page_size": page_size}))
        rows += response.json()
        if page >= _paging(response).get("last_page", 1):
            return rows
        page += 1


# --- JPAs ---------------------------------------------------------------------------------------------------


@blueprint.get("/jpas")
@readers
def jpas():
    page = _page_number()
    response = expect_ok(gateway.get(f"{API}/jpas", params={"page": page, "page_size": CASE_PAGE_SIZE}))
    paging = _paging(response)
    return render_template("joint_action/jpas.html", jpas=response.json(), page=page,
                           last_page=paging.get("last_page", 1), total=paging.get("total", 0),
                           may_plan="jpa_coordinator" in session.person.roles)


JPA_FIELDS = ("name", "focus", "start_date", "end_date", "participating_tenants", "objectives")


@blueprint.route("/jpas/new", methods=["GET", "POST"])
@requiring("jpa_coordinator")
def new_jpa():
    if request.method == "GET":
        return render_template("joint_action/jpa_new.html", form=Form(JPA_FIELDS),
                               case_types=_options(words.CASE_TYPE_NAMES))
    form = Form.submitted(*JPA_FIELDS)
    body = {"name": form.value("name").strip(), "focus": form.chosen("focus"),
            "start_date": form.value("start_date") or None, "end_date": form.value("end_date") or None,
            "participating_tenants": _codes(form.value("participating_tenants")),
            "objectives": [line.strip() for line in form.value("objectives").splitlines() if line.strip()]}
    response = gateway.post(f"{API}/jpas", json={key: value for key, value in body.items() if value is not None})
    if not answered(response, form):
        return render_template("joint_action/jpa_new.html", form=form, case_types=_options(words.CASE_TYPE_NAMES)), 422
    return redirect(url_for("joint_action.jpa", jpa_id=response.json()["id"]), 303)


def _codes(text: str) -> list[str]:
    return [code.strip().upper() for code in text.replace(",", " ").split() if code.strip()]


@blueprint.route("/jpas/<jpa_id>", methods=["GET", "POST"])
@readers
def jpa(jpa_id):
    path = f"{API}/jpas/{_segment(jpa_id)}"
    step = Form(("to",))
    status = 200
    if request.method == "POST":
        step = Form.submitted("to")
        if answered(gateway.post(f"{path}/transitions", json={"to": step.value("to")}), step):
            return redirect(url_for("joint_action.jpa", jpa_id=jpa_id), 303)
        status = 409 if step.allowed_next_states is not None else 422
    found = expect_ok(gateway.get(path)).json()
    dashboard = expect_ok(gateway.get(f"{path}/dashboard")).json()
    coordinating = session.person.tenant in found["coordinating_tenants"] and \
        "jpa_coordinator" in session.person.roles
    return render_template(
        "joint_action/jpa.html", jpa=found, dashboard=dashboard, step=step, coordinating=coordinating,
        result_bars=words.bars(dashboard["totals"], words.METRIC_NAMES),
        case_bars=words.bars({milestone: dashboard["cases_by_status"].get(milestone, 0)
                              for milestone in (*words.MILESTONES, "closed")}, words.MILESTONE_NAMES),
        bar_height=words.BAR_HEIGHT), status


@blueprint.get("/jpas/<jpa_id>/dashboard.csv")
@readers
def dashboard_csv(jpa_id):
    """The API's CSV, as it wrote it (a row per case the viewer sees, then the totals)."""
    response = expect_ok(gateway.get(f"{API}/jpas/{_segment(jpa_id)}/dashboard.csv",
                                     headers={"Accept": "text/csv"}))
    return Response(response.content, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="jpa-{jpa_id}-dashboard.csv"'})


# --- cases --------------------------------------------------------------------------------------------------


@blueprint.get("/cases")
@readers
def cases():
    """The cases the viewer's tenant sees: the API's filters (JPA, milestone, words of the title); the lead
    state and open tasks are narrowed here over the API's answer, as the API has no such filter."""
    filters = {name: request.args.get(name, "").strip() for name in FILTERS}
    params = {name: filters[name] for name in ("q", "jpa_id", "status") if filters[name]}
    page = _page_number()
    if filters["lead_tenant"] or filters["open_tasks"]:
        rows = [case for case in _all(f"{API}/cases", **params) if _matches(case, filters)]
        total = len(rows)
        last_page = max(1, -(-total // CASE_PAGE_SIZE))
        rows = rows[(page - 1) * CASE_PAGE_SIZE:page * CASE_PAGE_SIZE]
    else:
        response = expect_ok(gateway.get(f"{API}/cases", params={**params, "page": page,
                                                                  "page_size": CASE_PAGE_SIZE}))
        rows, paging = response.json(), _paging(response)
        total, last_page = paging.get("total", 0), paging.get("last_page", 1)
    jpa_names = {jpa["id"]: jpa["name"] for jpa in _all(f"{API}/jpas")}
    return render_template("joint_action/cases.html", cases=rows, filters=filters, page=page, last_page=last_page,
                           total=total, jpa_names=jpa_names, milestones=(*words.MILESTONES, "closed"),
                           handling_codes=words.codes_of(rows))


def _matches(case: dict, filters: dict) -> bool:
    if filters["lead_tenant"] and case["lead_tenant"] != filters["lead_tenant"].upper():
        return False
    if filters["open_tasks"]:
        tasks = gateway.get(f"{API}/cases/{_segment(case['id'])}/tasks", params={"page_size": 1, "status": "open"})
        return tasks.ok and _paging(tasks).get("total", 0) > 0
    return True


@dataclasses.dataclass
class CaseForms:
    """The forms of a case page, each empty unless it was the one just submitted."""

    task: Form = dataclasses.field(default_factory=lambda: Form(TASK_FIELDS))
    outcome: Form = dataclasses.field(default_factory=lambda: Form(OUTCOME_FIELDS))
    milestone: Form = dataclasses.field(default_factory=lambda: Form(MILESTONE_FIELDS))
    share: Form = dataclasses.field(default_factory=lambda: Form(SHARE_FIELDS))
    item: Form = dataclasses.field(default_factory=lambda: Form(ITEM_FIELDS))
    other: Form = dataclasses.field(default_factory=lambda: Form(()))  # a task step, comment or release


def _case_path(case_id: str) -> str:
    return f"{API}/cases/{_segment(case_id)}"


def _case_view(case_id: str) -> dict:
    """Everything the case page shows, each part as the API gives it to the viewer: the case first (a case one
    may not see ends here, as the API's 404), then its records, read at once."""
    path = _case_path(case_id)
    case = expect_ok(gateway.get(path)).json()
    persons, tasks, items, outcomes, extraditions, expert_requests = _at_once(
        lambda: expect_ok(gateway.get(f"{path}/persons")).json(), lambda: _all(f"{path}/tasks"),
        lambda: _all(f"{path}/items"), lambda: _all(f"{path}/outcomes"), lambda: _all(f"{path}/extraditions"),
        lambda: _all(f"{path}/expert-requests"))
    return {"case": case, "tasks": tasks, "persons": persons["persons"],
            "anonymised_victims": persons["anonymised_victims"], "items": items, "outcomes": outcomes,
            "extraditions": extraditions, "expert_requests": expert_requests,
            "handling_codes": words.codes_of([case, *items, *persons["persons"]])}


def _at_once(*reads):
    """The results of independent reads, made in parallel, each in a copy of this request's context (the same
    signed-in session: of several calls needing fresh tokens, one refreshes and the others wait for it)."""
    with ThreadPoolExecutor(max_workers=READ_THREADS) as pool:
        futures = [pool.submit(copy_current_request_context(read)) for read in reads]
        return [future.result() for future in futures]


def _options(names: dict) -> list[tuple[str, str]]:
    return [(value, str(name)) for value, name in names.items()]


def _render_case(case_id: str, forms: CaseForms | None = None, status: int = 200, template="joint_action/case.html"):
    view = _case_view(case_id)
    permission = view["case"].get("your_permission")
    return render_template(
        template, **view, forms=forms or CaseForms(), empty_form=Form(()), milestones=words.MILESTONES,
        may_change=permission in ("lead", "contribute"), leads=permission == "lead",
        may_log=session.person.has_any(*LOG_READERS), today=dt.date.today().isoformat(), now=dt.datetime.now(dt.UTC),
        resolutions=_options(words.RESOLUTION_NAMES), outcome_options=_options(words.OUTCOME_NAMES),
        handling_options=_options(words.HANDLING_NAMES),
        permission_options=[(value, str(words.PERMISSION_NAMES[value])) for value in ("read", "contribute")],
        grades_source=[(grade, str(words.GRADE_NAMES[grade])) for grade in "ABCX"],
        grades_information=[(grade, str(words.GRADE_NAMES[grade])) for grade in "1234"]), status


@blueprint.get("/cases/<case_id>")
@readers
def case(case_id):
    return _render_case(case_id)


@blueprint.get("/cases/<case_id>/print")
@readers
def case_print(case_id):
    """The case summary for paper: the same records, no forms, the handling code at the top and bottom."""
    return _render_case(case_id, template="joint_action/case_print.html")


@blueprint.get("/cases/<case_id>/summary.pdf")
@readers
def case_summary_pdf(case_id):
    """The case summary as a PDF file, its handling code at the top and bottom of every page."""
    view = _case_view(case_id)
    return pdf.download("joint_action/case_summary_pdf.html", f"case-{case_id}.pdf", **view, forms=CaseForms(),
                        today=dt.date.today().isoformat(), now=dt.datetime.now(dt.UTC))


def _after(forms: CaseForms, case_id: str, response, anchor: str, field: str):
    """Back to the case page at `anchor` when the API accepted, else the page with the API's findings on `field`."""
    form = getattr(forms, field)
    if answered(response, form):
        return redirect(url_for("joint_action.case", case_id=case_id, _anchor=anchor), 303)
    return _render_case(case_id, forms, 409 if form.allowed_next_states is not None else 422)


def _present(**fields) -> dict:
    return {name: value for name, value in fields.items() if value not in ("", None, [])}


@blueprint.post("/cases/<case_id>/tasks")
@readers
def add_task(case_id):
    forms = CaseForms(task=Form.submitted(*TASK_FIELDS))
    form = forms.task
    body = _present(title=form.value("title").strip(), description=form.value("description").strip(),
                    assigned_tenant=form.value("assigned_tenant").strip().upper(),
                    assignee=form.value("assignee").strip(), due_date=form.value("due_date"))
    if form.value("mandatory"):
        body["mandatory"] = True
    return _after(forms, case_id, gateway.post(f"{_case_path(case_id)}/tasks", json=body), "tasks", "task")


MOVABLE = {"tasks": "tasks", "outcomes": "outcomes", "extraditions": "outcomes"}  # records -> the page's section


@blueprint.post("/cases/<case_id>/<kind>/<record_id>/transitions")
@readers
def move(case_id, kind, record_id):
    """A task, an MLA request or an extradition request to its next state (the API says which are allowed)."""
    if kind not in MOVABLE:
        abort(404)
    forms = CaseForms(other=Form.submitted("to"))
    response = gateway.post(f"{_case_path(case_id)}/{kind}/{_segment(record_id)}/transitions",
                            json={"to": forms.other.value("to")})
    return _after(forms, case_id, response, MOVABLE[kind], "other")


@blueprint.post("/cases/<case_id>/tasks/<task_id>/comments")
@readers
def comment_task(case_id, task_id):
    forms = CaseForms(other=Form.submitted(*COMMENT_FIELDS))
    response = gateway.post(f"{_case_path(case_id)}/tasks/{_segment(task_id)}/comments",
                            json={"text": forms.other.value("text").strip()})
    return _after(forms, case_id, response, "tasks", "other")


@blueprint.post("/cases/<case_id>/outcomes")
@readers
def add_outcome(case_id):
    forms = CaseForms(outcome=Form.submitted(*OUTCOME_FIELDS))
    form = forms.outcome
    body = _present(kind=form.value("kind"), date=form.value("date"), count=form.value("count").strip(),
                    requested_state=form.value("requested_state").strip().upper(),
                    sentence=form.value("sentence").strip(), note=form.value("note").strip())
    return _after(forms, case_id, gateway.post(f"{_case_path(case_id)}/outcomes", json=body), "outcomes", "outcome")


@blueprint.post("/cases/<case_id>/milestones")
@readers
def add_milestone(case_id):
    forms = CaseForms(milestone=Form.submitted(*MILESTONE_FIELDS))
    form = forms.milestone
    body = _present(status=form.value("status"), date=form.value("date"), note=form.value("note").strip(),
                    resolution=form.value("resolution"))
    return _after(forms, case_id, gateway.post(f"{_case_path(case_id)}/milestones", json=body), "milestones",
                  "milestone")


@blueprint.post("/cases/<case_id>/shares")
@readers
def share(case_id):
    forms = CaseForms(share=Form.submitted(*SHARE_FIELDS))
    tenant = forms.share.value("tenant").strip().upper()
    if not tenant:
        forms.share.add_error("tenant", str(words.REQUIRED))
        return _render_case(case_id, forms, 422)
    response = gateway.call("PUT", f"{_case_path(case_id)}/shares/{_segment(tenant)}",
                           json={"permission": forms.share.value("permission")})
    return _after(forms, case_id, response, "shares", "share")


@blueprint.post("/cases/<case_id>/shares/<tenant>/revoke")
@readers
def revoke_share(case_id, tenant):
    forms = CaseForms()
    response = gateway.delete(f"{_case_path(case_id)}/shares/{_segment(tenant)}")
    return _after(forms, case_id, response, "shares", "share")


@blueprint.post("/cases/<case_id>/items")
@readers
def add_item(case_id):
    forms = CaseForms(item=Form.submitted(*ITEM_FIELDS))
    form = forms.item
    body = _present(title=form.value("title").strip(), content=form.value("content").strip(),
                    source_reliability=form.value("source_reliability"),
                    information_credibility=form.value("information_credibility"),
                    handling_code=form.value("handling_code"), released_to=_codes(form.value("released_to")))
    return _after(forms, case_id, gateway.post(f"{_case_path(case_id)}/items", json=body), "items", "item")


@blueprint.post("/cases/<case_id>/<kind>/<record_id>/releases")
@readers
def release(case_id, kind, record_id):
    if kind not in ("items", "persons"):
        abort(404)
    forms = CaseForms(other=Form.submitted(*RELEASE_FIELDS))
    response = gateway.post(f"{_case_path(case_id)}/{kind}/{_segment(record_id)}/releases",
                            json={"tenants": _codes(forms.other.value("tenants"))})
    return _after(forms, case_id, response, kind, "other")


# --- the access log -----------------------------------------------------------------------------------------


@blueprint.get("/cases/<case_id>/access-log")
@log_readers
def access_log(case_id):
    """A page of the case's access log in chain order (filtered by the actor's organisation and a period), and,
    unfiltered, whether the whole chain holds, checked as its holder would check the export offline."""
    filters = {name: request.args.get(name, "").strip() for name in ("actor_tenant", "since", "until")}
    case = expect_ok(gateway.get(_case_path(case_id))).json()
    page = _page_number()
    params = {"case_id": case_id, **{name: _moment(name, value) for name, value in filters.items() if value}}
    response = expect_ok(gateway.get(f"{API}/access-log", params={**params, "page": page,
                                                                   "page_size": LOG_PAGE_SIZE}))
    paging = _paging(response)
    verification = None if any(filters.values()) else verify_export(
        _all(f"{API}/access-log", page_size=LOG_EXPORT_PAGE_SIZE, case_id=case_id))
    return render_template("joint_action/access_log.html", case=case, handling_codes=words.codes_of([case]),
                           entries=response.json(), filters=filters, page=page,
                           last_page=paging.get("last_page", 1), total=paging.get("total", 0),
                           verification=verification)


def _moment(name: str, value: str) -> str:
    """A date typed into a period filter as the API's moment (the whole `until` day included)."""
    if name in ("since", "until") and len(value) == 10:
        try:
            day = dt.date.fromisoformat(value) + dt.timedelta(days=1 if name == "until" else 0)
        except ValueError:
            return value  # the API names the field it cannot read
        return f"{day.isoformat()}T00:00:00+00:00"
    return value


@blueprint.get("/cases/<case_id>/access-log.csv")
@log_readers
def access_log_csv(case_id):
    """The API's CSV export of the case's log, its pages joined under one header (each page is whole chains)."""
    header, lines, page = None, [], 1
    while True:
        response = expect_ok(gateway.get(f"{API}/access-log", headers={"Accept": "text/csv"}, params={
            "case_id": case_id, "format": "csv", "page": page, "page_size": LOG_EXPORT_PAGE_SIZE}))
        first, *rest = response.content.splitlines(keepends=True) or [b""]
        header = header or first
        lines += rest
        if page >= _paging(response).get("last_page", 1):
            break
        page += 1
    return Response(b"".join([header, *lines]), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="case-{case_id}-access-log.csv"'})


def _rich(text: str | None) -> Markup:
    """Text people wrote (a case's summary, an item, a comment) as HTML cleaned by the platform's one allow-list,
    its line breaks kept."""
    return Markup(clean_html((text or "").replace("\r\n", "\n").replace("\n", "<br>")))


def _named(names: dict):
    return lambda value: names.get(value, value) if value else ""


blueprint.add_app_template_filter(_rich, "rich")
for _filter, _names in {"ja_status": words.STATUS_NAMES, "handling_name": words.HANDLING_NAMES,
                        "grade_name": words.GRADE_NAMES, "case_type_name": words.CASE_TYPE_NAMES,
                        "network_role_name": words.NETWORK_ROLE_NAMES, "outcome_name": words.OUTCOME_NAMES,
                        "permission_name": words.PERMISSION_NAMES, "resolution_name": words.RESOLUTION_NAMES}.items():
    blueprint.add_app_template_filter(_named(_names), _filter)
