"""The scheduled certificate job: expire certificates past their date, remind holders 30 and 7 days before.

Each certificate is claimed by a conditional update (`status == valid`, or that reminder not sent yet) in
the same transaction as its event. Two runs at once, or a second run the same day, find nothing left
to claim, so each certificate expires once and yields exactly one `training.certificate.expired`
(and at most one `training.certificate.expiring` per reminder: `reminder_days` 30, then 7). A certificate
first found within 7 days of its expiry gets the last reminder only.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging

from chassis import db
from chassis.access import system
from chassis.problems import InvalidTransition
from training_service import events
from training_service.certificates.models import Certificate
from training_service.certificates.service import CERTIFICATE_WORKFLOW
from training_service.common import SYSTEM
from training_service.vocabulary import EXPIRY_REMINDER_DAYS, FINAL_REMINDER_DAYS

log = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class ExpiryRun:
    expired: int
    reminded: int


def _every_tenant():
    return system("certificate expiry job").records(Certificate)


def run(on: dt.date) -> ExpiryRun:
    """Expire what is past its date on `on`, then remind holders of what expires within a reminder's window (the
    last reminder first, so that a certificate already that close gets no earlier one)."""
    due = _every_tenant().filter(status="valid", expires_on__lte=on).scalar("id")
    expired = sum(1 for certificate_id in list(due) if db.transaction(lambda cid=certificate_id: _expire(cid)))
    reminded = 0
    for days, sent in ((FINAL_REMINDER_DAYS, "final_reminder_sent_on"),
                       (EXPIRY_REMINDER_DAYS, "expiry_reminder_sent_on")):
        expiring = _every_tenant().filter(status="valid", expires_on__gt=on,
                                          expires_on__lte=on + dt.timedelta(days=days), **{sent: None}).scalar("id")
        reminded += sum(1 for certificate_id in list(expiring)
                        if db.transaction(lambda cid=certificate_id, d=days, f=sent: _remind(cid, on, d, f)))
    log.info("certificate expiry run", extra={"on": on.isoformat(), "expired": expired, "reminded": reminded})
    return ExpiryRun(expired=expired, reminded=reminded)


def _expire(certificate_id) -> bool:
    certificate = _every_tenant().filter(id=certificate_id, status="valid").first()
    if certificate is None:
        return False
    try:
        CERTIFICATE_WORKFLOW.take(certificate, "expired", SYSTEM, f"expired on {certificate.expires_on}")
    except InvalidTransition:  # an overlapping run expired or someone revoked it meanwhile
        return False
    events.emit_certificate(events.CERTIFICATE_EXPIRED, certificate, tenant=certificate.tenant)
    return True


def _remind(certificate_id, on: dt.date, days: int, sent: str) -> bool:
    """Claim the reminder (`sent`: its date field; the last one also stands for the earlier); a certificate
    already renewed is marked reminded without an event."""
    claimed = _every_tenant().filter(id=certificate_id, status="valid", **{sent: None}).update_one(
        **{f"set__{sent}": on})
    if not claimed:
        return False
    _every_tenant().filter(id=certificate_id, expiry_reminder_sent_on=None).update_one(
        set__expiry_reminder_sent_on=on)
    if _every_tenant().filter(renews=certificate_id).count():
        return False
    certificate = _every_tenant().get(id=certificate_id)
    events.emit_certificate(events.CERTIFICATE_EXPIRING, certificate, tenant=certificate.tenant, reminder_days=days)
    return True
