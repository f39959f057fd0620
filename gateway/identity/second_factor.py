"""The second factor: TOTP (RFC 6238) with recovery codes, and the tenant policy that requires it.

A person enrols by scanning a QR code (an `otpauth://` URI, rendered here as inline SVG) into an authenticator
app and typing its first code. From then on every sign-in asks for a code. A code is accepted for the current
30-second step and one step either side (clock drift), and never for a step at or before the last one used, so
a code seen over a shoulder cannot be replayed within its window; the step is claimed with one conditional
update, so of two concurrent uses only one wins. Ten recovery codes are shown once at enrolment and stored as
SHA-256 digests (64 random bits each, so no slow hash is needed, as for refresh tokens); each is removed when
used, again by one conditional update.

A tenant's policy (`Tenant.second_factor_roles`) names the roles that must use a second factor: a person with
any of them cannot finish a sign-in without one (enrolling first if they have none). Anyone who has enrolled
is asked for a code whatever the policy says.

How a sign-in was made is said as RFC 8176 `amr` values (`pwd`; `pwd otp mfa` with a second factor, a recovery
code being a one-time password too) and as `acr` (`ACR_PASSWORD` or `ACR_SECOND_FACTOR`).
"""

from __future__ import annotations

import hmac
import re
import secrets

import pyotp
import segno

from chassis.access import system
from chassis.clock import now
from gateway.identity.models import Tenant, User, token_digest

ISSUER_NAME = "RSO Platform"
PASSWORD_AMR = ["pwd"]
SECOND_FACTOR_AMR = ["pwd", "otp", "mfa"]
ACR_PASSWORD = "urn:rso:acr:password"
ACR_SECOND_FACTOR = "urn:rso:acr:second-factor"
DRIFT_STEPS = 1  # a code of the previous or next 30-second step is accepted too
RECOVERY_CODE_COUNT = 10
TOTP_CODE = re.compile(r"^\d{6}$")

WRONG_CODE = "The code is not right, or sign-in is paused for a while. Try again later."


def uses_second_factor(amr: list[str] | None) -> bool:
    return "otp" in (amr or [])


def acr_of(amr: list[str] | None) -> str:
    return ACR_SECOND_FACTOR if uses_second_factor(amr) else ACR_PASSWORD


def is_enrolled(user: User) -> bool:
    return bool(user.totp_secret)


def required_for(user: User) -> bool:
    """Whether `user`'s tenant requires a second factor of one of their roles."""
    tenant = Tenant.objects(code=user.tenant).only("second_factor_roles").first()
    return bool(tenant and set(tenant.second_factor_roles) & set(user.roles))


def step_needed(user: User, amr: list[str] | None) -> str | None:
    """What a sign-in made with `amr` still needs: "code", "enrolment", or None (it is complete)."""
    if uses_second_factor(amr):
        return None
    if is_enrolled(user):
        return "code"
    return "enrolment" if required_for(user) else None


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, user: User) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER_NAME)


def qr_code_svg(uri: str) -> str:
    """The URI as an inline SVG QR code (drawn here: the page loads nothing from anywhere)."""
    return segno.make(uri, error="m").svg_inline(scale=5, dark="#0b0c0c", light="#ffffff", border=4,
                                                 svgclass="qr-code")


def _matching_step(secret: str, code: str) -> int | None:
    """The 30-second step (counter) within the drift window at which `code` is `secret`'s code, if any."""
    if not TOTP_CODE.match(code):
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now())
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def enrol(user_id: str, secret: str, code: str) -> list[str] | None:
    """If `code` is the offered `secret`'s code: keep the secret (that code used up) and new recovery codes, and
    return the recovery codes, this once. Otherwise None, and nothing is kept."""
    step = _matching_step(secret, _normalised(code))
    if step is None:
        return None
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    system("enrolment names its person by id").records(User).filter(id=user_id).update_one(
        set__totp_secret=secret, set__totp_last_step=step, set__second_factor_enrolled_at=now(),
        set__recovery_code_digests=[_recovery_digest(code) for code in codes])
    return codes


def verify(user: User, code: str) -> str | None:
    """Check a code a person typed: "totp" or "recovery_code" when it is right and now used up, else None."""
    code = _normalised(code)
    step = _matching_step(user.totp_secret, code) if user.totp_secret else None
    if step is not None:
        claimed = system("a code names its person by id").records(User).filter(
            id=user.id, totp_secret=user.totp_secret, totp_last_step__lt=step).update_one(set__totp_last_step=step)
        return "totp" if claimed else None
    digest = _recovery_digest(code)
    used = system("a code names its person by id").records(User).filter(
        id=user.id, recovery_code_digests=digest).update_one(pull__recovery_code_digests=digest)
    return "recovery_code" if used else None


def reset(user: User) -> None:
    """Forget the person's second factor: they enrol again at their next sign-in if their tenant requires it."""
    user.totp_secret = None
    user.totp_last_step = -1
    user.second_factor_enrolled_at = None
    user.recovery_code_digests = []


def _new_recovery_code() -> str:
    raw = secrets.token_hex(8)
    return "-".join(raw[i:i + 4] for i in range(0, len(raw), 4))


def _normalised(code: str) -> str:
    return re.sub(r"[\s-]", "", code or "").lower()


def _recovery_digest(code: str) -> str:
    return token_digest(_normalised(code))
