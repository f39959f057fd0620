"""Tenant administration: platform admins manage tenants, tenant admins their own tenant's users and clients.

Reach: a platform admin (`platform_admin` of the platform tenant) acts on any tenant; a `tenant_admin`
only on their own, and another tenant's records answer 404 as if they did not exist. Only platform
admins grant `platform_admin`, and only within the platform tenant. Every change is audited in the
same transaction as the change itself, and changes other services must know of go out as events.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import json
import secrets
from collections.abc import Callable, Iterator
from typing import TypeVar

import mongoengine as me
from bson import ObjectId
from flask import current_app, request
from flask.views import MethodView
from flask_smorest import Blueprint

from chassis import context, db
from chassis.auth import Principal, current_principal, require
from chassis.clock import now
from chassis.csv_export import CSV_MEDIA_TYPE, csv_response
from chassis.messaging import emit
from chassis.problems import Conflict, Forbidden, InvalidTransition, NotFound, ValidationFailed
from chassis.vocabulary import PLATFORM_TENANT
from gateway import events
from gateway.admin import schemas
from gateway.identity import audit, denials, passwords, sessions, token_families
from gateway.identity.models import AuditEntry, OAuthClient, PasswordPolicy, RefreshToken, Tenant, User, hash_secret

blueprint = Blueprint("admin", __name__, url_prefix="/admin", description="Tenant administration")
ADMINS = ("platform_admin", "tenant_admin")
T = TypeVar("T")
AUDIT_READERS = ("platform_admin", "tenant_admin", "auditor")


def is_platform_admin(principal: Principal) -> bool:
    return principal.tenant == PLATFORM_TENANT and "platform_admin" in principal.roles


def _require_platform_admin() -> Principal:
    principal = current_principal()
    if not is_platform_admin(principal):
        raise Forbidden("Only platform administrators manage tenants")
    return principal


def _tenant_in_reach(code: str) -> Tenant:
    """The tenant, if the caller administers it; otherwise 404, so other tenants' existence stays private."""
    principal = current_principal()
    tenant = Tenant.objects(code=code).first()
    if tenant is None or not (is_platform_admin(principal) or principal.tenant == code):
        # Audited where the tenant's own administrators read (when it exists), so they see who tried.
        audit.record("admin.refused", outcome="denied", actor=principal.sub, actor_tenant=principal.tenant,
                     target=request.path, target_tenant=tenant.code if tenant else None, reason="not_found",
                     method=request.method)
        raise NotFound(f"No tenant {code}")
    return tenant


def _check_grantable(roles: list[str], tenant_code: str) -> None:
    if "platform_admin" in roles and not (is_platform_admin(current_principal()) and tenant_code == PLATFORM_TENANT):
        raise ValidationFailed({"roles": ["platform_admin is granted only by platform admins, in the platform tenant"]})


def _audit(action: str, target: str, target_tenant: str, **details) -> None:
    principal = current_principal()
    audit.record(action, actor=principal.sub, actor_tenant=principal.tenant, target=target,
                 target_tenant=target_tenant, **details)


def _token_lifetime() -> dt.timedelta:
    return dt.timedelta(seconds=current_app.extensions["rso.settings"].access_token_lifetime_seconds)


def _event(event_type: str, data: dict) -> None:
    emit(event_type, data, tenant=current_principal().tenant)


def _person_event(event_type: str, user: User) -> None:
    _event(event_type, events.person_data(user))


@blueprint.route("/tenants")
class Tenants(MethodView):
    @require(roles=ADMINS)
    @blueprint.response(200, schemas.TenantOut(many=True))
    def get(self):
        """Platform admins see every tenant; a tenant admin sees their own."""
        principal = current_principal()
        tenants = Tenant.objects if is_platform_admin(principal) else Tenant.objects(code=principal.tenant)
        return tenants.order_by("code")

    @require(roles=["platform_admin"])
    @blueprint.arguments(schemas.TenantIn)
    @blueprint.response(201, schemas.TenantOut)
    def post(self, data):
        _require_platform_admin()

        def create() -> Tenant:
            if Tenant.objects(code=data["code"]).first() is not None:
                raise Conflict(f"Tenant {data['code']} exists already")
            tenant = Tenant(**data).save(force_insert=True)
            _audit("tenant.created", tenant.code, tenant.code, name=tenant.name, kind=tenant.kind)
            _event(events.TENANT_CREATED, {"tenant": tenant.code, "name": tenant.name, "kind": tenant.kind})
            return tenant

        return db.transaction(create)


