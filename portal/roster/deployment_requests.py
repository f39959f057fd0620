"""Requesting officers search the roster and request experts; the roster office reviews requests, their
candidates with the reasons they rank where they do, and makes offers. A request's page follows its states and
history; the expert's contact shows on a deployment once the API gives it (from acceptance on)."""

from __future__ import annotations

from flask import redirect, render_template, request, session, url_for
from werkzeug.datastructures import MultiDict

from portal import gateway
from portal.forms import Form, answered, expect_ok, problem_of
from portal.roster import blueprint
from portal.roster.common import (
    CLEARANCE_LEVELS,
    PROFICIENCY_LEVELS,
    function_names,
    is_office,
    language_options,
    path,
    requiring,
    total_of,
)

REQUESTERS = ("requesting_officer",)
SEARCH_FIELDS = ("function", "language", "start_date", "end_date", "min_readiness", "min_clearance", "country",
                 "exclude_nationals")
REQUEST_FIELDS = ("function", "languages", "country", "location", "start_date", "end_date", "number_of_experts",
                  "min_readiness", "min_clearance", "exclude_nationals", "justification")
LANGUAGE_ROWS = 3  # language rows a form offers (code + minimum level each)
# Steps a person asks for on a request by hand, by who may ask (the API decides; these are the buttons shown).
REQUESTER_STEPS = ("submitted", "withdrawn", "cancelled")
OFFICE_STEPS = ("under_review", "rejected", "cancelled")


def _language_needs(form: Form) -> list[tuple[str, str]]:
    """(code, minimum level) of the language rows filled in."""
    codes, levels = form.chosen("language_code"), form.chosen("language_level")
    return [(code, level or "basic") for code, level in zip(codes, levels, strict=False) if code]


def _choices() -> dict:
    return {"functions": sorted(function_names().items(), key=lambda item: item[1]),
            "languages": language_options(), "levels": PROFICIENCY_LEVELS, "clearances": CLEARANCE_LEVELS,
            "language_rows": LANGUAGE_ROWS}


@blueprint.get("/search")
@requiring(*REQUESTERS, "roster_manager", office=True)
def search():
    """The search form; with a function chosen, the ranked matches and each one's reasons."""
    form = Form(SEARCH_FIELDS, values=MultiDict(request.args))
    matches, total = None, 0
    if form.value("function"):
        params = [(name, form.value(name)) for name in ("function", "start_date", "end_date", "min_readiness",
                                                          "min_clearance", "country") if form.value(name)]
        params += [("language", f"{code}:{level}") for code, level in _language_needs(form)]
        if form.value("exclude_nationals"):
            params.append(("exclude_nationals", "true"))
        response = gateway.get(path("search"), params=[*params, ("page_size", 50)])
        if response.status_code == 422:
            form.take_problem(problem_of(response))
        else:
            matches, total = expect_ok(response).json(), total_of(response)
    return render_template("roster/search.html", form=form, matches=matches, total=total, **_choices()), \
        422 if form.has_errors else 200


@blueprint.get("/experts/<expert_id>")
@requiring(*REQUESTERS, "roster_manager", "tenant_admin", "expert", office=True)
def expert(expert_id):
    """An expert as far as the API lets this person see them: summary, contact card or whole profile."""
    shown = expect_ok(gateway.get(path("experts", expert_id))).json()
    return render_template("roster/expert.html", expert=shown, office=is_office())


# - requests


@blueprint.get("/requests")
@requiring(*REQUESTERS, office=True)
def requests_list():
    """The person's organisation's requests (the roster office: every organisation's), newest first."""
    status = request.args.get("status") or None
    found = expect_ok(gateway.get(path("requests"), params={"status": status, "page_size": 100}))
    return render_template("roster/requests.html", requests=found.json(), total=total_of(found), status=status)


