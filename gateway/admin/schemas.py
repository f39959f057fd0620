"""Request and response bodies of the tenant administration API."""

from __future__ import annotations

import re

import marshmallow as ma

from chassis.i18n import SUPPORTED_LOCALES
from chassis.vocabulary import TENANT_CODE_PATTERN, TenantCode
from gateway.identity.audit import UNATTRIBUTED_CHAIN
from gateway.identity.models import ROLES, TENANT_KINDS
from gateway.identity.passwords import CHARACTER_CLASSES, MAX_LENGTH, MIN_LENGTH

GRANT_TYPES = ("client_credentials", "authorization_code", "refresh_token")


class TenantIn(ma.Schema):
    code = TenantCode(required=True)
    name = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=200))
    kind = ma.fields.String(required=True, validate=ma.validate.OneOf([k for k in TENANT_KINDS if k != "platform"]))


class TenantPatch(ma.Schema):
    name = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=200))


class SuspensionIn(ma.Schema):
    reason = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=500))


class TenantOut(ma.Schema):
    code = ma.fields.String()
    name = ma.fields.String()
    kind = ma.fields.String()
    status = ma.fields.String()
    suspension_reason = ma.fields.String(allow_none=True)
    created_at = ma.fields.DateTime()


class UserIn(ma.Schema):
    email = ma.fields.Email(required=True, validate=ma.validate.Length(max=254))
    display_name = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=200))
    roles = ma.fields.List(ma.fields.String(validate=ma.validate.OneOf(ROLES)), required=True,
                           validate=ma.validate.Length(min=1, max=len(ROLES)))
    password = ma.fields.String(load_only=True, validate=ma.validate.Length(min=MIN_LENGTH, max=MAX_LENGTH), metadata={
        "description": "Checked against the tenant's password policy. Omit it to have a one-time password generated "
                       "and returned once (an invitation)."})
    preferred_language = ma.fields.String(allow_none=True, validate=ma.validate.OneOf(SUPPORTED_LOCALES), metadata={
        "description": "The language e-mail reaches this person in (`en`, `id`, `th`); none: English."})


class UserPatch(ma.Schema):
    display_name = ma.fields.String(validate=ma.validate.Length(min=1, max=200))
    roles = ma.fields.List(ma.fields.String(validate=ma.validate.OneOf(ROLES)),
                           validate=ma.validate.Length(min=1, max=len(ROLES)))
    preferred_language = ma.fields.String(allow_none=True, validate=ma.validate.OneOf(SUPPORTED_LOCALES), metadata={
        "description": "The language e-mail reaches this person in (`en`, `id`, `th`); none: English."})


class UserOut(ma.Schema):
    id = ma.fields.String()
    tenant = ma.fields.String()
    email = ma.fields.String()
    display_name = ma.fields.String()
    roles = ma.fields.List(ma.fields.String())
    preferred_language = ma.fields.String(allow_none=True)
    status = ma.fields.String()
    password_change_required = ma.fields.Boolean(
        metadata={"description": "True until the person replaces a generated one-time password at sign-in."})
    second_factor_enrolled = ma.fields.Function(lambda user: bool(user.totp_secret), metadata={
        "description": "Whether the person has set up an authenticator app (TOTP)."})
    created_at = ma.fields.DateTime()
    initial_password = ma.fields.String(metadata={"description": "Only when generated; shown this once."})


class SecondFactorPolicy(ma.Schema):
    required_for_roles = ma.fields.List(ma.fields.String(validate=ma.validate.OneOf(ROLES)), required=True,
                                        validate=ma.validate.Length(max=len(ROLES)), metadata={
            "description": "The roles whose holders must sign in with a second factor; empty: nobody must."})

ORIGIN = ma.validate.Regexp(
    r"^https?://[a-z0-9.-]+(?::[0-9]{1,5})?$",
    error="An origin: http(s)://, a lower-case host and an optional port; no path, no trailing /, no wildcard")


def _uris(description: str | None = None) -> ma.fields.List:
    return ma.fields.List(ma.fields.URL(schemes={"https", "http"}, require_tld=False),
                          validate=ma.validate.Length(max=10), metadata={"description": description} if description
                          else {})


def _origins() -> ma.fields.List:
    return ma.fields.List(ma.fields.String(validate=[ma.validate.Length(max=300), ORIGIN]),
                          validate=ma.validate.Length(max=20), metadata={
        "description": "Browser origins whose pages may call the token, revocation and API paths with this "
                       "client's tokens (CORS); none: no cross-origin call at all."})


class ClientIn(ma.Schema):
    client_id = ma.fields.String(required=True, validate=ma.validate.Regexp(
        r"^[a-z0-9][a-z0-9-]{2,63}$", error="3-64 lower-case letters, digits or -"))
    name = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=200))
    confidential = ma.fields.Boolean(load_default=True)
    grant_types = ma.fields.List(ma.fields.String(validate=ma.validate.OneOf(GRANT_TYPES)), required=True,
                                 validate=ma.validate.Length(min=1, max=len(GRANT_TYPES)))
    redirect_uris = _uris()
    post_logout_redirect_uris = _uris("Where /oauth/logout may send the browser back to (RP-initiated logout).")
    allowed_origins = _origins()
    scopes = ma.fields.List(ma.fields.String(validate=ma.validate.Length(min=1, max=100)),
                            load_default=lambda: ["api"], validate=ma.validate.Length(max=20))
    roles = ma.fields.List(ma.fields.String(validate=ma.validate.OneOf(ROLES)), load_default=list,
                           metadata={"description": "What a client_credentials token of this client carries."})

    @ma.pre_load
    def default_lists(self, data, **kwargs):
        if isinstance(data, dict):
            data = {"redirect_uris": [], "post_logout_redirect_uris": [], "allowed_origins": [], **data}
        return data

    @ma.validates_schema
    def check_grants_fit_the_client(self, data, **kwargs):
        if "client_credentials" in data["grant_types"] and not data["confidential"]:
            raise ma.ValidationError("A public client cannot use client_credentials", "grant_types")
        if "authorization_code" in data["grant_types"] and not data["redirect_uris"]:
            raise ma.ValidationError("authorization_code needs at least one redirect URI", "redirect_uris")


