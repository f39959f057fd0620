"""The roster office's queues (nominations to vet, functions awaiting vetting, certificates to verify, requests
to review) and an expert's booking calendar; the expert's own pages: profile, calendar of unavailability,
offers, deployments with their appraisals, training recommended to them, and withdrawing consent."""

from __future__ import annotations

import calendar
import datetime as dt

from flask import abort, redirect, render_template, request, url_for

from portal import gateway
from portal.forms import Form, answered, expect_ok
from portal.roster import blueprint
from portal.roster.common import every_item, path, requiring, total_of

PERIOD_FIELDS = ("start_date", "end_date", "reason")


# - the roster office


@blueprint.get("/office")
@requiring(office=True)
def office():
    """Everything waiting for the roster office, one queue after the other."""
    nominated = every_item(path("experts"), status="nominated")
    awaiting_functions, certificates = [], []
    for profile in every_item(path("experts")):
        awaiting_functions += [(profile, code) for code in profile.get("functions_awaiting_vetting", [])]
        certificates += [(profile, certificate) for certificate in profile.get("certifications", [])
                         if certificate["source"] == "external" and certificate["status"] == "valid"
                         and not certificate["verified_at"]]
    to_review = {status: expect_ok(gateway.get(path("requests"), params={"status": status, "page_size": 100}))
                 for status in ("submitted", "under_review")}
    return render_template("roster/office.html", nominated=nominated, awaiting_functions=awaiting_functions,
                           certificates=certificates,
                           to_review=[item for response in to_review.values() for item in response.json()],
                           review_total=sum(total_of(response) for response in to_review.values()))


def _office_step(api_path: str, body: dict | None = None):
    """One office step from a queue; back to the queues, or the refusal on a plain page."""
    response = gateway.post(api_path, json=body or {})
    if answered(response):
        return redirect(url_for("roster.office", done=1), 303)
    return None  # answered() has shown the refusal


@blueprint.post("/experts/<expert_id>/vetting")
@requiring(office=True)
def vet_expert(expert_id):
    return _office_step(path("experts", expert_id, "transitions"), {"to": "vetted"})


@blueprint.post("/experts/<expert_id>/functions/<code>/vetting")
@requiring(office=True)
def vet_function(expert_id, code):
    return _office_step(path("experts", expert_id, "functions", code, "vetting"))


@blueprint.post("/experts/<expert_id>/certifications/<certificate_id>/verification")
@requiring(office=True)
def verify_certificate(expert_id, certificate_id):
    return _office_step(path("experts", expert_id, "certifications", certificate_id, "verification"))


def _month(value: str | None) -> dt.date:
    try:
        return dt.date.fromisoformat(f"{value}-01") if value else dt.date.today().replace(day=1)
    except ValueError:
        abort(404)


def _overlaps(start: str, end: str | None, first: dt.date, last: dt.date) -> bool:
    return dt.date.fromisoformat(start) <= last and (end is None or dt.date.fromisoformat(end) >= first)


def month_calendar(profile: dict, month: dt.date) -> dict:
    """The month's days, each with what books it (deployments) or blocks it (unavailability): a table, not a
    picture, so it reads the same with a screen reader."""
    last = month.replace(day=calendar.monthrange(month.year, month.month)[1])
    bookings = [booking for booking in profile.get("bookings", [])
                if _overlaps(booking["start_date"], booking["end_date"], month, last)]
    periods = [period for period in profile.get("unavailability", [])
               if _overlaps(period["start_date"], period["end_date"], month, last)]
    days = []
    for number in range(1, last.day + 1):
        day = month.replace(day=number)
        days.append({"date": day,
                     "booked": [b for b in bookings if _overlaps(b["start_date"], b["end_date"], day, day)],
                     "unavailable": [p for p in periods if _overlaps(p["start_date"], p["end_date"], day, day)]})
    previous = (month - dt.timedelta(days=1)).replace(day=1)
    return {"month": month, "days": days, "bookings": bookings, "periods": periods,
            "previous": previous.strftime("%Y-%m"), "next": (last + dt.timedelta(days=1)).strftime("%Y-%m")}


