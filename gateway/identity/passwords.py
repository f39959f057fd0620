"""Choosing a password: the policy, and what a change ends.

The platform's policy: 12 to 200 characters, at least 6 different ones, not containing the person's e-mail
address or the part before its `@`, not one of the commonest passwords, and not the password it replaces. A
tenant's administrators may ask for more (`PasswordPolicy`): a longer minimum, character classes, and a maximum
age after which the person chooses a new password at sign-in. A change clears a pending forced change, is
audited, revokes the person's other sign-ins (refresh-token families and the access tokens issued from them)
and ends their gateway sign-in sessions.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools

from chassis import context, db
from chassis.access import system
from chassis.clock import now
from gateway.identity import audit, sessions
from gateway.identity.models import PasswordPolicy, RefreshToken, User, hash_secret, secret_matches
from gateway.identity.token_families import revoke_family

MIN_LENGTH = 12
MAX_LENGTH = 200
MIN_DISTINCT_CHARACTERS = 6
CHARACTER_CLASSES = ("lowercase", "uppercase", "digit", "symbol")

TOO_SHORT = "Use at least %(count)s characters."
TOO_LONG = "Use at most 200 characters."
TOO_SIMPLE = "Use at least 6 different characters."
CONTAINS_EMAIL = "Do not use your e-mail address in your password."
SAME_AS_BEFORE = "Choose a password different from the one you have now."
TOO_COMMON = "This password is one of the most common ones. Choose another."
MISSING_CLASS = {
    "lowercase": "Use at least one lower-case letter.",
    "uppercase": "Use at least one capital letter.",
    "digit": "Use at least one digit.",
    "symbol": "Use at least one character that is neither a letter nor a digit.",
}
CONFIRMATION_DIFFERS = "The two passwords are not the same."
WRONG_CURRENT = "This is not your current password."


@dataclasses.dataclass(frozen=True)
class Weakness:
    """One thing wrong with a password: a catalogue message (`msgid`) and its parameters; `str()` is English."""

    msgid: str
    params: tuple[tuple[str, int], ...] = ()

    def __str__(self) -> str:
        return self.msgid % dict(self.params) if self.params else self.msgid


@dataclasses.dataclass(frozen=True)
class Policy:
    min_length: int = MIN_LENGTH
    required_classes: tuple[str, ...] = ()
    max_age_days: int | None = None


PLATFORM_POLICY = Policy()


def policy_of(tenant: str) -> Policy:
    """The tenant's policy, or the platform's when its administrators set none."""
    stored = PasswordPolicy.objects(tenant=tenant).first()
    if stored is None:
        return PLATFORM_POLICY
    return Policy(min_length=stored.min_length, required_classes=tuple(stored.required_classes),
                  max_age_days=stored.max_age_days)


@functools.cache
def _common_passwords() -> frozenset[str]:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS  # 30,000 passwords seen most often in breaches

    return frozenset(FREQUENCY_LISTS["passwords"])


_CLASS_TESTS = {
    "lowercase": str.islower,
    "uppercase": str.isupper,
    "digit": str.isdigit,
    "symbol": lambda character: not character.isalnum() and not character.isspace(),
}


def _has(character_class: str, password: str) -> bool:
    return any(map(_CLASS_TESTS[character_class], password))


def weaknesses(user: User, password: str, policy: Policy | None = None) -> list[Weakness]:
    """What is wrong with `password` as `user`'s new password under their tenant's policy (empty when fine)."""
    policy = policy or policy_of(user.tenant)
    if len(password) < policy.min_length:
        return [Weakness(TOO_SHORT, (("count", policy.min_length),))]
    if len(password) > MAX_LENGTH:
        return [Weakness(TOO_LONG)]
    problems = []
    if len(set(password)) < MIN_DISTINCT_CHARACTERS:
        problems.append(Weakness(TOO_SIMPLE))
    problems += [Weakness(MISSING_CLASS[name]) for name in policy.required_classes if not _has(name, password)]
    local_part = user.email.split("@")[0].lower()
    if len(local_part) >= 3 and local_part in password.lower():
        problems.append(Weakness(CONTAINS_EMAIL))
    if password.lower() in _common_passwords():
        problems.append(Weakness(TOO_COMMON))
    if user.password_hash and secret_matches(user.password_hash, password):
        problems.append(Weakness(SAME_AS_BEFORE))
    return problems


def english(found: list[Weakness]) -> list[str]:
    """The weaknesses as the API states them (problem+json field errors are English)."""
    return [str(weakness) for weakness in found]


def expired(user: User) -> bool:
    """Whether the person's password is older than their tenant's maximum age (never, without one)."""
    max_age_days = policy_of(user.tenant).max_age_days
    if max_age_days is None:
        return False
    since = (user.password_changed_at or user.created_at).replace(tzinfo=dt.UTC)
    return now() - since > dt.timedelta(days=max_age_days)


def change(user_id: str, new_password: str, *, reason: str, keep_family: str | None = None) -> None:
    """Set the password, audited, in one transaction; then end every other sign-in of the person."""
    def work() -> User:
        user = system("a password change names its person by id").records(User).get(id=user_id)
        user.password_hash = hash_secret(new_password)
        user.password_change_required = False
        user.password_changed_at = now()
        user.save()
        with context.bound(tenant=user.tenant):
            audit.record("password.changed", actor=user_id, actor_tenant=user.tenant, target=user_id,
                         target_tenant=user.tenant, reason=reason)
        return user

    user = db.transaction(work)
    families = set(RefreshToken.objects(user_id=user_id, revoked_at=None).distinct("family")) - {keep_family}
    with context.bound(tenant=user.tenant):
        for family in sorted(families):
            revoke_family(family, reason="password changed")
    sessions.end_for_person(user_id)
