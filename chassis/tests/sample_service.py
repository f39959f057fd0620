"""A tiny service used only by the chassis tests: every chassis mechanism, no RSO domain."""

from __future__ import annotations

import marshmallow as ma
import mongoengine as me
from bson import ObjectId
from flask.views import MethodView
from flask_smorest import Blueprint

from chassis import db
from chassis.app import create_service_app
from chassis.auth import require
from chassis.messaging import Event, emit
from chassis.messaging.consumer import Subscriptions
from chassis.messaging.contracts import EventContract, Reads
from chassis.paging import page
from chassis.problems import NotFound
from chassis.settings import ServiceSettings
from chassis.tenancy import TenantOwnedDocument

SERVICE = "sample"


class Note(TenantOwnedDocument):
    meta = {"collection": "notes"}
    title = me.StringField(required=True, max_length=200)


class Tally(db.Document):
    """How many note events a handler applied, per tenant: shows whether an event was applied twice."""

    meta = {"collection": "tallies"}
    id = me.StringField(primary_key=True)
    count = me.IntField(default=0)


class NoteIn(ma.Schema):
    title = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=200))
    fail_after_write = ma.fields.Boolean(load_default=False)


class NoteQuery(ma.Schema):
    q = ma.fields.String(metadata={"description": "Part of the title, any case"})


class NotePatch(ma.Schema):
    title = ma.fields.String(validate=ma.validate.Length(min=1, max=200))


class NoteOut(ma.Schema):
    id = ma.fields.String()
    title = ma.fields.String()
    tenant = ma.fields.String()


blueprint = Blueprint("notes", __name__, url_prefix="/notes")


@blueprint.route("")
class Notes(MethodView):
    @require(roles=["case_officer"])
    @blueprint.arguments(NoteIn)
    @blueprint.response(201, NoteOut)
    def post(self, data):
        def write():
            note = Note(title=data["title"]).save()
            emit("sample.note.created", {"note_id": str(note.id), "title": note.title})
            if data["fail_after_write"]:
                raise RuntimeError("failure after the write, before commit")
            return note

        return db.transaction(write)

    @require()
    @blueprint.arguments(NoteQuery, location="query")
    @blueprint.response(200, NoteOut(many=True))
    @blueprint.paginate()
    def get(self, query, pagination_parameters):
        notes = Note.objects(title__icontains=query["q"]) if "q" in query else Note.objects
        return page(notes.order_by("id"), pagination_parameters)


@blueprint.route("/<note_id>")
class NoteById(MethodView):
    @require()
    @blueprint.response(200, NoteOut)
    def get(self, note_id):
        note = Note.objects(id=note_id).first() if ObjectId.is_valid(note_id) else None
        if note is None:
            raise NotFound(f"No note {note_id}")
        return note

    @require(roles=["case_officer"])
    @blueprint.arguments(NotePatch)
    @blueprint.response(200, NoteOut)
    def patch(self, changes, note_id):
        """Every field optional, the body itself required: `{}` changes nothing, no body is a mistake."""
        note = Note.objects(id=note_id).first() if ObjectId.is_valid(note_id) else None
        if note is None:
            raise NotFound(f"No note {note_id}")
        if changes:
            note.modify(**changes)
        return note


subscriptions = Subscriptions(SERVICE)
failing_handler_switch = {"fail": True}


class NoteEvent(ma.Schema):
    note_id = ma.fields.String(required=True)
    title = ma.fields.String()


for event_type in ("sample.note.created", "sample.note.checked"):
    EventContract(event_type, NoteEvent, summary="A note changed.", example={"note_id": "n1", "title": "First"})


@subscriptions.on("sample.note.created", reads=Reads)
def count_notes(event: Event) -> None:
    Tally.objects(id=event.tenant).upsert_one(inc__count=1)


@subscriptions.on("sample.note.flagged", reads=Reads)
def flag_note(event: Event) -> None:
    if failing_handler_switch["fail"]:
        raise RuntimeError("this handler is broken")
    Tally.objects(id=f"flagged:{event.tenant}").upsert_one(inc__count=1)


def create_app(settings: ServiceSettings):
    return create_service_app(settings, title="Sample", blueprints=[blueprint], follows_tenant_status=True)
