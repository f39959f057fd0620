"""People logging in with e-mail and password, with back-off against guessing.

Failures are counted per account and per source address. After `FREE_FAILURES` failures in a row, each
further failure blocks that account (or address) for twice as long as the previous one, up to
`MAX_BLOCK`; a success clears the account's count. A blocked attempt is refused without checking the
password. Every refusal gives the same message, so nobody learns whether an account exists, is
deactivated, or is blocked; the audit log records the real reason.
"""

from __future__ import annotations

import datetime as dt
import functools
import secrets

from chassis import context
from chassis.clock import now
from gateway.identity import audit
from gateway.identity.models import LoginThrottle, Tenant, User, hash_secret, secret_matches

FREE_FAILURES = 5
FIRST_BLOCK = dt.timedelta(seconds=2)
MAX_BLOCK = dt.timedelta(minutes=15)
GENERIC_REFUSAL = "The e-mail or password is not right, or sign-in is paused for a while. Try again later."


class LoginRefused(Exception):
    """Carries only the generic message; why is in the audit log."""

    def __init__(self):
        super().__init__(GENERIC_REFUSAL)


@functools.cache
def _stand_in_hash() -> str:
    """Checked against when no account matches, so an unknown e-mail takes as long as a wrong password."""
    return hash_secret(secrets.token_urlsafe(16))


def _blocked(key: str) -> bool:
    throttle = LoginThrottle.objects(id=key).first()
    return bool(throttle and throttle.blocked_until and throttle.blocked_until.replace(tzinfo=dt.UTC) > now())


def _count_failure(key: str) -> None:
    throttle = LoginThrottle.objects(id=key).modify(
        upsert=True, new=True, inc__failures=1, set__last_failure_at=now())
    beyond_free = throttle.failures - FREE_FAILURES
    if beyond_free >= 0:
        block = min(MAX_BLOCK, FIRST_BLOCK * (2 ** beyond_free))
        LoginThrottle.objects(id=key).update_one(set__blocked_until=now() + block)


def authenticate(email: str, password: str, address: str | None) -> User:
    """The active user of an active tenant with these credentials, or `LoginRefused`."""
    email = (email or "").strip().lower()
    keys = [f"account:{email}", f"address:{address}"]
    user = User.across_tenants("a login names an e-mail, not a tenant").filter(email=email).first()
    tenant = Tenant.objects(code=user.tenant).first() if user else None

    if any(_blocked(key) for key in keys):
        reason = "blocked"
    elif not secret_matches(user.password_hash if user else _stand_in_hash(), password or ""):
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
                    _count_failure(key)
            audit.record("login", outcome="failure", actor=email, actor_tenant=user.tenant if user else None,
                         reason=reason)
            raise LoginRefused()
        LoginThrottle.objects(id=keys[0]).delete()
        audit.record("login", actor=user.get_user_id(), actor_tenant=user.tenant, target=email)
    return user
