"""Readiness per function: how far an expert is from being deployable for it, and why.

- `not_ready`: the profile is not vetted (still nominated), suspended, or anonymised; or the function was
  added after vetting and the roster office has not vetted it yet.
- `vetted`: the roster office vetted the profile, but no valid certificate qualifies the expert for
  the function through the day asked about.
- `ready`: vetted, and holding a valid certificate that qualifies for the function through that day.

A certificate qualifies when it is valid (not expired, not revoked), counts (issued by the training
service, or external and verified by the roster office), lists the function among `qualifies_for`,
was issued by today (a certificate dated in the future is not held yet), and expires no earlier than
the day asked about (today for a profile, the last day of a deployment for a search). Readiness is
worked out whenever it is read, so it is never stale.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable

from roster_service.experts.models import Certification, Expert
from roster_service.vocabulary import READINESS_LEVELS, rank

VETTED_STATUSES = frozenset({"vetted", "active", "inactive"})
_NOT_VETTED_REASONS = {
    "nominated": "The roster office has not vetted the profile yet",
    "suspended": "The expert is suspended from the roster",
    "anonymised": "The expert withdrew consent and the profile was anonymised",
}


@dataclasses.dataclass(frozen=True)
class Readiness:
    function: str
    level: str
    explanation: str
    certificate_id: str | None = None
    certificate_valid_until: dt.date | None = None

    def at_least(self, level: str) -> bool:
        return rank(READINESS_LEVELS, self.level) >= rank(READINESS_LEVELS, level)


def certificate_counts(certificate: Certification) -> bool:
    return certificate.status == "valid" and (certificate.source == "training" or certificate.verified_at is not None)


def qualifying_certificate(expert: Expert, function: str, through: dt.date,
                           today: dt.date | None = None) -> Certification | None:
    """The qualifying certificate valid longest, if any was issued by `today` and is valid through `through`."""
    return longest_qualifying(expert.certifications, function, through, today)


def longest_qualifying(certificates: Iterable[Certification], function: str, through: dt.date,
                       today: dt.date | None = None) -> Certification | None:
    """The one of `certificates` that qualifies for `function` through `through` and is valid longest."""
    today = today or dt.date.today()
    candidates = [
        certificate for certificate in certificates
        if certificate_counts(certificate) and function in certificate.qualifies_for
        and (certificate.issued_on is None or certificate.issued_on <= today)
        and (certificate.expires_on is None or certificate.expires_on >= through)
    ]
    return max(candidates, key=lambda certificate: certificate.expires_on or dt.date.max, default=None)


def readiness(expert: Expert, function: str, *, through: dt.date, today: dt.date | None = None) -> Readiness:
    if function not in expert.function_codes():
        return Readiness(function, "not_ready", f"The profile does not list the function '{function}'")
    if expert.status not in VETTED_STATUSES:
        return Readiness(function, "not_ready", _NOT_VETTED_REASONS.get(expert.status, expert.status))
    if function in expert.functions_awaiting_vetting:
        return Readiness(function, "not_ready", f"The function '{function}' was added after vetting; the roster "
                                                "office has not vetted it yet")
    vetted = f"Vetted on {expert.vetted_at.date().isoformat()}" if expert.vetted_at else "Vetted"
    certificate = qualifying_certificate(expert, function, through, today)
    if certificate is None:
        return Readiness(function, "vetted", f"{vetted}, but no valid certificate qualifies for '{function}' "
                                             f"through {through.isoformat()}")
    until = f"valid until {certificate.expires_on.isoformat()}" if certificate.expires_on else "without expiry"
    return Readiness(function, "ready", f"{vetted}; certificate {certificate.certificate_id} "
                                        f"'{certificate.title}' qualifies for '{function}', {until}",
                     certificate.certificate_id, certificate.expires_on)


def readiness_by_function(expert: Expert, *, through: dt.date) -> list[Readiness]:
    return [readiness(expert, code, through=through) for code in expert.function_codes()]