@blueprint.route("/tenants/<code>")
class TenantByCode(MethodView):
    @require(roles=ADMINS)
    @blueprint.response(200, schemas.TenantOut)
    def get(self, code):
        return _tenant_in_reach(code)

    @require(roles=["platform_admin"])
    @blueprint.arguments(schemas.TenantPatch)
    @blueprint.response(200, schemas.TenantOut)
    def patch(self, data, code):
        """Rename a tenant."""
        _require_platform_admin()
        _tenant_in_reach(code)

        def rename() -> Tenant:
            tenant = Tenant.objects.get(code=code)
            previous = tenant.name
            tenant.name = data["name"]
            tenant.save()
            _audit("tenant.renamed", code, code, previous_name=previous, name=tenant.name)
            return tenant

        return db.transaction(rename)


@blueprint.route("/tenants/<code>/suspend")
class TenantSuspension(MethodView):
    @require(roles=["platform_admin"])
    @blueprint.arguments(schemas.SuspensionIn)
    @blueprint.response(200, schemas.TenantOut)
    def post(self, data, code):
        """Stop a tenant at once: no new tokens, no refresh, and its live access tokens refused at the gateway."""
        _require_platform_admin()
        _tenant_in_reach(code)
        if code == PLATFORM_TENANT:
            raise Conflict("The platform tenant cannot be suspended")

        def suspend() -> Tenant:
            tenant = Tenant.objects.get(code=code)
            if not tenant.is_active:
                raise InvalidTransition(current_state="suspended", requested="suspended",
                                        allowed_next_states=["active"])
            tenant.status, tenant.suspension_reason, tenant.suspended_at = "suspended", data["reason"], now()
            tenant.save()
            denials.deny("tenant", code, f"Tenant {code} is suspended")
            RefreshToken.objects(tenant=code, revoked_at=None).update(set__revoked_at=now())
            sessions.end_for_tenant(code)
            _audit("tenant.suspended", code, code, reason=data["reason"])
            _event(events.TENANT_SUSPENDED, {"tenant": code, "reason": data["reason"]})
            return tenant

        return db.transaction(suspend)


@blueprint.route("/tenants/<code>/reactivate")
class TenantReactivation(MethodView):
    @require(roles=["platform_admin"])
    @blueprint.response(200, schemas.TenantOut)
    def post(self, code):
        """Let a suspended tenant sign in and obtain tokens again; tokens from before the suspension stay dead."""
        _require_platform_admin()
        _tenant_in_reach(code)

        def reactivate() -> Tenant:
            tenant = Tenant.objects.get(code=code)
            if tenant.is_active:
                raise InvalidTransition(current_state="active", requested="active", allowed_next_states=["suspended"])
            tenant.status, tenant.suspension_reason = "active", None
            tenant.save()
            # Tokens issued before the suspension stay refused until the last of them has expired.
            denials.deny("tenant", code, f"The token was issued before tenant {code} was suspended",
                         issued_before=tenant.suspended_at or now(), until=now() + _token_lifetime())
            _audit("tenant.reactivated", code, code)
            _event(events.TENANT_REACTIVATED, {"tenant": code})
            return tenant

        return db.transaction(reactivate)


@contextlib.contextmanager
def _administering(code: str) -> Iterator[None]:
    """Check the caller administers tenant `code`, then scope every query in the block to it."""
    _tenant_in_reach(code)
    with context.bound(tenant=code):
        yield


def _insert(work: Callable[[], T], taken: str) -> T:
    """Run a creating transaction; a unique key already in use (an e-mail, a client id) is a 409."""
    try:
        return db.transaction(work)
    except me.NotUniqueError as error:
        raise Conflict(taken) from error


def _user(user_id: str) -> User:
    user = User.objects(id=user_id).first() if ObjectId.is_valid(user_id) else None
    if user is None:
        raise NotFound(f"No user {user_id}")
    return user


