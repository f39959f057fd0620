"""The scheduled certificate job: expire certificates past their date, remind holders 30 days before.

Each certificate is claimed by a conditional update (`status == valid`, or no reminder sent yet) in
the same transaction as its event. Two runs at once, or a second run the same day, find nothing left
to claim, so each certificate expires once and yields exactly one `training.certificate.expired`
(and at most one `training.certificate.expiring`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging

from chassis import db
from chassis.access import system
from training_service import events
from training_service.certificates.models import Certificate
from training_service.certificates.service import CERTIFICATE_WORKFLOW
from training_service.common import SYSTEM
from training_service.vocabulary import EXPIRY_REMINDER_DAYS

log = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class ExpiryRun:
    expired: int
    reminded: int


def _every_tenant():
    return system("certificate expiry job").records(Certificate)


def run(on: dt.date) -> ExpiryRun:
    """Expire what is past its date on `on`, then remind holders of what expires within the reminder window."""
    due = _every_tenant().filter(status="valid", expires_on__lte=on).scalar("id")
    expired = sum(1 for certificate_id in list(due) if db.transaction(lambda cid=certificate_id: _expire(cid)))
    window_end = on + dt.timedelta(days=EXPIRY_REMINDER_DAYS)
    expiring = _every_tenant().filter(status="valid", expiry_reminder_sent_on=None, expires_on__gt=on,
                                      expires_on__lte=window_end).scalar("id")
    reminded = sum(1 for certificate_id in list(expiring)
                   if db.transaction(lambda cid=certificate_id: _remind(cid, on)))
    log.info("certificate expiry run", extra={"on": on.isoformat(), "expired": expired, "reminded": reminded})
    return ExpiryRun(expired=expired, reminded=reminded)


def _expire(certificate_id) -> bool:
    certificate = _every_tenant().filter(id=certificate_id, status="valid").first()
    if certificate is None:
        return False
    step = CERTIFICATE_WORKFLOW.advance("valid", "expired", SYSTEM, f"expired on {certificate.expires_on}")
    if not _every_tenant().filter(id=certificate_id, status="valid").update_one(
            set__status="expired", push__history=step):
        return False
    certificate.status = "expired"
    events.emit_certificate(events.CERTIFICATE_EXPIRED, certificate, tenant=certificate.tenant)
    return True


def _remind(certificate_id, on: dt.date) -> bool:
    """Claim the reminder; a certificate already renewed is marked reminded without an event."""
    claimed = _every_tenant().filter(id=certificate_id, status="valid", expiry_reminder_sent_on=None).update_one(
        set__expiry_reminder_sent_on=on)
    if not claimed:
        return False
    if _every_tenant().filter(renews=certificate_id).count():
        return False
    certificate = _every_tenant().get(id=certificate_id)
    events.emit_certificate(events.CERTIFICATE_EXPIRING, certificate, tenant=certificate.tenant)
    return True
