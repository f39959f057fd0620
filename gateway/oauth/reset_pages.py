"""The password-reset pages: ask for a link by e-mail address, then choose a new password through the link.

Beside the sign-in pages (`gateway.oauth.pages`), with their CSRF protection, headers and languages; the rules
are in `gateway.identity.password_reset`. The pages also send `Referrer-Policy: no-referrer`, so the token in the
link's query never leaves in a Referer header.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, request
from flask_babel import get_locale

from gateway.identity import password_reset, passwords
from gateway.oauth.pages import CSRF_REFUSAL, _csrf_matches, _page, new_password_errors

blueprint = Blueprint("password_reset", __name__)

TOO_MANY = "Too many requests. Please try again in a few minutes."


def _reset_page(template: str, status: int = 200, **values) -> Response:
    response = _page(template, status, **{"errors": {}, **values})
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@blueprint.route("/oauth/password-reset", methods=["GET", "POST"])
def ask_for_a_link() -> Response:
    """The form asking for an e-mail address, and the one answer to it, whether or not the address is known."""
    if request.method == "GET":
        return _reset_page("forgot_password.html")
    if not _csrf_matches():
        return _reset_page("forgot_password.html", 400, error=CSRF_REFUSAL)
    try:
        password_reset.request(request.form.get("email", ""), address=request.remote_addr,
                               language=str(get_locale()),
                               public_url=current_app.extensions["rso.settings"].oauth_issuer)
    except password_reset.Throttled:
        return _reset_page("forgot_password.html", 429, error=TOO_MANY)
    return _reset_page("forgot_password.html", sent=True)


@blueprint.route(password_reset.PATH, methods=["GET", "POST"])
def choose_a_new_password() -> Response:
    """The page the e-mailed link opens: a new password, typed twice; or why the link no longer works."""
    token = request.values.get("token", "")
    try:
        user = password_reset.person_holding(token, address=request.remote_addr)
    except password_reset.Throttled:
        return _reset_page("reset_password.html", 429, broken=True, error=TOO_MANY)
    if user is None:
        return _reset_page("reset_password.html", 410, broken=True)
    min_length = passwords.policy_of(user.tenant).min_length
    if request.method == "GET":
        return _reset_page("reset_password.html", token=token, min_length=min_length)
    if not _csrf_matches():
        return _reset_page("reset_password.html", 400, token=token, min_length=min_length, error=CSRF_REFUSAL)
    new_password = request.form.get("new_password", "")
    if errors := new_password_errors(user, new_password):
        return _reset_page("reset_password.html", 422, token=token, errors=errors, min_length=min_length)
    if not password_reset.reset(token, user, new_password):
        return _reset_page("reset_password.html", 410, broken=True)
    return _reset_page("reset_password.html", done=True)