@blueprint.route("/tenants/<code>/users")
class Users(MethodView):
    @require(roles=ADMINS)
    @blueprint.response(200, schemas.UserOut(many=True))
    def get(self, code):
        with _administering(code):
            return list(User.objects.order_by("email"))

    @require(roles=ADMINS)
    @blueprint.arguments(schemas.UserIn)
    @blueprint.response(201, schemas.UserOut)
    def post(self, data, code):
        """Create a person; without a password, a one-time password is generated and returned once."""
        with _administering(code):
            _check_grantable(data["roles"], code)
            if data.get("password"):
                weaknesses = passwords.weaknesses(User(tenant=code, email=data["email"].lower()), data["password"])
                if weaknesses:
                    raise ValidationFailed({"password": passwords.english(weaknesses)}, location="json")
            initial_password = None if data.get("password") else secrets.token_urlsafe(12)
            password = data.pop("password", None) or initial_password

            def create() -> User:
                user = User(**{**data, "email": data["email"].lower()}, password_hash=hash_secret(password),
                            password_change_required=initial_password is not None).save(force_insert=True)
                _audit("user.created", str(user.id), code, email=user.email, roles=list(user.roles))
                _person_event(events.USER_CREATED, user)
                return user

            user = _insert(create, "A person with this e-mail is registered already")
        if initial_password:
            user.initial_password = initial_password
        return user


@blueprint.route("/tenants/<code>/users/<user_id>")
class UserById(MethodView):
    @require(roles=ADMINS)
    @blueprint.response(200, schemas.UserOut)
    def get(self, code, user_id):
        with _administering(code):
            return _user(user_id)

    @require(roles=ADMINS)
    @blueprint.arguments(schemas.UserPatch)
    @blueprint.response(200, schemas.UserOut)
    def patch(self, data, code, user_id):
        """Rename a person, change their roles or language; new roles take effect with their next token."""
        with _administering(code):
            _user(user_id)
            if "roles" in data:
                _check_grantable(data["roles"], code)

            def update() -> User:
                user = _user(user_id)
                before = {"display_name": user.display_name, "roles": list(user.roles),
                          "preferred_language": user.preferred_language}
                for field, value in data.items():
                    setattr(user, field, value)
                user.save()
                _audit("user.updated", user_id, code, before=before, after=data)
                _person_event(events.USER_UPDATED, user)
                return user

            return db.transaction(update)


@blueprint.route("/tenants/<code>/users/<user_id>/deactivate")
class UserDeactivation(MethodView):
    @require(roles=ADMINS)
    @blueprint.response(200, schemas.UserOut)
    def post(self, code, user_id):
        """Stop a person at once: no sign-in, no refresh, and their live access tokens refused at the gateway."""
        with _administering(code):
            _user(user_id)
            if user_id == current_principal().sub:
                raise Conflict("Administrators cannot deactivate themselves")

            def deactivate() -> User:
                user = _user(user_id)
                if not user.is_active:
                    raise InvalidTransition(current_state="deactivated", requested="deactivated",
                                            allowed_next_states=["active"])
                user.status, user.deactivated_at = "deactivated", now()
                user.save()
                denials.deny("subject", user_id, "The account is deactivated", until=now() + _token_lifetime())
                RefreshToken.objects(user_id=user_id, revoked_at=None).update(set__revoked_at=now())
                sessions.end_for_person(user_id)
                _audit("user.deactivated", user_id, code)
                _event(events.USER_DEACTIVATED, {"tenant": code, "user_id": user_id})
                return user

            return db.transaction(deactivate)


@blueprint.route("/tenants/<code>/users/<user_id>/reactivate")
class UserReactivation(MethodView):
    @require(roles=ADMINS)
    @blueprint.response(200, schemas.UserOut)
    def post(self, code, user_id):
        """Let a deactivated person sign in again. Tokens issued before the reactivation stay refused until they
        expire; the person signs in anew. Other services hear it as `identity.user.updated` (status active)."""
        with _administering(code):
            _user(user_id)

            def reactivate() -> User:
                user = _user(user_id)
                if user.is_active:
                    raise InvalidTransition(current_state="active", requested="active",
                                            allowed_next_states=["deactivated"])
                user.status, user.reactivated_at = "active", now()
                user.save()
                denials.deny("subject", user_id, "The token was issued before the account was deactivated",
                             issued_before=user.reactivated_at, until=now() + _token_lifetime())
                _audit("user.reactivated", user_id, code, deactivated_at=user.deactivated_at.isoformat()
                       if user.deactivated_at else None)
                _person_event(events.USER_UPDATED, user)
                return user

            return db.transaction(reactivate)


