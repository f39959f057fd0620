"""Administering the second factor: a tenant's policy (which roles must use one) and resetting a person's.

Same reach as the rest of tenant administration (`gateway.admin.api`): a tenant admin acts on their own tenant
only, another tenant answers 404 (and the attempt is audited in that tenant's chain); platform admins on any.
Every change is audited in its own transaction.
"""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from chassis import db
from chassis.auth import require
from chassis.problems import InvalidTransition
from gateway.admin import schemas
from gateway.admin.api import ADMINS, _administering, _audit, _tenant_in_reach, _user
from gateway.identity import second_factor, sessions
from gateway.identity.models import Tenant

blueprint = Blueprint("second_factor", __name__, url_prefix="/admin",
                      description="The second factor at sign-in: a tenant's policy, and resetting a person's")


@blueprint.route("/tenants/<code>/second-factor-policy")
class SecondFactorPolicy(MethodView):
    @require(roles=ADMINS)
    @blueprint.response(200, schemas.SecondFactorPolicy)
    def get(self, code):
        """Which roles of the tenant must sign in with a second factor (TOTP)."""
        return {"required_for_roles": list(_tenant_in_reach(code).second_factor_roles)}

    @require(roles=ADMINS)
    @blueprint.arguments(schemas.SecondFactorPolicy)
    @blueprint.response(200, schemas.SecondFactorPolicy)
    def put(self, data, code):
        """Require a second factor of the people holding any of these roles (an empty list: of nobody). From their
        next sign-in they enrol (if they have none) or give a code; a sign-in made without one can no longer
        be refreshed. People who have enrolled are asked for a code whatever the policy."""
        _tenant_in_reach(code)
        roles = sorted(set(data["required_for_roles"]))

        def change() -> dict:
            tenant = Tenant.objects.get(code=code)
            before = list(tenant.second_factor_roles)
            tenant.second_factor_roles = roles
            tenant.save()
            _audit("tenant.second_factor_policy_changed", code, code, before=before, after=roles)
            return {"required_for_roles": roles}

        return db.transaction(change)


@blueprint.route("/tenants/<code>/users/<user_id>/reset-second-factor")
class SecondFactorReset(MethodView):
    @require(roles=ADMINS)
    @blueprint.response(200, schemas.UserOut)
    def post(self, code, user_id):
        """Forget a person's authenticator app and recovery codes (a lost phone): they enrol again at their next
        sign-in if their tenant requires it. Their gateway sign-in sessions end; 409 if they have no second
        factor."""
        with _administering(code):
            if not second_factor.is_enrolled(_user(user_id)):
                raise InvalidTransition(current_state="not_enrolled", requested="reset", allowed_next_states=[])

            def reset():
                user = _user(user_id)
                second_factor.reset(user)
                user.save()
                _audit("user.second_factor_reset", user_id, code)
                return user

            user = db.transaction(reset)
            sessions.end_for_person(user_id)
            return user
