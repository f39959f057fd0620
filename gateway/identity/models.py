"""The identity model: who may obtain tokens, for which tenant, with which roles."""

from __future__ import annotations

import datetime as dt
import hashlib

import mongoengine as me
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from authlib.oauth2.rfc6749 import ClientMixin, TokenMixin
from authlib.oidc.core import AuthorizationCodeMixin

from chassis import db
from chassis.clock import now
from chassis.i18n import SUPPORTED_LOCALES
from chassis.tenancy import TenantOwnedDocument
from chassis.vocabulary import ROLES, TENANT_CODE_PATTERN, TENANT_KINDS

OPENID_SCOPES = ("openid", "profile", "email")
_hasher = PasswordHasher()


def hash_secret(secret: str) -> str:
    """argon2id: memory-hard, so a stolen database does not give passwords or client secrets away."""
    return _hasher.hash(secret)


def secret_matches(secret_hash: str | None, secret: str) -> bool:
    if not secret_hash:
        return False
    try:
        return _hasher.verify(secret_hash, secret)
    except (VerificationError, InvalidHashError):
        return False


class Tenant(db.Document):
    """A member state, an international organisation, or the platform itself."""

    meta = {"collection": "tenants"}

    code = me.StringField(primary_key=True, regex=TENANT_CODE_PATTERN)
    name = me.StringField(required=True, max_length=200)
    kind = me.StringField(required=True, choices=TENANT_KINDS)
    status = me.StringField(required=True, choices=("active", "suspended"), default="active")
    suspension_reason = me.StringField(max_length=500)
    suspended_at = me.DateTimeField()  # the latest suspension: tokens issued before it never work again
    # Its people with any of these roles must sign in with a second factor (`gateway.identity.second_factor`).
    second_factor_roles = me.ListField(me.StringField(choices=ROLES))
    created_at = me.DateTimeField(required=True, default=now)

    @property
    def is_active(self) -> bool:
        return self.status == "active"


class User(TenantOwnedDocument):
    meta = {"collection": "users", "indexes": [{"fields": ["email"], "unique": True}]}

    email = me.EmailField(required=True, max_length=254)
    display_name = me.StringField(required=True, max_length=200)
    roles = me.ListField(me.StringField(choices=ROLES))
    # The language the platform writes to this person in (e-mail); None: the platform default, English.
    preferred_language = me.StringField(choices=SUPPORTED_LOCALES, null=True)
    status = me.StringField(required=True, choices=("active", "deactivated"), default="active")
    password_hash = me.StringField()
    # Set when an administrator's one-time password is the only one: the person chooses their own at sign-in.
    password_change_required = me.BooleanField(required=True, default=False)
    password_changed_at = me.DateTimeField()
    created_at = me.DateTimeField(required=True, default=now)
    deactivated_at = me.DateTimeField()
    # The second factor (`gateway.identity.second_factor`): the TOTP secret once confirmed, the latest 30-second
    # step whose code was used (no code of it or before it is accepted again), and the unused recovery codes.
    totp_secret = me.StringField(null=True)
    totp_last_step = me.IntField(required=True, default=-1)
    second_factor_enrolled_at = me.DateTimeField(null=True)
    recovery_code_digests = me.ListField(me.StringField())

    reactivated_at = me.DateTimeField()

    def get_user_id(self) -> str:
        return str(self.id)

    @property
    def is_active(self) -> bool:
        return self.status == "active"


class OAuthClient(TenantOwnedDocument, ClientMixin):
    """A registered OAuth 2.0 client; confidential clients authenticate with a hashed secret."""

    meta = {"collection": "oauth_clients", "indexes": [{"fields": ["client_id"], "unique": True}]}

    client_id = me.StringField(required=True, max_length=100)
    client_secret_hash = me.StringField()
    name = me.StringField(required=True, max_length=200)
    confidential = me.BooleanField(required=True, default=True)
    grant_types = me.ListField(me.StringField(
        choices=("client_credentials", "authorization_code", "refresh_token")))
    redirect_uris = me.ListField(me.URLField())
    post_logout_redirect_uris = me.ListField(me.URLField())  # where RP-initiated logout may send the browser
    scopes = me.ListField(me.StringField(max_length=100))
    roles = me.ListField(me.StringField(choices=ROLES))  # what a client_credentials token carries
    # Browser origins (`https://host[:port]`) whose pages may call the token, revocation and API paths (CORS)
    allowed_origins = me.ListField(me.StringField(max_length=300))
    status = me.StringField(required=True, choices=("active", "deleted"), default="active")
    created_at = me.DateTimeField(required=True, default=now)

    def get_client_id(self):
        return self.client_id

    def get_default_redirect_uri(self):
        return self.redirect_uris[0] if self.redirect_uris else None

    def get_allowed_scope(self, scope):
        """The client's own scopes; clients that sign people in may also ask for OpenID Connect's."""
        allowed = set(self.scopes) | (set(OPENID_SCOPES) if "authorization_code" in self.grant_types else set())
        if not scope:
            return " ".join(self.scopes)
        return " ".join(s for s in scope.split() if s in allowed)

    def check_redirect_uri(self, redirect_uri):
        return redirect_uri in self.redirect_uris

    def check_client_secret(self, client_secret):
        return self.confidential and secret_matches(self.client_secret_hash, client_secret)

    def check_endpoint_auth_method(self, method, endpoint):
        if self.confidential:
            return method in ("client_secret_basic", "client_secret_post")
        return method == "none"

    def check_response_type(self, response_type):
        return response_type == "code" and "authorization_code" in self.grant_types

    def check_grant_type(self, grant_type):
        return grant_type in self.grant_types