@blueprint.route("/tenants/<code>/users/<user_id>/end-sign-ins")
class UserSignInsEnding(MethodView):
    @require(roles=ADMINS)
    @blueprint.response(204)
    def post(self, code, user_id):
        """End every sign-in of a person (a lost laptop, a suspected compromise): their refresh tokens and the
        access tokens issued with them stop at once, and their gateway sessions end. They may sign in again."""
        with _administering(code):
            _user(user_id)
            ended = token_families.end_every_sign_in(user_id, reason="ended by an administrator")
            sessions.end_for_person(user_id)
            _audit("user.sign_ins_ended", user_id, code, sign_ins=ended)


def _client(client_id: str) -> OAuthClient:
    client = OAuthClient.objects(client_id=client_id, status="active").first()
    if client is None:
        raise NotFound(f"No client {client_id}")
    return client


@blueprint.route("/tenants/<code>/clients")
class Clients(MethodView):
    @require(roles=ADMINS)
    @blueprint.response(200, schemas.ClientOut(many=True))
    def get(self, code):
        with _administering(code):
            return list(OAuthClient.objects(status="active").order_by("client_id"))

    @require(roles=ADMINS)
    @blueprint.arguments(schemas.ClientIn)
    @blueprint.response(201, schemas.ClientOut)
    def post(self, data, code):
        """Register a client; a confidential one gets a secret, returned this once."""
        with _administering(code):
            _check_grantable(data["roles"], code)
            secret = secrets.token_urlsafe(32) if data["confidential"] else None

            def create() -> OAuthClient:
                client = OAuthClient(**data, client_secret_hash=hash_secret(secret) if secret else None).save(
                    force_insert=True)
                _audit("client.created", client.client_id, code, grant_types=client.grant_types, roles=client.roles)
                return client

            client = _insert(create, f"Client id {data['client_id']} is taken")
        if secret:
            client.client_secret = secret
        return client


@blueprint.route("/tenants/<code>/clients/<client_id>")
class ClientById(MethodView):
    @require(roles=ADMINS)
    @blueprint.response(200, schemas.ClientOut)
    def get(self, code, client_id):
        with _administering(code):
            return _client(client_id)

    @require(roles=ADMINS)
    @blueprint.arguments(schemas.ClientPatch)
    @blueprint.response(200, schemas.ClientOut)
    def patch(self, data, code, client_id):
        """Rename a client, change its redirect URIs, roles or allowed browser origins. New roles take effect with
        its next token; codes already issued for a redirect URI no longer listed are refused at the exchange."""
        with _administering(code):
            current = _client(client_id)
            if "roles" in data:
                _check_grantable(data["roles"], code)
            redirect_uris = data.get("redirect_uris", current.redirect_uris)
            if "authorization_code" in current.grant_types and not redirect_uris:
                raise ValidationFailed({"redirect_uris": ["authorization_code needs at least one redirect URI"]},
                                       location="json")

            def update() -> OAuthClient:
                client = _client(client_id)
                before = {field: (list(value) if isinstance(value, list) else value)
                          for field, value in ((field, getattr(client, field)) for field in data)}
                for field, value in data.items():
                    setattr(client, field, value)
                client.save()
                _audit("client.updated", client_id, code, before=before, after=data)
                return client

            return db.transaction(update)

    @require(roles=ADMINS)
    @blueprint.response(204)
    def delete(self, code, client_id):
        """Delete a client: it gets no more tokens and the tokens it holds are refused at once."""
        with _administering(code):
            _client(client_id)

            def delete() -> None:
                client = _client(client_id)
                client.status = "deleted"
                client.save()
                denials.deny("subject", client_id, "The client was deleted", until=now() + _token_lifetime())
                RefreshToken.objects(client_id=client_id, revoked_at=None).update(set__revoked_at=now())
                _audit("client.deleted", client_id, code)

            db.transaction(delete)


