"""Bearer-token authentication: every service validates the gateway's RS256 JWTs itself.

Keys come from the gateway's JWKS, cached and refetched when a token names an unknown `kid`, so a
key rotation at the gateway needs no restart here. Tenant and roles come only from the token.
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import logging
import threading
import time
from collections.abc import Callable, Iterable

import requests
from flask import current_app, g, request
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from chassis import context, metrics
from chassis.openapi import PROTECTED
from chassis.problems import Forbidden, ServiceUnavailable, Unauthorized

ALGORITHM = "RS256"
ACCESS_TOKEN_TYPES = ("at+jwt", "application/at+jwt")  # RFC 9068 section 4: anything else is not an access token
log = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class Principal:
    """Who is calling: taken from a validated access token, never from headers or bodies."""

    sub: str
    tenant: str
    roles: frozenset[str]
    scopes: frozenset[str]
    token_id: str | None = None
    client_id: str | None = None
    expires_at: int | None = None
    email: str | None = None  # present on tokens issued to people (authorization_code), absent for machines
    name: str | None = None
    session_id: str | None = None  # `sid`: the sign-in a person's token belongs to (its refresh-token family)
    issued_at: int | None = None


class JWKSKeySource:
    """The gateway's public keys, fetched lazily and refreshed on an unknown `kid` or when stale.

    A refetch on an unknown `kid` happens at most once per `min_refresh_seconds`, so a flood of tokens
    with made-up key ids cannot turn every request into a call to the gateway. Keys older than
    `max_age_seconds` are refetched, so a key the gateway retired stops being trusted.
    A fetch that fails is tried again by the next request that needs it (at most every
    `retry_after_failure_seconds`); meanwhile a token whose key is not known yet answers 503, not 401:
    the service cannot tell whether the token is good, and the caller may try again.
    """

    def __init__(self, jwks_url: str, *, min_refresh_seconds: float = 5.0, max_age_seconds: float = 300.0,
                 timeout: float = 3.0, retry_after_failure_seconds: float = 0.5):
        self.jwks_url = jwks_url
        self.min_refresh_seconds = min_refresh_seconds
        self.max_age_seconds = max_age_seconds
        self.timeout = timeout
        self.retry_after_failure_seconds = retry_after_failure_seconds
        self._failed_at: float | None = None
        self._keys: KeySet | None = None
        self._fetched_at = float("-inf")
        self._lock = threading.Lock()

    def key_for(self, kid: str | None):
        if not kid:
            raise Unauthorized("Token header has no key id")
        if self._age() > self.max_age_seconds:
            self._refresh(lambda: self._age() > self.max_age_seconds)
        key = self._lookup(kid)
        if key is None:
            self._refresh(lambda: self._lookup(kid) is None and self._age() >= self.min_refresh_seconds)
            key = self._lookup(kid)
        if key is None and self._failed_at is not None:
            raise ServiceUnavailable("The gateway's signing keys cannot be fetched now",
                                     headers={"Retry-After": "1"})
        if key is None:
            raise Unauthorized("Token signed by an unknown key")
        return key

    def _age(self) -> float:
        return time.monotonic() - self._fetched_at

    def _lookup(self, kid: str):
        keys = self._keys
        if keys is None:
            return None
        return next((key for key in keys.keys if key.kid == kid), None)

    def _refresh(self, still_needed) -> None:
        """Fetch unless, once this thread holds the lock, `still_needed()` says another thread just did:
        requests arriving while a fetch is under way wait for it instead of failing."""
        with self._lock:
            if not still_needed() or self._failed_recently():
                return
            try:
                self._keys = KeySet.import_key_set(self.fetch_jwks())
            except (requests.RequestException, ValueError, JoseError) as error:
                self._failed_at = time.monotonic()
                log.warning("could not fetch JWKS from %s (known keys kept): %s", self.jwks_url, error)
            else:
                self._fetched_at, self._failed_at = time.monotonic(), None

    def _failed_recently(self) -> bool:
        return self._failed_at is not None and time.monotonic() - self._failed_at < self.retry_after_failure_seconds

    def fetch_jwks(self) -> dict:
        """The current JWK set; the gateway, which holds the keys, reads them without HTTP."""
        response = requests.get(self.jwks_url, timeout=self.timeout)
        response.raise_for_status()
        return response.json()


class TokenValidator:
    """Checks a token's signature, issuer, audience, expiry and type; then, with `refusal`, asks whether a validly
    signed token must still be refused (a deny list, a suspended tenant): the problem to answer with, or None."""

    def __init__(self, keys: JWKSKeySource, *, issuer: str, audience: str, leeway: int = 30,
                 refusal: Callable[[Principal], Unauthorized | None] | None = None):
        self.keys = keys
        self.refusal = refusal
        self.claims = jwt.JWTClaimsRegistry(
            leeway=leeway,
            iss={"essential": True, "value": issuer},
            aud={"essential": True, "value": audience},
            exp={"essential": True},
            sub={"essential": True},
            tenant={"essential": True},
        )

    def validate(self, raw_token: str) -> Principal:
        principal = self.principal_from(self.decode(raw_token))
        refused = self.refusal(principal) if self.refusal else None
        if refused:
            raise refused
        return principal

    def decode(self, raw_token: str) -> dict:
        """The claims of a token signed by a trusted key, for this audience and issuer, not expired."""
        try:
            token = jwt.decode(raw_token, self._resolve_key, algorithms=[ALGORITHM])
            self.claims.validate(token.claims)
        except Unauthorized:
            raise
        except (JoseError, ValueError, TypeError) as error:
            raise Unauthorized(_describe(error)) from error
        if token.header.get("alg") != ALGORITHM:
            raise Unauthorized("Unsupported token algorithm")
        if str(token.header.get("typ", "")).lower() not in ACCESS_TOKEN_TYPES:
            raise Unauthorized("Not an access token (the header's typ must be at+jwt)")
        return token.claims

    @staticmethod
    def principal_from(claims: dict) -> Principal:
        return Principal(
            sub=str(claims["sub"]),
            tenant=str(claims["tenant"]),
            roles=frozenset(claims.get("roles") or ()),
            scopes=frozenset(str(claims.get("scope") or "").split()),
            token_id=claims.get("jti"),
            client_id=claims.get("client_id"),
            expires_at=claims.get("exp"),
            email=claims.get("email"),
            name=claims.get("name"),
            session_id=claims.get("sid"),
            issued_at=claims.get("iat"),
        )

    def _resolve_key(self, guest):
        header = guest.headers()
        if header.get("alg") != ALGORITHM:
            raise Unauthorized("Unsupported token algorithm")
        return self.keys.key_for(header.get("kid"))


def _describe(error: Exception) -> str:
    name = type(error).__name__
    return {
        "ExpiredTokenError": "Token has expired",
        "BadSignatureError": "Token signature is invalid",
        "InvalidClaimError": f"Token claim is invalid: {getattr(error, 'claim', '')}".rstrip(": "),
        "MissingClaimError": f"Token claim is missing: {getattr(error, 'claim', '')}".rstrip(": "),
    }.get(name, "Token is malformed or not acceptable")


def bearer_token() -> str:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        raise Unauthorized("Bearer token required", error="invalid_request")
    return value.strip()


def authenticate() -> Principal:
    """Validate this request's bearer token (once per request) and bind its tenant to the context."""
    principal = g.get("principal")
    if principal is None:
        validator: TokenValidator = current_app.extensions["rso.token_validator"]
        try:
            principal = validator.validate(bearer_token())
        except Unauthorized:
            reason = "invalid_token" if request.headers.get("Authorization") else "missing_token"
            metrics.instruments().token_refusals.labels(current_app.name, reason).inc()
            raise
        g.principal = principal
        context.tenant.set(principal.tenant)
    return principal


def current_principal() -> Principal:
    return authenticate()


def require(*, roles: Iterable[str] = (), scopes: Iterable[str] = ()) -> Callable:
    """Decorate a view: a valid token is needed; with `roles`, one of them; with `scopes`, all of them.

    The operation's OpenAPI entry says so (its `security`, from which `chassis.openapi` adds 401 and 403).
    """
    needed_roles = frozenset(roles)
    needed_scopes = frozenset(scopes)

    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        def guarded(*args, **kwargs):
            principal = authenticate()
            missing_scopes = needed_scopes - principal.scopes
            if missing_scopes:
                raise Forbidden("Token lacks required scope", required_scopes=sorted(missing_scopes))
            if needed_roles and not principal.roles.intersection(needed_roles):
                raise Forbidden("Caller lacks a required role", required_roles=sorted(needed_roles))
            return view(*args, **kwargs)

        # flask-smorest reads an operation's documentation from `_apidoc`, whatever the decorators' order.
        guarded._apidoc = copy.deepcopy(getattr(view, "_apidoc", {}))  # type: ignore[attr-defined]
        manual_doc = guarded._apidoc.setdefault("manual_doc", {})  # type: ignore[attr-defined]
        manual_doc["security"] = PROTECTED
        return guarded

    return decorator
