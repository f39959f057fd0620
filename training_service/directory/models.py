"""Local read models of other services' facts: experts (roster) and tenant status (identity)."""

from __future__ import annotations

import mongoengine as me

from chassis import db
from chassis.clock import now
from chassis.tenancy import TenantOwnedDocument


class TraineeRef(me.EmbeddedDocument):
    """A person as training sees them; matched across services by user id, else by e-mail."""

    user_id = me.StringField(max_length=200)
    email = me.StringField(required=True, max_length=254)  # stored lower-case
    name = me.StringField(required=True, max_length=200)
    tenant = me.StringField(required=True, max_length=64)

    def as_event_data(self) -> dict:
        return {"user_id": self.user_id, "email": self.email, "name": self.name, "tenant": self.tenant}


class KnownPerson(TenantOwnedDocument):
    """A person of a tenant as their own token last showed them to training (`sub`, `email`, `name`).

    Written only from the person's own token (self-enrolment, a learning step), never from what
    someone else typed; read by nominations of the same tenant, which take the user id and name from
    here. Training cannot see the gateway's accounts: a person who never used training is not here.
    """

    meta = {"collection": "known_people", "indexes": [{"fields": ["tenant", "user_id"], "unique": True},
                                                       ("tenant", "email")]}

    user_id = me.StringField(required=True, max_length=200)
    email = me.StringField(required=True, max_length=254)  # stored lower-case
    name = me.StringField(required=True, max_length=200)
    seen_at = me.DateTimeField(required=True, default=now)


class ExpertLink(db.Document):
    """A roster expert (from `roster.expert.registered`), to put `holder.expert_id` on certificate events.

    Not tenant-owned: it is the platform's shared fact that a person is a roster expert, read only inside
    this service to fill event fields, never served over HTTP.
    """

    meta = {"collection": "expert_links", "indexes": ["email", "user_id"]}

    id = me.StringField(primary_key=True)  # the roster's expert_id
    email = me.StringField(max_length=254)
    user_id = me.StringField(max_length=200)
    full_name = me.StringField(max_length=200)
    nominating_tenant = me.StringField(max_length=64)
    registered_at = me.DateTimeField(default=now)