@blueprint.route("/tenants/<code>/clients/<client_id>/rotate-secret")
class ClientSecretRotation(MethodView):
    @require(roles=ADMINS)
    @blueprint.response(200, schemas.ClientOut)
    def post(self, code, client_id):
        """A new secret, returned this once; the old one stops working at once."""
        with _administering(code):
            if not _client(client_id).confidential:
                raise Conflict("A public client has no secret")
            secret = secrets.token_urlsafe(32)

            def rotate() -> OAuthClient:
                client = _client(client_id)
                client.client_secret_hash = hash_secret(secret)
                client.save()
                _audit("client.secret_rotated", client_id, code)
                return client

            client = db.transaction(rotate)
        client.client_secret = secret
        return client


@blueprint.route("/tenants/<code>/password-policy")
class TenantPasswordPolicy(MethodView):
    @require(roles=ADMINS)
    @blueprint.response(200, schemas.PasswordPolicyOut)
    def get(self, code):
        """The tenant's password policy; the platform's own when the tenant set none (`updated_at` empty)."""
        _tenant_in_reach(code)
        stored = PasswordPolicy.objects(tenant=code).first()
        return stored or {"tenant": code, **dataclasses.asdict(passwords.PLATFORM_POLICY), "updated_at": None}

    @require(roles=ADMINS)
    @blueprint.arguments(schemas.PasswordPolicyIn)
    @blueprint.response(200, schemas.PasswordPolicyOut)
    def put(self, data, code):
        """Set the tenant's password policy. It applies to every password chosen from now on (a change, a reset,
        a password an administrator sets); with `max_age_days`, older passwords are replaced at the next sign-in."""
        _tenant_in_reach(code)

        def store() -> PasswordPolicy:
            policy = PasswordPolicy(tenant=code, **data, updated_at=now(), updated_by=current_principal().sub).save()
            _audit("password_policy.set", code, code, **data)
            return policy

        return db.transaction(store)


@blueprint.route("/audit")
class AuditLog(MethodView):
    @require(roles=AUDIT_READERS)
    @blueprint.arguments(schemas.AuditQuery, location="query")
    @blueprint.response(200, schemas.AuditEntryOut(many=True))
    @blueprint.paginate()
    def get(self, query, pagination_parameters):
        """Read-only, newest first: platform admins see every entry, others their own tenant's."""
        principal = current_principal()
        tenant = query.get("tenant") if is_platform_admin(principal) else principal.tenant
        entries = AuditEntry.objects
        if tenant:
            entries = entries.filter(me.Q(actor_tenant=tenant) | me.Q(target_tenant=tenant))
        if query.get("action"):
            entries = entries.filter(action=query["action"])
        if query.get("outcome"):
            entries = entries.filter(outcome=query["outcome"])
        pagination_parameters.item_count = entries.count()
        start = (pagination_parameters.page - 1) * pagination_parameters.page_size
        return list(entries.order_by("-at")[start:start + pagination_parameters.page_size])


@blueprint.route("/audit/export")
class AuditLogExport(MethodView):
    @require(roles=AUDIT_READERS)
    @blueprint.arguments(schemas.AuditExportQuery, location="query")
    @blueprint.response(200, schemas.AuditExportRowOut(many=True))
    @blueprint.doc(responses={200: {"content": {CSV_MEDIA_TYPE: {"schema": {"type": "string"}}}}})  # format=csv
    def get(self, query):
        """One tenant's whole audit hash chain, in order, with each entry's hashes, as JSON or (format=csv) CSV:
        checkable with SHA-256 alone (see `python -m gateway verify-audit-log`). Platform admins and the RSO's
        auditors choose the tenant; everyone else gets their own."""
        principal = current_principal()
        sees_every_chain = is_platform_admin(principal) or (
            principal.tenant == PLATFORM_TENANT and "auditor" in principal.roles)
        chain = (query.get("tenant") or principal.tenant) if sees_every_chain else principal.tenant
        rows = audit.AUDIT_LOG.export_rows(AuditEntry.objects(chain=chain).order_by("seq"))
        if query["format"] == "csv":
            for row in rows:
                row["details"] = json.dumps(row["details"], sort_keys=True, ensure_ascii=False)
            return csv_response(rows, audit.AUDIT_LOG.export_fields, f"audit-log-{chain}.csv")
        return rows
