"""The CloudEvents 1.0 envelope every event travels in, with RSO extension attributes.

Extensions: `tenantid` (the tenant the event concerns), `correlationid` (the request or flow it belongs
to), `causationid` (the event that caused it, if any) and `dataversion` (the version of `data`); and, while
tracing is on, `traceparent` (the W3C trace context it was emitted in: the CloudEvents distributed-tracing
extension, chassis.tracing).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from typing import Any

import marshmallow as ma

from chassis import context, tracing

SPEC_VERSION = "1.0"
EVENT_TYPE_PATTERN = re.compile(r"^[a-z][a-z_]*\.[a-z][a-z_]*\.[a-z][a-z_]*$")


class EnvelopeSchema(ma.Schema):
    class Meta:
        unknown = ma.INCLUDE

    specversion = ma.fields.String(required=True, validate=ma.validate.Equal(SPEC_VERSION))
    id = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=200))
    source = ma.fields.String(required=True)
    type = ma.fields.String(required=True, validate=ma.validate.Regexp(EVENT_TYPE_PATTERN))
    time = ma.fields.String(required=True)
    datacontenttype = ma.fields.String(load_default="application/json")
    data = ma.fields.Dict(required=True)
    tenantid = ma.fields.String(allow_none=True, load_default=None)
    correlationid = ma.fields.String(allow_none=True, load_default=None)
    causationid = ma.fields.String(allow_none=True, load_default=None)
    dataversion = ma.fields.String(load_default="1")
    traceparent = ma.fields.String(allow_none=True, load_default=None)


class MalformedEvent(ValueError):
    """A message that is not a valid RSO CloudEvents envelope."""


@dataclasses.dataclass(frozen=True)
class Event:
    """A received event, as handlers see it."""

    id: str
    type: str
    source: str
    time: str
    data: dict[str, Any]
    tenant: str | None = None
    correlation_id: str | None = None
    causation_id: str | None = None
    dataversion: str = "1"
    traceparent: str | None = None

    @classmethod
    def from_envelope(cls, envelope: dict[str, Any]) -> Event:
        try:
            loaded = EnvelopeSchema().load(envelope)
        except ma.ValidationError as error:
            raise MalformedEvent(str(error.messages)) from error
        return cls(
            id=loaded["id"], type=loaded["type"], source=loaded["source"], time=loaded["time"],
            data=loaded["data"], tenant=loaded["tenantid"], correlation_id=loaded["correlationid"],
            causation_id=loaded["causationid"], dataversion=loaded["dataversion"], traceparent=loaded["traceparent"],
        )

    @classmethod
    def from_bytes(cls, body: bytes) -> Event:
        try:
            envelope = json.loads(body)
        except ValueError as error:
            raise MalformedEvent(f"not JSON: {error}") from error
        if not isinstance(envelope, dict):
            raise MalformedEvent("not a JSON object")
        return cls.from_envelope(envelope)


def make_envelope(event_type: str, data: dict[str, Any], *, source: str, tenant: str | None,
                  dataversion: str = "1", event_id: str | None = None) -> dict[str, Any]:
    """Build an envelope; correlation, causation and trace context come from the current request or event."""
    if not EVENT_TYPE_PATTERN.match(event_type):
        raise ValueError(f"event type {event_type!r} is not '<service>.<aggregate>.<past-tense verb>'")
    event_id = event_id or context.new_id()
    envelope = {
        "specversion": SPEC_VERSION,
        "id": event_id,
        "source": source,
        "type": event_type,
        "time": dt.datetime.now(dt.UTC).isoformat().replace("+00:00", "Z"),
        "datacontenttype": "application/json",
        "data": data,
        "tenantid": tenant,
        "correlationid": context.correlation_id.get() or event_id,
        "causationid": context.causation_id.get(),
        "dataversion": dataversion,
    }
    traceparent = tracing.current_traceparent()
    if traceparent:
        envelope["traceparent"] = traceparent
    return envelope