class SigningKey(db.Document):
    """An RS256 key pair. `active` signs new tokens; `published` only verifies; `retired` is gone from JWKS."""

    meta = {"collection": "signing_keys", "indexes": ["status"]}

    kid = me.StringField(primary_key=True)
    private_jwk = me.DictField(required=True)
    status = me.StringField(required=True, choices=("active", "published", "retired"))
    created_at = me.DateTimeField(required=True, default=now)
    superseded_at = me.DateTimeField()


class AuditEntry(db.Document):
    """Append-only and hash-chained, one chain per tenant (`gateway.identity.audit`): nothing in the gateway
    updates or deletes these, no endpoint can, and `python -m gateway verify-audit-log` detects whoever did."""

    meta = {"collection": "audit_log",
            "indexes": ["-at", "actor_tenant", "target_tenant", "action", {"fields": ["chain", "seq"], "unique": True}]}

    chain = me.StringField(required=True)
    seq = me.IntField(required=True, min_value=1)
    at = me.DateTimeField(required=True, default=now)
    action = me.StringField(required=True)
    outcome = me.StringField(required=True, choices=("success", "failure", "denied"))
    actor = me.StringField()
    actor_tenant = me.StringField()
    target = me.StringField()
    target_tenant = me.StringField()
    source_address = me.StringField()
    details = me.DictField()
    prev_hash = me.StringField(required=True)
    hash = me.StringField(required=True)


class AuditHead(db.Document):
    """The newest entry of one audit chain (see `chassis.hash_chain`)."""

    meta = {"collection": "audit_log_heads"}

    id = me.StringField(primary_key=True)  # the chain
    seq = me.IntField(required=True)
    hash = me.StringField(required=True)


def token_digest(token: str) -> str:
    """Codes and refresh tokens are stored as SHA-256 digests: they are random, so no salt or slow hash is needed."""
    return hashlib.sha256(token.encode()).hexdigest()


class AuthorizationCode(db.Document, AuthorizationCodeMixin):
    """A one-time code of the authorization_code grant; `used_at` is set by the one exchange that wins."""

    meta = {"collection": "authorization_codes", "indexes": [{"fields": ["expires_at"], "expireAfterSeconds": 0}]}

    code_digest = me.StringField(primary_key=True)
    family = me.StringField(required=True)  # the sign-in its tokens belong to: the `sid` of their access tokens
    client_id = me.StringField(required=True)
    user_id = me.StringField(required=True)
    tenant = me.StringField(required=True)
    redirect_uri = me.StringField(required=True)
    scope = me.StringField(default="")
    code_challenge = me.StringField()
    code_challenge_method = me.StringField()
    nonce = me.StringField(max_length=500)  # OpenID Connect: echoed in the ID token
    auth_time = me.DateTimeField()  # when the person entered their password (their sign-in session began)
    amr = me.ListField(me.StringField())  # how: ["pwd"], or ["pwd", "otp", "mfa"] with a second factor
    acr = me.StringField()  # the class of that (`gateway.identity.second_factor.acr_of`)
    expires_at = me.DateTimeField(required=True)
    used_at = me.DateTimeField()

    def get_redirect_uri(self):
        return self.redirect_uri

    def get_scope(self):
        return self.scope

    def get_nonce(self):
        return self.nonce

    def get_auth_time(self):
        return int(self.auth_time.replace(tzinfo=dt.UTC).timestamp()) if self.auth_time else None

    def get_acr(self):
        return self.acr

    def get_amr(self):
        return list(self.amr) or None


class RefreshToken(db.Document, TokenMixin):
    """A refresh token (as its digest). Each use rotates it; every token descended from one login is a `family`,
    so presenting an already-rotated token revokes the whole family (RFC 9700 section 4.14)."""

    meta = {"collection": "refresh_tokens", "indexes": ["family", "user_id", "tenant"]}

    token_digest = me.StringField(primary_key=True)
    family = me.StringField(required=True)
    client_id = me.StringField(required=True)
    user_id = me.StringField(required=True)
    tenant = me.StringField(required=True)
    scope = me.StringField(default="")
    issued_at = me.DateTimeField(required=True, default=now)
    expires_at = me.DateTimeField(required=True)
    rotated_at = me.DateTimeField()
    revoked_at = me.DateTimeField()
    amr = me.ListField(me.StringField())  # how its sign-in was made, said again by the access tokens it yields

    def check_client(self, client):
        return client.client_id == self.client_id

    def get_scope(self):
        return self.scope

    def get_expires_in(self):
        return max(0, int((self.expires_at.replace(tzinfo=dt.UTC) - now()).total_seconds()))

    def is_expired(self):
        return self.get_expires_in() <= 0

    def is_revoked(self):
        return self.revoked_at is not None or self.rotated_at is not None


