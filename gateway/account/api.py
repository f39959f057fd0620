"""A signed-in person's own account: changing their password ("sign out everywhere" else)."""

from __future__ import annotations

from bson import ObjectId
from flask.views import MethodView
from flask_smorest import Blueprint

from chassis import context
from chassis.auth import current_principal, require
from chassis.problems import Forbidden, ValidationFailed
from gateway.account import schemas
from gateway.identity import audit, passwords, throttle
from gateway.identity.models import User, secret_matches

blueprint = Blueprint("account", __name__, url_prefix="/account", description="The signed-in person's own account")


def _signed_in_person() -> User:
    principal = current_principal()
    user = User.objects(id=principal.sub).first() if ObjectId.is_valid(principal.sub) else None
    if user is None:
        raise Forbidden("Only a person's access token (not a machine client's) has an account here")
    return user


@blueprint.route("/password")
class Password(MethodView):
    @require()
    @blueprint.arguments(schemas.PasswordChangeIn)
    @blueprint.response(204)
    def post(self, data):
        """Change the signed-in person's password.

        Needs the current password. Ends the person's other sign-ins (their refresh tokens and the access
        tokens issued with them, at once) and their sessions at the gateway's sign-in page; the sign-in this
        access token belongs to stays. A wrong current password counts as a failed sign-in against the
        account, so a stolen access token does not allow guessing it."""
        principal = current_principal()
        user = _signed_in_person()
        with context.bound(tenant=user.tenant):
            errors: dict[str, list[str]] = {}
            account = throttle.account_key(user.email)
            if throttle.blocked(account) or not secret_matches(user.password_hash, data["current_password"]):
                throttle.count_failure(account, user.email)
                audit.record("password.change_refused", outcome="failure", actor=principal.sub,
                             actor_tenant=user.tenant, target=principal.sub, target_tenant=user.tenant,
                             reason="wrong_current_password")
                errors["current_password"] = [passwords.WRONG_CURRENT]
            weaknesses = passwords.weaknesses(user, data["new_password"])
            if weaknesses:
                errors["new_password"] = weaknesses
            if errors:
                raise ValidationFailed(errors, location="json")
        passwords.change(principal.sub, data["new_password"], reason="changed by the person",
                         keep_family=principal.session_id)