@blueprint.get("/experts/<expert_id>/calendar")
@requiring("roster_manager", "tenant_admin", "expert", office=True)
def expert_calendar(expert_id):
    """An expert's bookings and unavailability by month (the office, the nominating tenant, the expert)."""
    profile = expect_ok(gateway.get(path("experts", expert_id))).json()
    if "bookings" not in profile:  # a summary: this person does not see the expert's calendar
        abort(404)
    return render_template("roster/calendar.html", expert=profile,
                           calendar=month_calendar(profile, _month(request.args.get("month"))))


# - the expert's own pages


def _my_profiles() -> list[dict]:
    return expect_ok(gateway.get(path("experts", "me"))).json()


def _my_page(period_form: Form | None = None, status: int = 200):
    profiles = _my_profiles()
    offers = expect_ok(gateway.get(path("deployments"), params={"status": "offered", "page_size": 100})).json()
    deployments = [deployment for profile in profiles
                   for deployment in every_item(path("experts", profile["expert_id"], "deployments"))]
    recommended = gateway.get("/api/training/me/recommendations", params={"page_size": 100})
    month = _month(request.args.get("month"))
    return render_template(
        "roster/me.html", profiles=profiles, offers=offers,
        deployments=[deployment for deployment in deployments if deployment["status"] != "offered"],
        recommendations=recommended.json() if recommended.ok else None,
        calendars={profile["expert_id"]: month_calendar(profile, month) for profile in profiles},
        period_form=period_form or Form(PERIOD_FIELDS)), status


@blueprint.get("/me")
@requiring("expert")
def my_roster():
    return _my_page()


@blueprint.get("/deployments/<deployment_id>")
def offer(deployment_id):
    """Where an offer's e-mail and notification link to (ADR 80): the expert answers it on their roster page,
    which asks for sign-in and the expert role itself."""
    return redirect(url_for("roster.my_roster", _anchor=f"offer-{deployment_id}"))


@blueprint.post("/experts/<expert_id>/unavailability")
@requiring("expert", "roster_manager", "tenant_admin")
def add_unavailability(expert_id):
    form = Form.submitted(*PERIOD_FIELDS)
    body = {"start_date": form.value("start_date") or None, "end_date": form.value("end_date") or None,
            "reason": form.value("reason") or None}
    if answered(gateway.post(path("experts", expert_id, "unavailability"), json=body), form):
        return redirect(url_for("roster.my_roster", month=form.value("start_date")[:7] or None), 303)
    return _my_page(form, 422)


@blueprint.post("/experts/<expert_id>/unavailability/<period_id>/removal")
@requiring("expert", "roster_manager", "tenant_admin")
def remove_unavailability(expert_id, period_id):
    expect_ok(gateway.delete(path("experts", expert_id, "unavailability", period_id)))
    return redirect(url_for("roster.my_roster"), 303)


@blueprint.route("/experts/<expert_id>/consent-withdrawal", methods=["GET", "POST"])
@requiring("expert", "roster_manager", "tenant_admin")
def withdraw_consent(expert_id):
    """Withdrawing consent erases the person from the roster: the page says what, and asks to confirm."""
    profile = expect_ok(gateway.get(path("experts", expert_id))).json()
    form = Form(("confirm",))
    if request.method == "POST":
        form = Form.submitted("confirm", "comment")
        if form.value("confirm") != "yes":
            form.add_error("confirm", _confirm_message())
        elif answered(gateway.post(path("experts", expert_id, "consent-withdrawal"),
                                   json={"comment": form.value("comment") or None}), form):
            return render_template("roster/consent_withdrawn.html")
    return render_template("roster/consent.html", expert=profile, form=form), 422 if form.has_errors else 200


def _confirm_message() -> str:
    from flask_babel import gettext as _

    return _("Tick the box to confirm that you want your details erased.")
