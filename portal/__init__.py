"""RSO portal: the web application people use, a server-rendered backend-for-frontend of the gateway's APIs."""

from __future__ import annotations

import hashlib
from pathlib import Path

from flask import Flask, g, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.exceptions import HTTPException

from chassis.app import create_service_app
from chassis.i18n import LOCALE_NAMES, init_babel
from chassis.problems import Problem
from portal import gateway, pages, sessions, ui
from portal.settings import PortalSettings

SERVICE = "portal"
PACKAGE = Path(__file__).resolve().parent
TRANSLATIONS = PACKAGE / "translations"
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:", "font-src 'self'",
    "connect-src 'self'", "form-action 'self'", "frame-ancestors 'none'", "base-uri 'none'", "object-src 'none'",
])
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def create_app(settings: PortalSettings | None = None) -> Flask:
    settings = settings or PortalSettings.from_env(SERVICE)
    app = create_service_app(
        settings, title="RSO Portal", description="The web application for people: pages, not an API.",
        accepted_media_types=("application/x-www-form-urlencoded", "multipart/form-data"),  # files: the CSV upload
        broker=False, static_folder="static",
    )
    # CSRF tokens are signed with a key derived from the client secret, the one secret the portal is given.
    app.secret_key = hashlib.sha256(f"rso-portal-csrf:{settings.portal_client_secret}".encode()).hexdigest()
    app.config.update(WTF_CSRF_TIME_LIMIT=None, WTF_CSRF_SSL_STRICT=False)
    app.session_interface = sessions.ServerSideSessionInterface()
    CSRFProtect(app)
    init_babel(app, TRANSLATIONS)
    gateway.install(app, settings)
    pages.register(app)
    ui.install(app)
    _install_page_errors(app)

    @app.context_processor
    def page_context():
        return {"person": session.person, "locale": str(get_locale()), "locale_names": LOCALE_NAMES}

    @app.after_request
    def security_headers(response):
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if not request.path.startswith("/static/"):
            response.headers["Cache-Control"] = "no-store"
        return response

    return app


def _install_page_errors(app: Flask) -> None:
    """People get pages, not problem documents: every error is a page in their language."""

    def page(status: int, detail: str | None = None):
        g.error_page = True  # no API call of its own (the header's notification count) on an error page
        return render_template("error.html", status=status, detail=detail), status

    @app.errorhandler(CSRFError)
    def csrf_refused(error):
        return page(400, "csrf")

    @app.errorhandler(gateway.SignInRequired)
    def sign_in_required(error):
        if request.method == "GET":
            return redirect(url_for("pages.sign_in", next=request.full_path.rstrip("?")))
        return redirect(url_for("pages.sign_in"))

    @app.errorhandler(gateway.AccessEnded)
    def access_ended(error):
        return render_template("access_ended.html", reason=error.reason), 403

    @app.errorhandler(HTTPException)
    def http_error(error):
        return page(error.code or 500)

    @app.errorhandler(Problem)
    def problem(error):
        return page(error.status)

    @app.errorhandler(Exception)
    def unexpected(error):
        app.logger.exception("unhandled error")
        return page(500)
