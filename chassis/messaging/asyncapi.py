"""The AsyncAPI 3.0 document of the event bus, generated from the producers' contracts and the consumers'
subscriptions (chassis.messaging.contracts): one channel per event type on the `rso.events` topic exchange,
a `send` operation per producer and a `receive` operation per consuming handler."""

from __future__ import annotations

import copy
from collections.abc import Iterable

import marshmallow as ma
from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin

from chassis.messaging.consumer import Subscriptions
from chassis.messaging.contracts import EventContract
from chassis.settings import ServiceSettings

AMQP_BINDING = {"amqp": {"is": "routingKey", "bindingVersion": "0.3.0", "exchange": {
    "name": ServiceSettings.events_exchange, "type": "topic", "durable": True, "autoDelete": False, "vhost": "/"}}}
ENVELOPE = {
    "type": "object",
    "description": "A CloudEvents 1.0 envelope with the RSO extension attributes (docs/adr/0002).",
    "required": ["specversion", "id", "source", "type", "time", "data"],
    "properties": {
        "specversion": {"const": "1.0"},
        "id": {"type": "string"},
        "source": {"type": "string", "description": "The producing service"},
        "type": {"type": "string"},
        "time": {"type": "string", "format": "date-time"},
        "datacontenttype": {"const": "application/json"},
        "data": {"type": "object"},
        "tenantid": {"type": ["string", "null"], "description": "The tenant the event concerns"},
        "correlationid": {"type": ["string", "null"]},
        "causationid": {"type": ["string", "null"]},
        "dataversion": {"type": "string"},
        "traceparent": {"type": "string", "description": "W3C trace context it was emitted in, when tracing is on"},
    },
}


def _key(text: str) -> str:
    """AsyncAPI ids allow letters, digits, `_` and `-`."""
    return text.replace(".", "_")


def _personal(converter, field: ma.fields.Field, **_) -> dict:
    return {"x-personal-data": True} if field.metadata.get("personal") else {}


def document(contracts: Iterable[EventContract], consumers: Iterable[Subscriptions], *, version: str) -> dict:
    plugin = MarshmallowPlugin(schema_name_resolver=lambda schema: None)  # nested schemas inline
    APISpec("RSO Platform events", version, "3.1.0", plugins=[plugin])  # JSON Schema's nullability, as OpenAPI 3.1
    plugin.converter.add_attribute_function(_personal)
    channels, operations, messages, schemas = {}, {}, {}, {"CloudEvent": ENVELOPE}
    for contract in sorted(contracts, key=lambda contract: (contract.type, contract.version)):
        channel, message = _key(contract.type), _key(f"{contract.type}.v{contract.version}")
        schemas[message] = plugin.converter.schema2jsonschema(contract.schema)
        messages[message] = {
            "name": contract.type, "title": f"{contract.type} (data version {contract.version})",
            "summary": contract.summary, "contentType": "application/json",
            "payload": {"allOf": [{"$ref": "#/components/schemas/CloudEvent"}, {"properties": {
                "type": {"const": contract.type}, "dataversion": {"const": contract.version},
                "data": {"$ref": f"#/components/schemas/{message}"}}}]},
            "examples": [{"name": "example", "payload": {
                "specversion": "1.0", "type": contract.type, "dataversion": contract.version,
                "data": contract.example}}],
        }
        channels.setdefault(channel, {"address": contract.type, "messages": {},
                                      "bindings": copy.deepcopy(AMQP_BINDING)})
        channels[channel]["messages"][message] = {"$ref": f"#/components/messages/{message}"}
        operations[f"{contract.producer}_sends_{channel}"] = {
            "action": "send", "channel": {"$ref": f"#/channels/{channel}"},
            "summary": f"{contract.producer} publishes it through its outbox",
            "messages": [{"$ref": f"#/channels/{channel}/messages/{message}"}]}
    for subscriptions in consumers:
        for handler in subscriptions.handlers.values():
            for event_type in handler.event_types:
                channel = _key(event_type)
                if channel not in channels:
                    continue  # a type no declared contract produces: tests/contract reports it
                operations[f"{subscriptions.service}_{handler.name}_receives_{channel}"] = {
                    "action": "receive", "channel": {"$ref": f"#/channels/{channel}"},
                    "summary": f"queue {subscriptions.queue_name(handler)}",
                    "messages": [{"$ref": f"#/channels/{channel}/messages/{message}"}
                                 for message in channels[channel]["messages"]]}
    return {
        "asyncapi": "3.0.0",
        "info": {"title": "RSO Platform events", "version": version, "description": (
            "Every event the platform's services publish on RabbitMQ, generated from the producers' contracts "
            "(`events.py`) and the consumers' subscriptions. Fields marked `x-personal-data` hold personal data.")},
        "defaultContentType": "application/json",
        "servers": {"rabbitmq": {"host": "rabbitmq:5672", "protocol": "amqp", "protocolVersion": "0.9.1",
                                 "description": "The platform's broker; exchange `rso.events`, routing key = type"}},
        "channels": channels,
        "operations": operations,
        "components": {"schemas": schemas, "messages": messages},
    }