class Denial(db.Document):
    """Tokens the edge must refuse although their signature is fine: all of a tenant's, a user's or client's
    (`subject`), or one token (`token`). Kept until `expires_at`, or for ever when it is empty."""

    meta = {"collection": "denials", "indexes": [{"fields": ["expires_at"], "expireAfterSeconds": 0}]}

    id = me.StringField(primary_key=True)  # "<kind>:<value>"
    kind = me.StringField(required=True, choices=("tenant", "subject", "token"))
    value = me.StringField(required=True)
    reason = me.StringField(required=True)
    created_at = me.DateTimeField(required=True, default=now)
    expires_at = me.DateTimeField()
    issued_before = me.DateTimeField()  # when set, only tokens issued (`iat`) before it are refused


class LoginThrottle(db.Document):
    """Recent failed attempts at one key (`account:<email>`, `address:<ip>`, `client-address:<ip>`): when, and
    which e-mail or client id they tried. See `gateway.identity.throttle`."""

    meta = {"collection": "login_throttles"}

    id = me.StringField(primary_key=True)
    failures = me.ListField(me.DictField())  # {"at": datetime, "subject": str}


class IssuedAccessToken(db.Document):
    """An access token issued to a person, by `jti`, kept until it expires, so that ending its sign-in (a reused
    code, a reused refresh token, a revocation, "sign out everywhere") can deny it at once."""

    meta = {"collection": "issued_access_tokens",
            "indexes": ["family", "user_id", {"fields": ["expires_at"], "expireAfterSeconds": 0}]}

    jti = me.StringField(primary_key=True)
    family = me.StringField(required=True)
    client_id = me.StringField(required=True)
    user_id = me.StringField(required=True)
    tenant = me.StringField(required=True)
    issued_at = me.DateTimeField(required=True, default=now)
    expires_at = me.DateTimeField(required=True)


class SignInSession(db.Document):
    """The gateway's own short sign-in session (a cookie holding a random id; stored as its digest), so that a
    second authorization within it does not ask for the password again. Removed by its TTL index."""

    meta = {"collection": "sign_in_sessions",
            "indexes": ["user_id", "tenant", {"fields": ["expires_at"], "expireAfterSeconds": 0}]}

    id = me.StringField(primary_key=True)  # SHA-256 of the cookie's value
    user_id = me.StringField(required=True)
    tenant = me.StringField(required=True)
    auth_time = me.DateTimeField(required=True, default=now)
    expires_at = me.DateTimeField(required=True)
    amr = me.ListField(me.StringField())
    # The password was right but is the administrator's one-time password: only a password change may follow.
    password_change_pending = me.BooleanField(required=True, default=False)
    # The password was right and a second factor must follow: "code" (enrolled) or "enrolment" (with the secret
    # offered, not yet confirmed). Until then the session issues nothing.
    awaiting = me.StringField(choices=("code", "enrolment"), null=True)
    offered_totp_secret = me.StringField(null=True)

    @property
    def is_complete(self) -> bool:
        return not self.password_change_pending and self.awaiting is None

    def is_current(self) -> bool:
        return self.expires_at.replace(tzinfo=dt.UTC) > now()


class PasswordPolicy(db.Document):
    """A tenant's rules for its people's passwords, set by its administrators; without one, the platform's
    (`gateway.identity.passwords.PLATFORM_POLICY`). A tenant can only ask for more than the platform does."""

    meta = {"collection": "password_policies"}

    tenant = me.StringField(primary_key=True)
    min_length = me.IntField(required=True)
    required_classes = me.ListField(me.StringField(choices=("lowercase", "uppercase", "digit", "symbol")))
    max_age_days = me.IntField(null=True)  # None: a password does not expire
    updated_at = me.DateTimeField(required=True, default=now)
    updated_by = me.StringField()


class PasswordResetToken(db.Document):
    """A password-reset link's token (as its SHA-256 digest): single-use, short-lived, removed by its TTL index."""

    meta = {"collection": "password_reset_tokens",
            "indexes": ["user_id", {"fields": ["expires_at"], "expireAfterSeconds": 0}]}

    id = me.StringField(primary_key=True)  # SHA-256 of the token in the link
    user_id = me.StringField()  # None: asked for an address nobody has; stored all the same, it opens nothing
    tenant = me.StringField()
    created_at = me.DateTimeField(required=True, default=now)
    expires_at = me.DateTimeField(required=True)
    used_at = me.DateTimeField()

    def is_usable(self) -> bool:
        return self.used_at is None and self.expires_at.replace(tzinfo=dt.UTC) > now()
