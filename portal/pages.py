"""The portal's own pages: home, signing in and out, the language, the password."""

from __future__ import annotations

import functools
from urllib.parse import urlencode, urlsplit

from authlib.integrations.base_client import OAuthError
from flask import Blueprint, Flask, abort, current_app, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from chassis.i18n import LOCALE_COOKIE, LOCALE_COOKIE_MAX_AGE, supported
from chassis.vocabulary import PLATFORM_TENANT
from portal import gateway, home, sessions
from portal.forms import Form, answered
from portal.settings import CALLBACK_PATH, PortalSettings

blueprint = Blueprint("pages", __name__)
NEXT_KEY = "next"  # in the session while a sign-in is under way: where to go afterwards


def _settings() -> PortalSettings:
    return current_app.extensions["rso.settings"]


def local_path(target: str | None) -> str:
    """`target` if it is a path of this site, otherwise the home page (no open redirects)."""
    if not target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def signed_in(view):
    """The page needs a signed-in person; without one, sign in first and come back. A person whose organisation
    was suspended or whose account was deactivated meanwhile gets the page that says so, whatever they clicked."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if session.person is None:
            raise gateway.SignInRequired()
        page = view(*args, **kwargs)
        gateway.confirm_access()
        return page

    return wrapper


def admitting(may_enter):
    """A page for signed-in people `may_enter()` admits; the others get the plain not-allowed page, no call made."""

    def decorator(view):
        @functools.wraps(view)
        @signed_in
        def wrapper(*args, **kwargs):
            if not may_enter():
                abort(403)
            return view(*args, **kwargs)

        return wrapper

    return decorator


def requiring(*roles: str):
    """A page for signed-in people with one of `roles`."""
    return admitting(lambda: session.person.has_any(*roles))


@blueprint.get("/")
def index():
    if session.person is None:
        return render_template("welcome.html")
    return _home()


@signed_in
def _home():
    person = session.person
    shortcuts = []
    if person.has_any("tenant_admin", "platform_admin"):
        shortcuts += [(url_for("admin.people", tenant=person.tenant), _("Manage your organisation's people")),
                      (url_for("admin.clients", tenant=person.tenant), _("Manage your organisation's machine clients")),
                      (url_for("webhooks.subscriptions"), _("Manage your organisation's webhooks")),
                      (url_for("admin.sign_in_security", tenant=person.tenant),
                       _("Manage your organisation's sign-in security"))]
    if person.tenant == PLATFORM_TENANT and "platform_admin" in person.roles:
        shortcuts.append((url_for("admin.tenants"), _("Manage the organisations")))
    return render_template("home.html", attention=home.attention(person), shortcuts=shortcuts,
                           training=home.training_links(person))


@blueprint.get("/sign-in")
def sign_in():
    settings = _settings()
    if request.host_url.rstrip("/") != settings.public_url:  # the session cookie must be the callback's origin's
        return redirect(settings.public_url + request.full_path.rstrip("?"))
    if session.person is not None:
        return redirect(local_path(request.args.get(NEXT_KEY)))
    session[NEXT_KEY] = local_path(request.args.get(NEXT_KEY))
    return gateway.oauth_client().authorize_redirect(settings.redirect_uri, ui_locales=str(get_locale()))


@blueprint.get(CALLBACK_PATH)
def callback():
    if request.args.get("error"):
        return render_template("sign_in_failed.html"), 400
    try:
        token = gateway.oauth_client().authorize_access_token()
    except OAuthError:
        return render_template("sign_in_failed.html"), 400
    principal = current_app.extensions["rso.token_validator"].validate(token["access_token"])
    target = session.get(NEXT_KEY, "/")
    sessions.begin_signed_in(session, token, sessions.Person.from_principal(principal), current_app)
    session.pop(NEXT_KEY, None)
    return redirect(local_path(target))


@blueprint.post("/sign-out")
def sign_out():
    """Revoke the tokens, end this session, then end the gateway's sign-in session too."""
    settings = _settings()
    gateway.revoke_tokens()
    sessions.end(session)
    query = urlencode({"client_id": settings.portal_client_id,
                       "post_logout_redirect_uri": f"{settings.public_url}{url_for('pages.signed_out')}"})
    return redirect(f"{settings.public_url}/oauth/logout?{query}")


@blueprint.get("/signed-out")
def signed_out():
    return render_template("signed_out.html")


@blueprint.get("/language")
def language():
    """Remember the chosen language (a preference cookie, shared with the gateway's pages) and go back."""
    response = redirect(local_path(request.args.get(NEXT_KEY)))
    chosen = supported(request.args.get("locale"))
    if chosen:
        response.set_cookie(LOCALE_COOKIE, chosen, max_age=LOCALE_COOKIE_MAX_AGE, path="/", samesite="Lax",
                            secure=request.is_secure)
    return response


PASSWORD_FIELDS = ("current_password", "new_password")


@blueprint.route("/password", methods=["GET", "POST"])
@signed_in
def password():
    """A signed-in person chooses a new password (the gateway checks and audits it)."""
    if request.method == "GET":
        return render_template("password.html", form=Form(PASSWORD_FIELDS))
    form = Form.submitted(*PASSWORD_FIELDS, "confirm_password")
    if form.value("new_password") != form.value("confirm_password"):
        form.add_error("confirm_password", _("The new password and its confirmation are not the same."))
    else:
        response = gateway.post("/account/password", json={
            "current_password": form.value("current_password"), "new_password": form.value("new_password")})
        if answered(response, form):
            return render_template("password_changed.html")
    form.values = MultiDict()  # passwords are never sent back to the browser
    return render_template("password.html", form=form), 422


def register(app: Flask) -> None:
    app.register_blueprint(blueprint)
    from portal.admin import pages as admin_pages
    from portal.admin import webhooks
    from portal.joint_action import pages as joint_action_pages

    app.register_blueprint(admin_pages.blueprint)
    app.register_blueprint(webhooks.blueprint)
    app.register_blueprint(joint_action_pages.blueprint)
    from portal import roster

    roster.register(app)
    from portal import training

    training.register(app)
    from portal import notifications

    app.register_blueprint(notifications.blueprint)
    app.jinja_env.globals["unread_notifications"] = notifications.unread_count
