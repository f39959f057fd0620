from __future__ import annotations

import datetime as dt

import mongoengine as me

from chassis import db


class StandardOperatingProcedure(me.EmbeddedDocument):
    """One version of a function's SOP; versions are numbered 1, 2, ... and never edited once published."""

    version = me.IntField(required=True, min_value=1)
    title = me.StringField(required=True, max_length=300)
    body = me.StringField(required=True, max_length=100_000)
    effective_date = me.DateField(required=True)
    published_at = me.DateTimeField(required=True)
    published_by = me.StringField(required=True)


class Function(db.Document):
    """An expertise area of the roster. Platform-wide vocabulary, so not owned by any tenant."""

    meta = {"collection": "functions"}

    code = me.StringField(primary_key=True, regex=r"^[a-z][a-z0-9_]{2,63}$")
    name = me.StringField(required=True, max_length=200)
    description = me.StringField(max_length=2000, default="")
    qualifying_courses = me.ListField(me.StringField(max_length=100))
    sops = me.EmbeddedDocumentListField(StandardOperatingProcedure)
    created_at = me.DateTimeField(required=True, default=lambda: dt.datetime.now(dt.UTC))

    def current_sop(self, on: dt.date) -> StandardOperatingProcedure | None:
        """The newest version already in effect on `on`."""
        in_effect = [sop for sop in self.sops if sop.effective_date <= on]
        return max(in_effect, key=lambda sop: sop.version, default=None)
