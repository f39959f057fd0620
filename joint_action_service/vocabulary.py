"""The words of joint action: crime focus areas, handling codes, grades, roles in a network, and the roster's
function codes and language levels (the shared vocabulary of docs/events.md)."""

from __future__ import annotations

import re

FOCUS_AREAS = (
    "trafficking_in_persons", "people_smuggling", "illegal_recruitment", "document_fraud", "money_laundering",
)
CASE_TYPES = FOCUS_AREAS

# Data-handling codes, on every case, information item and person record.
RELEASABLE = "releasable_to_participants"  # every participant the record is released to (all of them by default)
LEAD_ONLY = "lead_only"  # the case's lead tenant (and the record's originator) only
ORIGINATOR_APPROVAL = "originator_approval"  # nobody but the originator until it releases the record to a tenant
HANDLING_CODES = (RELEASABLE, LEAD_ONLY, ORIGINATOR_APPROVAL)

SHARE_PERMISSIONS = ("read", "contribute")

# Europol's 4x4 evaluation: source reliability A-C or X (cannot be assessed), information credibility 1-4.
SOURCE_RELIABILITY = ("A", "B", "C", "X")
INFORMATION_CREDIBILITY = ("1", "2", "3", "4")

NETWORK_ROLES = (
    "organiser", "recruiter", "transporter", "harbourer", "financier", "document_forger", "corrupt_official",
    "money_launderer", "facilitator", "other",
)
REFERRAL_SERVICES = (
    "shelter", "medical", "psychosocial", "legal_aid", "repatriation", "reintegration", "child_protection", "other",
)
SEIZURE_TYPES = (
    "cash", "vehicle", "vessel", "travel_document", "identity_document", "electronic_device", "property", "weapon",
    "drugs", "other",
)

CURRENCY_CODE = re.compile(r"^[A-Z]{3}$")  # ISO 4217

# Who may do what (the tenant side of every rule is in visibility.py).
CASE_WORKERS = ("case_officer",)
CASE_READERS = ("case_officer", "jpa_coordinator")
JPA_COORDINATORS = ("jpa_coordinator",)
ACCESS_LOG_READERS = ("auditor", "case_officer")
