"""Records under a data-handling code (information items, persons): who originated them, to whom they are released.

Who may see such a record is decided in visibility.py; this module says how a record's release can widen.
"""

from __future__ import annotations

import mongoengine as me

from chassis.problems import Conflict, Forbidden, ValidationFailed
from chassis.tenancy import TenantOwnedDocument
from joint_action_service.vocabulary import HANDLING_CODES, LEAD_ONLY, ORIGINATOR_APPROVAL, RELEASABLE


class HandledRecord(TenantOwnedDocument):
    """`tenant` is the originator. `released_to` names the participating tenants the record is released to; an
    empty list on a `releasable_to_participants` record means every participant of the case."""

    meta = {"abstract": True, "indexes": ["case_id"]}

    case_id = me.ObjectIdField(required=True)
    handling_code = me.StringField(required=True, choices=HANDLING_CODES)
    released_to = me.ListField(me.StringField())

    @property
    def originator_tenant(self) -> str:
        return self.tenant


def check_initial_release(handling_code: str, released_to: list[str], case_participants: list[str],
                          field: str = "released_to") -> None:
    """A record is released only to participants of its case, and a lead-only record to nobody else."""
    outsiders = sorted(set(released_to) - set(case_participants))
    if outsiders:
        raise ValidationFailed({field: [f"Not participants of the case: {', '.join(outsiders)}"]})
    if handling_code == LEAD_ONLY and released_to:
        raise ValidationFailed({field: ["A lead-only record is released to nobody else"]})


def release(record: HandledRecord, *, caller_tenant: str, lead_tenant: str, tenants: list[str],
            case_participants: list[str]) -> list[str]:
    """Widen a record's release to more participants; return the tenants newly added.

    The originator approves every release of an `originator_approval` record; a releasable record may also be
    released further by the case's lead. A lead-only record is never released.
    """
    if record.handling_code == LEAD_ONLY:
        raise Conflict("A lead-only record cannot be released to other tenants", handling_code=LEAD_ONLY)
    releasers = {record.originator_tenant}
    if record.handling_code == RELEASABLE:
        releasers.add(lead_tenant)
    if caller_tenant not in releasers:
        needed = "its originator" if record.handling_code == ORIGINATOR_APPROVAL else "its originator or the lead"
        raise Forbidden(f"Only {needed} may release this record", handling_code=record.handling_code)
    check_initial_release(record.handling_code, tenants, case_participants, field="tenants")
    if record.handling_code == RELEASABLE and not record.released_to:
        return []  # already released to every participant
    added = [tenant for tenant in tenants if tenant not in record.released_to]
    record.released_to.extend(added)
    return added
