"""A person's notifications: the unread count in every page's header, the list where they read and dismiss them,
and their choice of what reaches them by e-mail. All of it is the notification service's API, called through the
gateway with the person's token (docs/notifications.md)."""

from __future__ import annotations

from urllib.parse import urlsplit

import requests
from flask import Blueprint, current_app, g, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from werkzeug.datastructures import MultiDict

from portal import gateway
from portal.forms import Form, answered, expect_ok
from portal.pages import signed_in

blueprint = Blueprint("notifications", __name__, url_prefix="/notifications")
API = "/api/notification"
PREFERENCE_FIELDS = ("by_email",)


def unread_count() -> int | None:
    """The signed-in person's unread count for the page header, asked once per page with a short timeout. A
    notification service that is down, slow or refusing shows no count (None) and never breaks the page; the
    gateway's own verdict on the person's token (signed out, access ended) applies as on any call."""
    if "unread_notifications" not in g:
        g.unread_notifications = None
        if session.person is not None and not g.get("error_page"):
            timeout = current_app.extensions["rso.settings"].notification_count_timeout_seconds
            try:
                response = gateway.get(f"{API}/notifications/unread-count", timeout=timeout)
            except requests.RequestException:
                response = None
            if response is not None and response.ok:
                g.unread_notifications = response.json().get("unread")
    return g.unread_notifications


def _language() -> dict:
    return {"language": str(get_locale())}


@blueprint.get("")
@signed_in
def inbox():
    listed = expect_ok(gateway.get(f"{API}/notifications", params={"include_read": "true", **_language()})).json()
    g.unread_notifications = listed["unread"]  # the header says what the list says
    return render_template("notifications/list.html", notifications=listed["items"], unread=listed["unread"])


def _back():
    return redirect(url_for("notifications.inbox"))


@blueprint.post("/<notification_id>/read")
@signed_in
def read(notification_id):
    answered(gateway.post(f"{API}/notifications/{notification_id}/read"))
    return _back()


@blueprint.post("/<notification_id>/open")
@signed_in
def open_one(notification_id):
    """Mark read and go to the record it links to (on this platform only: no open redirect)."""
    response = gateway.post(f"{API}/notifications/{notification_id}/read")
    answered(response)
    link = response.json()["link"]
    public = urlsplit(current_app.extensions["rso.settings"].public_url)
    target = urlsplit(link)
    if (target.scheme, target.netloc) != (public.scheme, public.netloc):
        return _back()
    return redirect(link)


@blueprint.post("/<notification_id>/dismiss")
@signed_in
def dismiss(notification_id):
    answered(gateway.post(f"{API}/notifications/{notification_id}/dismiss"))
    return _back()


@blueprint.post("/read")
@signed_in
def read_all():
    answered(gateway.post(f"{API}/notifications/read"))
    return _back()


def _chosen(rows: list[dict]) -> Form:
    """The form as the API's answer has it: a box ticked for each kind that goes out by e-mail."""
    return Form(PREFERENCE_FIELDS, values=MultiDict([("by_email", row["kind"]) for row in rows if row["by_email"]]))


def _page(form: Form, rows: list[dict], *, saved: bool = False) -> str:
    return render_template("notifications/preferences.html", form=form, saved=saved,
                           kinds=[(row["kind"], row["label"]) for row in rows])


@blueprint.route("/preferences", methods=["GET", "POST"])
@signed_in
def preferences():
    """Which notifications reach the person by e-mail; all of them still show in the list."""
    if request.method == "GET":
        rows = expect_ok(gateway.get(f"{API}/preferences", params=_language())).json()["email"]
        return _page(_chosen(rows), rows)
    form = Form.submitted(*PREFERENCE_FIELDS)
    response = gateway.put(f"{API}/preferences", params=_language(), json={"by_email": form.chosen("by_email")})
    if answered(response, form):
        rows = response.json()["email"]
        return _page(_chosen(rows), rows, saved=True)
    rows = expect_ok(gateway.get(f"{API}/preferences", params=_language())).json()["email"]
    return _page(form, rows), 422
