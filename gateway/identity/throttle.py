"""Back-off against guessing: failures per key (an account, an address) counted in a sliding window.

A key is blocked once it has `free_failures` failures within `WINDOW`: for `first_block` after the latest,
doubling with each further failure up to `max_block`. Failures older than the window no longer count, so a
block decays by itself. Each failure names its subject (the e-mail or client id tried); a success forgives
that subject's failures, so one person's typos followed by their successful sign-in do not lock out everybody
else behind the same address, while guesses at other accounts from there still count.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from chassis.clock import now
from gateway.identity.models import LoginThrottle

WINDOW = dt.timedelta(minutes=15)


@dataclasses.dataclass(frozen=True)
class Policy:
    free_failures: int = 5
    first_block: dt.timedelta = dt.timedelta(seconds=2)
    max_block: dt.timedelta = dt.timedelta(minutes=15)


SIGN_IN = Policy()


def account_key(email: str) -> str:
    return f"account:{email.strip().lower()}"


def address_key(address: str | None) -> str:
    return f"address:{address}"


def _recent_failures(key: str) -> list[dt.datetime]:
    throttle = LoginThrottle.objects(id=key).first()
    if throttle is None:
        return []
    since = now() - WINDOW
    return sorted(at for at in (failure["at"].replace(tzinfo=dt.UTC) for failure in throttle.failures) if at > since)


def blocked_for(key: str, policy: Policy = SIGN_IN) -> dt.timedelta:
    """How much longer `key` is blocked (zero when it is not)."""
    failures = _recent_failures(key)
    beyond_free = len(failures) - policy.free_failures
    if beyond_free < 0:
        return dt.timedelta(0)
    block = min(policy.max_block, policy.first_block * (2 ** beyond_free))
    return max(dt.timedelta(0), failures[-1] + block - now())


def blocked(key: str, policy: Policy = SIGN_IN) -> bool:
    return blocked_for(key, policy) > dt.timedelta(0)


def count_failure(key: str, subject: str | None) -> None:
    collection = LoginThrottle._get_collection()
    collection.update_one({"_id": key}, {"$push": {"failures": {"at": now(), "subject": subject}}}, upsert=True)
    collection.update_one({"_id": key}, {"$pull": {"failures": {"at": {"$lte": now() - WINDOW}}}})


def forgive(key: str, subject: str) -> None:
    """A success by `subject`: its failures at `key` no longer count."""
    LoginThrottle._get_collection().update_one({"_id": key}, {"$pull": {"failures": {"subject": subject}}})
