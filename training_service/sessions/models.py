"""A session of a course, with its capacity and the seat counter enrolments take from."""

from __future__ import annotations

import mongoengine as me

from chassis.clock import now
from chassis.tenancy import TenantOwnedDocument

MODES = ("self_paced", "in_person", "virtual")


class Trainer(me.EmbeddedDocument):
    name = me.StringField(required=True, max_length=200)
    email = me.StringField(max_length=254)


class Session(TenantOwnedDocument):
    """Owned by the course's provider; `hosting_tenant` is where (for whom) it takes place.

    `seats_taken` counts enrolments holding a seat (enrolled or completed). It only changes by
    conditional updates inside the enrolment's transaction, so it never passes `capacity`.
    """

    meta = {"collection": "sessions", "indexes": ["course_id"]}

    course_id = me.ObjectIdField(required=True)
    mode = me.StringField(required=True, choices=MODES)
    title = me.StringField(required=True, max_length=200)
    starts_on = me.DateField()
    ends_on = me.DateField()
    location = me.StringField(max_length=500)
    trainers = me.EmbeddedDocumentListField(Trainer)
    capacity = me.IntField(min_value=1)  # None: unlimited
    hosting_tenant = me.StringField(required=True, max_length=64)
    enrolment_open = me.BooleanField(required=True, default=True)
    seats_taken = me.IntField(required=True, default=0)  # no min_value: mongoengine would refuse $inc -1
    waitlist_counter = me.IntField(required=True, default=0)  # people waitlisted: the next one joins at +1
    created_at = me.DateTimeField(required=True, default=now)
    updated_at = me.DateTimeField(required=True, default=now)

    @property
    def seats_left(self) -> int | None:
        return None if self.capacity is None else max(self.capacity - self.seats_taken, 0)