class ClientPatch(ma.Schema):
    """What an administrator may change of a client without deleting it; its id, grants and kind stay."""

    name = ma.fields.String(validate=ma.validate.Length(min=1, max=200))
    redirect_uris = _uris()
    post_logout_redirect_uris = _uris("Where /oauth/logout may send the browser back to (RP-initiated logout).")
    roles = ma.fields.List(ma.fields.String(validate=ma.validate.OneOf(ROLES)),
                           metadata={"description": "What a client_credentials token of this client carries."})
    allowed_origins = _origins()

    @ma.validates_schema
    def check_something_changes(self, data, **kwargs):
        if not data:
            raise ma.ValidationError("Name at least one field to change", "_schema")


class ClientOut(ma.Schema):
    client_id = ma.fields.String()
    tenant = ma.fields.String()
    name = ma.fields.String()
    confidential = ma.fields.Boolean()
    grant_types = ma.fields.List(ma.fields.String())
    redirect_uris = ma.fields.List(ma.fields.String())
    post_logout_redirect_uris = ma.fields.List(ma.fields.String())
    allowed_origins = ma.fields.List(ma.fields.String())
    scopes = ma.fields.List(ma.fields.String())
    roles = ma.fields.List(ma.fields.String())
    status = ma.fields.String()
    created_at = ma.fields.DateTime()
    client_secret = ma.fields.String(metadata={"description": "Only on creation and rotation; shown this once."})


class PasswordPolicyIn(ma.Schema):
    """A tenant's additions to the platform's policy (which always refuses the commonest passwords)."""

    min_length = ma.fields.Integer(load_default=MIN_LENGTH, validate=ma.validate.Range(min=MIN_LENGTH, max=64),
                                   metadata={"description": f"At least the platform's {MIN_LENGTH}."})
    required_classes = ma.fields.List(ma.fields.String(validate=ma.validate.OneOf(CHARACTER_CLASSES)),
                                      load_default=list, validate=ma.validate.Length(max=len(CHARACTER_CLASSES)),
                                      metadata={"description": "Character classes every password must contain."})
    max_age_days = ma.fields.Integer(load_default=None, allow_none=True, validate=ma.validate.Range(min=30, max=730),
                                     metadata={"description": "After so many days a person chooses a new password "
                                                              "at sign-in; none: passwords do not expire."})


class PasswordPolicyOut(ma.Schema):
    tenant = ma.fields.String()
    min_length = ma.fields.Integer()
    required_classes = ma.fields.List(ma.fields.String())
    max_age_days = ma.fields.Integer(allow_none=True)
    updated_at = ma.fields.DateTime(allow_none=True)


class AuditQuery(ma.Schema):
    tenant = ma.fields.String(metadata={"description": "Platform admins: entries about this tenant only."})
    action = ma.fields.String()
    outcome = ma.fields.String(validate=ma.validate.OneOf(("success", "failure", "denied")))


class AuditExportQuery(ma.Schema):
    # A tenant code or `-`, nothing else: the chain's name goes into the CSV's file name (an HTTP header)
    tenant = ma.fields.String(validate=ma.validate.Regexp(
        rf"^(?:{re.escape(UNATTRIBUTED_CHAIN)}|{TENANT_CODE_PATTERN.strip('^$')})$",
        error=f"Not a tenant code, such as THA, or {UNATTRIBUTED_CHAIN}"), metadata={
        "description": f"Platform admins and RSO auditors: whose chain (`{UNATTRIBUTED_CHAIN}` for entries about no "
                       "tenant); everyone else gets their own tenant's."})
    format = ma.fields.String(load_default="json", validate=ma.validate.OneOf(("json", "csv")))


class AuditEntryOut(ma.Schema):
    id = ma.fields.String()
    chain = ma.fields.String(metadata={"description": "The tenant whose hash chain holds the entry"})
    seq = ma.fields.Integer()
    prev_hash = ma.fields.String()
    hash = ma.fields.String()
    at = ma.fields.DateTime()
    action = ma.fields.String()
    outcome = ma.fields.String()
    actor = ma.fields.String()
    actor_tenant = ma.fields.String()
    target = ma.fields.String()
    target_tenant = ma.fields.String()
    source_address = ma.fields.String()
    details = ma.fields.Dict()


class AuditExportRowOut(ma.Schema):
    chain = ma.fields.String()
    seq = ma.fields.Integer()
    at = ma.fields.String(metadata={"description": "UTC, to the millisecond, as hashed"})
    action = ma.fields.String()
    outcome = ma.fields.String()
    actor = ma.fields.String()
    actor_tenant = ma.fields.String()
    target = ma.fields.String()
    target_tenant = ma.fields.String()
    source_address = ma.fields.String()
    details = ma.fields.Raw()
    prev_hash = ma.fields.String()
    hash = ma.fields.String()
