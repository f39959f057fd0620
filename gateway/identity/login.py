"""People logging in with e-mail and password, with back-off against guessing.

Failures are counted per account and per source address in a sliding window (`gateway.identity.throttle`);
a blocked attempt is refused without checking the password. A success clears the account's failures and
forgives that account's failures at the address. Every refusal gives the same message, so nobody learns
whether an account exists, is deactivated, or is blocked; the audit log records the real reason.

A wrong second-factor code counts like a wrong password, at the same keys, and for a person with a second
factor the failures are cleared only when the code is right: a right password alone must not reset the count,
or whoever knows it could guess codes five at a time for ever.
"""

from __future__ import annotations

import functools
import secrets

from chassis import context
from chassis.access import system
from gateway.identity import audit, second_factor, throttle
from gateway.identity.models import LoginThrottle, Tenant, User, hash_secret, secret_matches

GENERIC_REFUSAL = "The e-mail or password is not right, or sign-in is paused for a while. Try again later."


class LoginRefused(Exception):
    """Carries only the generic message; why is in the audit log."""

    def __init__(self):
        super().__init__(GENERIC_REFUSAL)


@functools.cache
def stand_in_hash() -> str:
    """Checked against when no account (or client) matches, so an unknown name takes as long as a wrong secret."""
    return hash_secret(secrets.token_urlsafe(16))


def authenticate(email: str, password: str, address: str | None) -> User:
    """The active user of an active tenant with these credentials, or `LoginRefused`."""
    email = (email or "").strip().lower()
    keys = [throttle.account_key(email), throttle.address_key(address)]
    user = system("a login names an e-mail, not a tenant").records(User).filter(email=email).first()
    tenant = Tenant.objects(code=user.tenant).first() if user else None

    if any(throttle.blocked(key) for key in keys):
        reason = "blocked"
    elif not secret_matches(user.password_hash if user else stand_in_hash(), password or ""):
        reason = "bad_credentials"
    elif not user.is_active:
        reason = "user_deactivated"
    elif tenant is None or not tenant.is_active:
        reason = "tenant_suspended"
    else:
        reason = None

    with context.bound(tenant=user.tenant if user else None):
        if reason is not None:
            if reason != "blocked":
                for key in keys:
                    throttle.count_failure(key, email)
            audit.record("login", outcome="failure", actor=email, actor_tenant=user.tenant if user else None,
                         target_tenant=user.tenant if user else None, reason=reason)
            raise LoginRefused()
        if not second_factor.is_enrolled(user):
            forgive(email, address)
        audit.record("login", actor=user.get_user_id(), actor_tenant=user.tenant, target=email)
    return user


def paused(email: str, address: str | None) -> bool:
    return any(throttle.blocked(key) for key in (throttle.account_key(email), throttle.address_key(address)))


def count_failure(email: str, address: str | None) -> None:
    for key in (throttle.account_key(email), throttle.address_key(address)):
        throttle.count_failure(key, email)


def forgive(email: str, address: str | None) -> None:
    """The person has signed in: their account's failures are cleared and no longer count at the address."""
    LoginThrottle.objects(id=throttle.account_key(email)).delete()
    throttle.forgive(throttle.address_key(address), email)
