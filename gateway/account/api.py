"""A signed-in person's own account: their password, and their sign-ins, which they see and end."""

from __future__ import annotations

import dataclasses

from bson import ObjectId
from flask.views import MethodView
from flask_smorest import Blueprint

from chassis import context
from chassis.access import system
from chassis.auth import current_principal, require
from chassis.problems import Forbidden, NotFound, ValidationFailed
from gateway.account import schemas
from gateway.identity import audit, passwords, sessions, throttle, token_families
from gateway.identity.models import OAuthClient, User, secret_matches

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
                errors["new_password"] = passwords.english(weaknesses)
            if errors:
                raise ValidationFailed(errors, location="json")
        passwords.change(principal.sub, data["new_password"], reason="changed by the person",
                         keep_family=principal.session_id)


def _sign_in_rows(user: User, current: str | None) -> list[dict]:
    sign_ins = token_families.live_sign_ins(user.get_user_id())
    clients = system("a person's sign-ins name the clients they used").records(OAuthClient)
    names = {client.client_id: client.name
             for client in clients.filter(client_id__in=[sign_in.client_id for sign_in in sign_ins])}
    return [{**dataclasses.asdict(sign_in), "client_name": names.get(sign_in.client_id, sign_in.client_id),
             "current": sign_in.id == current} for sign_in in sign_ins]


@blueprint.route("/sign-ins")
class SignIns(MethodView):
    @require()
    @blueprint.response(200, schemas.SignInOut(many=True))
    def get(self):
        """The signed-in person's live sign-ins (one per app and browser they signed in with), newest first."""
        return _sign_in_rows(_signed_in_person(), current_principal().session_id)

    @require()
    @blueprint.response(204)
    def delete(self):
        """Sign out everywhere: end every sign-in of the person, this one included, and their gateway sessions.
        Their access tokens are refused at the gateway at once."""
        user = _signed_in_person()
        with context.bound(tenant=user.tenant):
            ended = token_families.end_every_sign_in(user.get_user_id(), reason="ended by the person")
            sessions.end_for_person(user.get_user_id())
            audit.record("sign_ins.ended", actor=user.get_user_id(), actor_tenant=user.tenant,
                         target=user.get_user_id(), target_tenant=user.tenant, sign_ins=ended)


@blueprint.route("/sign-ins/<sign_in_id>")
class SignInById(MethodView):
    @require()
    @blueprint.response(204)
    def delete(self, sign_in_id):
        """End one of the person's sign-ins (its refresh tokens and access tokens); another's is a 404."""
        user = _signed_in_person()
        if sign_in_id not in {sign_in.id for sign_in in token_families.live_sign_ins(user.get_user_id())}:
            raise NotFound(f"No sign-in {sign_in_id}")
        with context.bound(tenant=user.tenant):
            token_families.revoke_family(sign_in_id, reason="ended by the person")
            audit.record("sign_in.ended", actor=user.get_user_id(), actor_tenant=user.tenant, target=sign_in_id,
                         target_tenant=user.tenant)
