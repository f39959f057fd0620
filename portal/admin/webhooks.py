"""A tenant administrator's webhooks: the URLs of their organisation's systems that receive its events, each
with its delivery log. Every page is a call to the notification service's `/webhooks/...` API with the person's
token, which keeps everything to their own tenant (another tenant's subscription: 404)."""

from __future__ import annotations

from urllib.parse import quote

from flask import Blueprint, redirect, render_template, request, url_for

from portal import gateway
from portal.forms import Form, answered, expect_ok
from portal.pages import requiring

blueprint = Blueprint("webhooks", __name__)
API = "/api/notification/webhooks"
FIELDS = ("url", "description", "event_types")
LOG_PAGE_SIZE = 50

administered = requiring("tenant_admin", "platform_admin")


def _subscription_path(subscription_id: str) -> str:
    return f"{API}/subscriptions/{quote(subscription_id, safe='')}"


def _event_types() -> list[tuple[str, str]]:
    """(value, label) for the checkboxes: the type itself, the name a receiving system sees."""
    return [(entry["type"], entry["type"]) for entry in expect_ok(gateway.get(f"{API}/event-types")).json()]


@blueprint.get("/webhooks")
@administered
def subscriptions():
    listed = expect_ok(gateway.get(f"{API}/subscriptions", params={"page_size": 100})).json()
    return render_template("admin/webhooks.html", subscriptions=listed)


@blueprint.route("/webhooks/new", methods=["GET", "POST"])
@administered
def new_subscription():
    if request.method == "GET":
        return render_template("admin/webhook_new.html", form=Form(FIELDS), event_types=_event_types())
    form = Form.submitted(*FIELDS)
    response = gateway.post(f"{API}/subscriptions", json={
        "url": form.value("url").strip(), "description": form.value("description").strip() or None,
        "event_types": form.chosen("event_types")})
    if not answered(response, form):
        return render_template("admin/webhook_new.html", form=form, event_types=_event_types()), 422
    return render_template("admin/webhook_secret.html", subscription=response.json())


def _detail(subscription_id: str, action_form: Form | None = None, status: int = 200):
    path = _subscription_path(subscription_id)
    found = expect_ok(gateway.get(path)).json()
    log = expect_ok(gateway.get(f"{path}/deliveries", params={"page_size": LOG_PAGE_SIZE})).json()
    return render_template("admin/webhook.html", subscription=found, deliveries=log, action_form=action_form,
                           done=request.args.get("done")), status


@blueprint.get("/webhooks/<subscription_id>")
@administered
def subscription(subscription_id):
    return _detail(subscription_id)


@blueprint.post("/webhooks/<subscription_id>/<any(pause, resume):step>")
@administered
def step(subscription_id, step):
    """Pause or resume; a 409 (already so) is shown on the page with the step that is allowed."""
    form = Form(())
    if answered(gateway.post(f"{_subscription_path(subscription_id)}/{step}"), form):
        return redirect(url_for("webhooks.subscription", subscription_id=subscription_id, done=step), 303)
    return _detail(subscription_id, form, 409)


@blueprint.post("/webhooks/<subscription_id>/secret")
@administered
def rotate_secret(subscription_id):
    response = expect_ok(gateway.post(f"{_subscription_path(subscription_id)}/secret"))
    return render_template("admin/webhook_secret.html", subscription=response.json(), rotated=True)


@blueprint.post("/webhooks/<subscription_id>/delete")
@administered
def delete(subscription_id):
    expect_ok(gateway.delete(_subscription_path(subscription_id)))
    return redirect(url_for("webhooks.subscriptions", deleted=1), 303)


@blueprint.post("/webhooks/<subscription_id>/deliveries/<delivery_id>/replay")
@administered
def replay(subscription_id, delivery_id):
    form = Form(())
    path = f"{_subscription_path(subscription_id)}/deliveries/{quote(delivery_id, safe='')}/replay"
    if answered(gateway.post(path), form):
        return redirect(url_for("webhooks.subscription", subscription_id=subscription_id, done="replay"), 303)
    return _detail(subscription_id, form, 409)
