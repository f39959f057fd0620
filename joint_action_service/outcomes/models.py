"""What a case achieved: arrests, seizures, charges, convictions, mutual legal assistance, and extraditions
with their own lifecycle."""

from __future__ import annotations

import mongoengine as me

from chassis.clock import now
from chassis.tenancy import TenantOwnedDocument
from chassis.workflow import Transition, Workflow
from joint_action_service.vocabulary import CASE_WORKERS, SEIZURE_TYPES

OUTCOME_KINDS = ("arrest", "seizure", "charge", "conviction", "mla_request")
MLA_REQUEST = "mla_request"
# Persons arrested, charged or convicted: the milestone the case must have reached first.
MILESTONE_OF_OUTCOME = {"arrest": "arrests", "charge": "charged", "conviction": "convicted"}

MLA_WORKFLOW = Workflow("MLA request", {
    "sent": {"answered": CASE_WORKERS, "refused": CASE_WORKERS, "withdrawn": CASE_WORKERS},
    "answered": {},
    "refused": {},
    "withdrawn": {},
})


class Seizure(me.EmbeddedDocument):
    seizure_type = me.StringField(required=True, choices=SEIZURE_TYPES)
    quantity = me.FloatField(required=True, min_value=0)
    unit = me.StringField(max_length=30)
    value = me.DecimalField(min_value=0, precision=2)
    currency = me.StringField(max_length=3)


class Outcome(TenantOwnedDocument):
    """Owned by the tenant that recorded it; seen by every participant of its case.

    `count` is the number of persons arrested, charged or convicted (1 for a seizure or an MLA request). An MLA
    request alone has a lifecycle (`status`, `history`): sent, then answered, refused or withdrawn.
    """

    meta = {"collection": "outcomes", "indexes": ["case_id"]}

    case_id = me.ObjectIdField(required=True)
    kind = me.StringField(required=True, choices=OUTCOME_KINDS)
    date = me.DateField(required=True)
    count = me.IntField(required=True, min_value=1, default=1)
    person_ids = me.ListField(me.ObjectIdField())
    seizure = me.EmbeddedDocumentField(Seizure)
    sentence = me.StringField(max_length=500)  # convictions
    requested_state = me.StringField(max_length=3)  # MLA requests: the state asked for assistance
    status = me.StringField(choices=MLA_WORKFLOW.states)  # MLA requests only
    history = me.EmbeddedDocumentListField(Transition)
    note = me.StringField(max_length=2000)
    recorded_by = me.StringField(required=True)
    recorded_at = me.DateTimeField(required=True, default=now)


EXTRADITION_WORKFLOW = Workflow("extradition request", {
    "drafted": {"sent": CASE_WORKERS},
    "sent": {"received": CASE_WORKERS},
    "received": {"granted": CASE_WORKERS, "refused": CASE_WORKERS},
    "granted": {"executed": CASE_WORKERS},
    "refused": {},
    "executed": {},
})


class Extradition(TenantOwnedDocument):
    """An extradition request, owned by the requesting tenant, for a suspect of the case."""

    meta = {"collection": "extraditions", "indexes": ["case_id"]}

    case_id = me.ObjectIdField(required=True)
    person_id = me.ObjectIdField()
    requested_state = me.StringField(required=True, max_length=3)
    legal_basis = me.StringField(max_length=500)
    status = me.StringField(required=True, default="drafted", choices=EXTRADITION_WORKFLOW.states)
    history = me.EmbeddedDocumentListField(Transition)
    created_by = me.StringField(required=True)
    created_at = me.DateTimeField(required=True, default=now)