def _request_body(form: Form) -> dict:
    """The API's body from the form, as typed: the API validates (an empty number is left out, not guessed)."""
    body = {name: form.value(name).strip() for name in ("function", "country", "location", "start_date", "end_date",
                                                         "justification", "min_readiness", "min_clearance")}
    body = {name: value for name, value in body.items() if value}
    number = form.value("number_of_experts").strip()
    if number:
        body["number_of_experts"] = int(number) if number.isdigit() else number
    body["exclude_nationals"] = bool(form.value("exclude_nationals"))
    body["languages"] = [{"code": code, "min_level": level} for code, level in _language_needs(form)]
    return body


@blueprint.route("/requests/new", methods=["GET", "POST"])
@requiring(*REQUESTERS)
def new_request():
    """A draft request (prefilled from a search when coming from one); submitted from its own page."""
    if request.method == "GET":
        form = Form(REQUEST_FIELDS, values=MultiDict(request.args))
        return render_template("roster/request_new.html", form=form, **_choices())
    form = Form.submitted(*REQUEST_FIELDS)
    response = gateway.post(path("requests"), json=_request_body(form))
    if not answered(response, form):
        return render_template("roster/request_new.html", form=form, **_choices()), 422
    return redirect(url_for("roster.request_page", request_id=response.json()["request_id"]), 303)


def _request_page(request_id: str, action_form: Form | None = None, status: int = 200):
    found = expect_ok(gateway.get(path("requests", request_id))).json()
    deployments = expect_ok(gateway.get(path("deployments"), params={"request_id": request_id,
                                                                     "page_size": 100})).json()
    office = is_office()
    candidates = None
    if office and found["status"] in ("submitted", "under_review", "offered"):
        response = gateway.get(path("requests", request_id, "candidates"), params={"page_size": 20})
        candidates = response.json() if response.ok else []
    steps = OFFICE_STEPS if office else REQUESTER_STEPS if found["requesting_tenant"] == session.person.tenant else ()
    return render_template("roster/request.html", req=found, deployments=deployments, candidates=candidates,
                           steps=[step for step in steps if step in found["allowed_next_states"]],
                           office=office, action_form=action_form), status


@blueprint.get("/requests/<request_id>")
@requiring(*REQUESTERS, office=True)
def request_page(request_id):
    return _request_page(request_id)


@blueprint.post("/requests/<request_id>/transitions")
@requiring(*REQUESTERS, office=True)
def request_step(request_id):
    """Submit, withdraw, cancel (the requester); review, reject, cancel (the office). A 409 shows what is allowed."""
    form = Form.submitted("to", "comment")
    response = gateway.post(path("requests", request_id, "transitions"),
                            json={"to": form.value("to"), "comment": form.value("comment") or None})
    if answered(response, form):
        return redirect(url_for("roster.request_page", request_id=request_id), 303)
    return _request_page(request_id, form, response.status_code)


@blueprint.post("/requests/<request_id>/offers")
@requiring(office=True)
def make_offer(request_id):
    form = Form.submitted("expert_id", "comment")
    response = gateway.post(path("requests", request_id, "offers"),
                            json={"expert_id": form.value("expert_id"), "comment": form.value("comment") or None})
    if answered(response, form):
        return redirect(url_for("roster.request_page", request_id=request_id), 303)
    return _request_page(request_id, form, response.status_code)


@blueprint.post("/deployments/<deployment_id>/transitions")
@requiring(*REQUESTERS, "expert", "roster_manager", "tenant_admin", office=True)
def deployment_step(deployment_id):
    """A step of one deployment (accept, decline, deploy, complete, cancel); back to where it was asked from."""
    form = Form.submitted("to", "reason", "back")
    body = {"to": form.value("to")}
    if form.value("reason"):
        body["reason"] = form.value("reason")
    response = gateway.post(path("deployments", deployment_id, "transitions"), json=body)
    back = form.value("back") if form.value("back").startswith("/roster/") else url_for("roster.my_roster")
    if answered(response, form):
        return redirect(back, 303)
    deployment = expect_ok(gateway.get(path("deployments", deployment_id))).json()
    return render_template("roster/step_refused.html", form=form, deployment=deployment, back=back), \
        response.status_code
