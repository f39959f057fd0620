"""Choosing a password: the policy, and what a change ends.

Policy: 12 to 200 characters, at least 6 different ones, not containing the person's e-mail address or the
part before its `@`, and not the password it replaces. A change clears a pending forced change, is audited,
revokes the person's other sign-ins (refresh-token families and the access tokens issued from them) and ends
their gateway sign-in sessions.
"""

from __future__ import annotations

from chassis import context, db
from chassis.access import system
from chassis.clock import now
from gateway.identity import audit, sessions
from gateway.identity.models import RefreshToken, User, hash_secret, secret_matches
from gateway.identity.token_families import revoke_family

MIN_LENGTH = 12
MAX_LENGTH = 200
MIN_DISTINCT_CHARACTERS = 6

TOO_SHORT = "Use at least 12 characters."
TOO_LONG = "Use at most 200 characters."
TOO_SIMPLE = "Use at least 6 different characters."
CONTAINS_EMAIL = "Do not use your e-mail address in your password."
SAME_AS_BEFORE = "Choose a password different from the one you have now."
CONFIRMATION_DIFFERS = "The two passwords are not the same."
WRONG_CURRENT = "This is not your current password."


def weaknesses(user: User, password: str) -> list[str]:
    """What is wrong with `password` as `user`'s new password (empty when it is fine)."""
    if len(password) < MIN_LENGTH:
        return [TOO_SHORT]
    if len(password) > MAX_LENGTH:
        return [TOO_LONG]
    problems = []
    if len(set(password)) < MIN_DISTINCT_CHARACTERS:
        problems.append(TOO_SIMPLE)
    local_part = user.email.split("@")[0].lower()
    if len(local_part) >= 3 and local_part in password.lower():
        problems.append(CONTAINS_EMAIL)
    if secret_matches(user.password_hash, password):
        problems.append(SAME_AS_BEFORE)
    return problems


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
