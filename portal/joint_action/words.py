"""The joint-action vocabulary in the reader's language, and the dashboard's charts as plain numbers for SVG."""

from __future__ import annotations

import dataclasses

from flask_babel import lazy_gettext as _l

MILESTONES = ("intelligence", "investigation", "arrests", "charged", "prosecution", "convicted", "acquitted")
MILESTONE_NAMES = {
    "intelligence": _l("Intelligence"), "investigation": _l("Investigation"), "arrests": _l("Arrests"),
    "charged": _l("Charged"), "prosecution": _l("Prosecution"), "convicted": _l("Convicted"),
    "acquitted": _l("Acquitted"), "closed": _l("Closed"),
}
STATUS_NAMES = {
    **MILESTONE_NAMES, "planning": _l("Planning"), "active": _l("Active"), "open": _l("Open"),
    "in_progress": _l("In progress"), "done": _l("Done"), "cancelled": _l("Cancelled"), "drafted": _l("Drafted"),
    "sent": _l("Sent"), "received": _l("Received"), "granted": _l("Granted"), "refused": _l("Refused"),
    "executed": _l("Executed"), "accepted": _l("Accepted"), "deployed": _l("Deployed"),
    "completed": _l("Completed"), "requested": _l("Requested"), "answered": _l("Answered"),
    "withdrawn": _l("Withdrawn"), "submitted": _l("Submitted to the roster"), "under_review": _l("Under review"),
    "offered": _l("Expert offered"), "rejected": _l("Rejected"),
}
HANDLING_NAMES = {
    "releasable_to_participants": _l("RELEASABLE TO PARTICIPANTS"), "lead_only": _l("LEAD ONLY"),
    "originator_approval": _l("ORIGINATOR APPROVAL"),
}
RESTRICTED = ("lead_only", "originator_approval")
PERMISSION_NAMES = {"lead": _l("Lead"), "contribute": _l("Contribute"), "read": _l("Read only")}
CASE_TYPE_NAMES = {
    "trafficking_in_persons": _l("Trafficking in persons"), "people_smuggling": _l("People smuggling"),
    "illegal_recruitment": _l("Illegal recruitment"), "document_fraud": _l("Document fraud"),
    "money_laundering": _l("Money laundering"),
}
NETWORK_ROLE_NAMES = {
    "organiser": _l("Organiser"), "recruiter": _l("Recruiter"), "transporter": _l("Transporter"),
    "harbourer": _l("Harbourer"), "financier": _l("Financier"), "document_forger": _l("Document forger"),
    "corrupt_official": _l("Corrupt official"), "money_launderer": _l("Money launderer"),
    "facilitator": _l("Facilitator"), "other": _l("Other"),
}
OUTCOME_NAMES = {"arrest": _l("Arrest"), "seizure": _l("Seizure"), "charge": _l("Charge"),
                 "conviction": _l("Conviction"), "mla_request": _l("Mutual legal assistance request")}
METRIC_NAMES = {
    "arrests": _l("Persons arrested"), "charges": _l("Persons charged"), "convictions": _l("Persons convicted"),
    "victims_rescued": _l("Victims rescued"), "victims_referred": _l("Victims referred to services"),
    "seizures": _l("Seizures"), "extradition_requests": _l("Extradition requests"),
    "extraditions_executed": _l("Extraditions executed"), "mla_requests": _l("Mutual legal assistance requests"),
    "items_shared": _l("Information items shared"),
}
GRADE_NAMES = {
    "A": _l("A: completely reliable"), "B": _l("B: usually reliable"), "C": _l("C: fairly reliable"),
    "X": _l("X: reliability cannot be judged"), "1": _l("1: known to be true"),
    "2": _l("2: known personally to the source"), "3": _l("3: not known personally to the source"),
    "4": _l("4: cannot be judged"),
}
RESOLUTION_NAMES = {
    "convicted": _l("Convicted"), "acquitted": _l("Acquitted"), "insufficient_evidence": _l("Insufficient evidence"),
    "no_further_action": _l("No further action"), "merged": _l("Merged into another case"),
    "transferred": _l("Transferred"),
}


@dataclasses.dataclass(frozen=True)
class Bar:
    label: str
    value: int
    width: float  # of the chart's plotting width, 0..1
    y: int


BAR_HEIGHT, BAR_GAP = 22, 10


def bars(values: dict[str, int], names: dict) -> list[Bar]:
    """One horizontal bar per entry, scaled to the largest value (a chart of zeros draws no bars)."""
    largest = max(values.values(), default=0) or 1
    return [Bar(str(names.get(key, key)), value, value / largest, index * (BAR_HEIGHT + BAR_GAP))
            for index, (key, value) in enumerate(values.items())]

REQUIRED = _l("Enter the organisation's code, for example THA")


def codes_of(records: list[dict]) -> list[str]:
    """The handling codes of the records a page shows, most restrictive first (for its header and footer)."""
    codes = {record.get("handling_code") for record in records}
    return [code for code in ("originator_approval", "lead_only", "releasable_to_participants") if code in codes]
