"""Event contracts (ADR 0103): what every producer may emit loads in every consumer that reads it, consumers read
only fields their producer declares, and docs/asyncapi.yaml is valid AsyncAPI 3.0 and current."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import marshmallow as ma
import pytest
import yaml

from chassis import context
from chassis.messaging.contracts import EventContract, Reads, nested_schema
from chassis.testing.events import deliver, envelope
from infra.asyncapi import DOCUMENT, platform_contracts, platform_subscriptions, render

ROOT = Path(__file__).resolve().parents[2]
ASYNCAPI_SCHEMA = ROOT / "portal" / "node_modules" / "@asyncapi" / "specs" / "schemas" / "3.0.0.json"
CONTRACTS = {contract.type: contract for contract in platform_contracts()}


def reading_handlers():
    """(service, handler, event type, the schema it reads that type with) for every platform consumer."""
    for subscriptions in platform_subscriptions():
        for handler in subscriptions.handlers.values():
            for event_type in handler.event_types:
                yield subscriptions.service, handler.name, event_type, handler.reads[event_type]


def fields_not_produced(reads: ma.Schema, produced: ma.Schema, prefix: str = "") -> list[str]:
    """Paths a consumer reads that the producer's contract does not declare, at any depth."""
    missing = []
    for name, field in reads.fields.items():
        key = field.data_key or name
        counterpart = next((candidate for candidate_name, candidate in produced.fields.items()
                            if (candidate.data_key or candidate_name) == key), None)
        if counterpart is None:
            missing.append(prefix + key)
        elif (inner := nested_schema(field)) is not None:
            produced_inner = nested_schema(counterpart)
            missing.extend([prefix + key] if produced_inner is None
                           else fields_not_produced(inner, produced_inner, f"{prefix}{key}."))
    return missing


def test_every_event_a_handler_takes_has_a_contract_its_producer_declares():
    assert [(service, handler, event_type) for service, handler, event_type, _ in reading_handlers()
            if event_type not in CONTRACTS] == []


def test_consumers_read_only_fields_their_producer_declares():
    assert [(service, handler, event_type, path) for service, handler, event_type, reads in reading_handlers()
            for path in fields_not_produced(reads(), CONTRACTS[event_type].schema())] == []


def test_a_producer_renaming_a_field_a_consumer_reads_is_caught():
    """Both checks, shown to bite: training renames `verification_url`, which the notification rules read."""
    produced = CONTRACTS["training.certificate.expired"]
    renamed = {**{key: value for key, value in produced.example.items() if key != "verification_url"},
               "check_url": produced.example["verification_url"]}
    notification_reads = next(reads for service, _, event_type, reads in reading_handlers()
                              if service == "notification" and event_type == "training.certificate.expired")

    assert fields_not_produced(notification_reads(), produced.schema(exclude=["verification_url"])) == [
        "verification_url"]
    with pytest.raises(ma.ValidationError, match="verification_url"):
        notification_reads().load(renamed)


@pytest.fixture
def roster_app(make_app):
    """The roster validates codes against its own read models: the example tenants must be known to it."""
    from roster_service import SERVICE, create_app
    from roster_service.subscriptions import subscriptions

    app = make_app(create_app, SERVICE)
    with app.app_context():
        for tenant in ("RSO", "THA", "IDN", "MYS", "IOM"):
            deliver(subscriptions, envelope("identity.tenant.created", {"tenant": tenant, "name": tenant,
                                                                        "kind": "member_state"}, tenant="RSO"))
        yield app


@pytest.mark.integration
def test_every_variant_a_producer_may_emit_loads_in_every_consumer(roster_app):
    failures = []
    with context.bound(tenant="THA"):
        for service, handler, event_type, reads in reading_handlers():
            for variant in CONTRACTS[event_type].variants():
                try:
                    reads().load(variant)
                except ma.ValidationError as error:
                    failures.append((service, handler, event_type, variant, error.messages))
    assert failures == []


def test_variants_cover_null_and_absent_fields():
    class Inner(ma.Schema):
        code = ma.fields.String(required=True, allow_none=True)

    class Data(ma.Schema):
        id = ma.fields.String(required=True)
        note = ma.fields.String(allow_none=True)
        items = ma.fields.List(ma.fields.Nested(Inner), required=True)

    contract = EventContract("sample.variant.checked", Data, summary="Variants",
                             example={"id": "1", "note": "n", "items": [{"code": "a"}]})
    assert list(contract.variants()) == [
        {"id": "1", "note": "n", "items": [{"code": "a"}]},
        {"id": "1", "note": None, "items": [{"code": None}]},
        {"id": "1", "items": [{"code": "a"}]},
        {"id": "1", "note": None, "items": [{"code": "a"}]},
        {"id": "1", "note": "n", "items": [{"code": None}]},
    ]


def test_a_consumer_sees_only_the_fields_it_declared():
    class NoteRead(Reads):
        note_id = ma.fields.String(required=True)

    assert NoteRead().load({"note_id": "n1", "title": "Secret"}) == {"note_id": "n1"}


def test_the_asyncapi_document_is_valid_and_current():
    document = yaml.safe_load(DOCUMENT.read_text(encoding="utf-8"))
    validator = jsonschema.Draft7Validator(json.loads(ASYNCAPI_SCHEMA.read_text(encoding="utf-8")))
    assert [error.message for error in validator.iter_errors(document)] == []
    assert DOCUMENT.read_text(encoding="utf-8") == render(), "run `rso-dev asyncapi` and commit docs/asyncapi.yaml"
    assert set(document["components"]["messages"]) == {f"{c.type}.v{c.version}".replace(".", "_")
                                                       for c in platform_contracts()}

    broken = {**document, "operations": {"x": {"action": "publish", "channel": {"$ref": "#/channels/x"}}}}
    assert list(validator.iter_errors(broken)), "the schema must refuse an AsyncAPI 2 style operation"


def test_personal_fields_are_marked_in_the_document():
    document = yaml.safe_load(DOCUMENT.read_text(encoding="utf-8"))
    holder = document["components"]["schemas"]["training_certificate_issued_v1"]["properties"]["holder"]
    assert holder["properties"]["email"]["x-personal-data"] is True
    assert "x-personal-data" not in holder["properties"]["tenant"]
