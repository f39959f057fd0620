"""Password reset by e-mail: a single-use link, valid for `LIFETIME`, sent through the notification service.

Asking never tells whether an address is registered: the answer is the same, and the work nearly so (a token is
generated, hashed and stored, and the request audited, either way; only for an active person of an active tenant
is the token tied to them and `identity.password_reset.requested` written to the outbox, in the same
transaction). The token is stored as its SHA-256 digest; the link carrying it goes to the person's address only,
in the event the notification service turns into the e-mail. Setting the new password applies the tenant's
policy, uses the token up (one conditional update, so of two uses only one wins), ends every sign-in of the
person (refresh tokens, their access tokens, gateway sessions), and clears their failed sign-ins.

Requests and uses are throttled like sign-in (`gateway.identity.throttle`, in its sliding window): per address
asked for and per source address every request counts, and a link that does not work counts against the source
address; past five, a pause of five minutes, doubling.
"""

from __future__ import annotations

import datetime as dt
import secrets
from urllib.parse import urlencode

from chassis import context, db
from chassis.access import system
from chassis.clock import now
from chassis.messaging import emit
from gateway import events
from gateway.identity import audit, passwords, throttle
from gateway.identity.models import LoginThrottle, PasswordResetToken, Tenant, User, token_digest

LIFETIME = dt.timedelta(minutes=30)
# Like sign-in's, but a request sends a mail and a link is never guessed: a longer pause after the free ones.
THROTTLE = throttle.Policy(free_failures=5, first_block=dt.timedelta(minutes=5))
PATH = "/oauth/password-reset/new"


class Throttled(Exception):
    """Too many requests from this source address or for this e-mail address: try again later."""


def _request_keys(email: str, address: str | None) -> list[str]:
    return [f"reset-account:{email}", f"reset-address:{address}"]


def _use_key(address: str | None) -> str:
    return f"reset-use-address:{address}"


def _active_person(user: User | None) -> bool:
    if user is None or not user.is_active:
        return False
    tenant = Tenant.objects(code=user.tenant).first()
    return tenant is not None and tenant.is_active


def request(email: str, *, address: str | None, language: str, public_url: str) -> None:
    """Ask for a reset link to `email`; raises `Throttled`, otherwise says nothing about what happened."""
    email = (email or "").strip().lower()
    keys = _request_keys(email, address)
    if any(throttle.blocked(key, THROTTLE) for key in keys):
        raise Throttled()
    for key in keys:
        throttle.count_failure(key, email)
    user = system("a reset names an e-mail, not a tenant").records(User).filter(email=email).first()
    person = user if _active_person(user) else None
    token = secrets.token_urlsafe(32)

    def work() -> None:
        # Stored either way (a token of nobody opens nothing), so both answers cost the same writes but one.
        PasswordResetToken(id=token_digest(token), user_id=person.get_user_id() if person else None,
                           tenant=person.tenant if person else None, expires_at=now() + LIFETIME).save(
            force_insert=True)
        if person is not None:
            language_of_mail = person.preferred_language or language
            link = f"{public_url.rstrip('/')}{PATH}?{urlencode({'token': token, 'ui_locales': language_of_mail})}"
            emit(events.PASSWORD_RESET_REQUESTED, {
                "tenant": person.tenant, "user_id": person.get_user_id(), "email": person.email,
                "language": language_of_mail, "reset_link": link, "expires_at": (now() + LIFETIME).isoformat(),
            }, tenant=person.tenant)
        with context.bound(tenant=user.tenant if user else None):
            audit.record("password_reset.requested", outcome="success" if person else "failure",
                         actor=email, actor_tenant=user.tenant if user else None,
                         target=user.get_user_id() if user else None, target_tenant=user.tenant if user else None,
                         reason=None if person else ("unknown_email" if user is None else "not_active"))

    db.transaction(work)


def person_holding(token: str | None, *, address: str | None) -> User | None:
    """The active person a live, unused reset token belongs to; a token that does not work counts as a failure
    of the source address. Raises `Throttled` when the address is blocked."""
    if throttle.blocked(_use_key(address), THROTTLE):
        raise Throttled()
    stored = PasswordResetToken.objects(id=token_digest(token)).first() if token else None
    user = system("a reset token names its person by id").records(User).filter(id=stored.user_id).first() \
        if stored is not None and stored.user_id and stored.is_usable() else None
    if not _active_person(user):
        throttle.count_failure(_use_key(address), None)
        audit.record("password_reset.refused", outcome="failure", actor=stored.user_id if stored else None,
                     actor_tenant=stored.tenant if stored else None, target_tenant=stored.tenant if stored else None,
                     reason="no_such_token" if stored is None else "expired_or_used")
        return None
    return user


def reset(token: str, user: User, new_password: str) -> bool:
    """Use the token up and set the password (checked by the caller); False when another use won the race."""
    claimed = PasswordResetToken.objects(id=token_digest(token), user_id=user.get_user_id(), used_at=None,
                                         expires_at__gt=now()).modify(set__used_at=now())
    if claimed is None:
        return False
    PasswordResetToken.objects(user_id=user.get_user_id(), used_at=None).update(set__used_at=now())
    passwords.change(user.get_user_id(), new_password, reason="reset by e-mail")
    LoginThrottle.objects(id=throttle.account_key(user.email)).delete()
    return True
