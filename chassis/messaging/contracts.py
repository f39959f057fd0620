"""Event contracts as code: the schema of each event type's `data`, declared once by its producer.

A producer declares `EventContract(type, Schema, example=...)` in its `events.py`; `emit()` refuses data its
contract does not accept, so what travels is what the contract says. A consumer declares the part it reads
(`Subscriptions.on(..., reads=Schema)`), and its handler gets `data` loaded through that schema: only the
fields it declared, so it cannot come to depend on one silently. `tests/contract` feeds every variant of every
producer's example (each nullable field null, each optional field absent) to every consumer of that type, and
`docs/asyncapi.yaml` is generated from the same declarations (ADR 0103).

Fields holding personal data carry `metadata={"personal": True}`; erasure blanks exactly those (`personal_paths`).
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import marshmallow as ma

PERSONAL = {"personal": True}  # field metadata: this field holds personal data


class ContractViolation(ValueError):
    """A producer built `data` that its event's contract does not accept (a bug in the producer)."""


class UnknownEvent(LookupError):
    """An event type with no declared contract at that version."""


class EventContract:
    """One event type at one `data` version: its schema, a description and a complete example."""

    def __init__(self, event_type: str, schema: type[ma.Schema], *, summary: str, example: dict[str, Any],
                 version: str = "1"):
        self.type, self.schema, self.summary, self.example, self.version = (
            event_type, schema, summary, example, version)
        if errors := schema().validate(example):
            raise ContractViolation(f"the example of {event_type} breaks its own contract: {errors}")
        if (event_type, version) in CONTRACTS and CONTRACTS[event_type, version].schema is not schema:
            raise ValueError(f"{event_type} v{version} is declared twice")
        CONTRACTS[event_type, version] = self

    @property
    def producer(self) -> str:
        return self.type.split(".", 1)[0]

    def check(self, data: dict[str, Any]) -> None:
        if errors := self.schema().validate(data):
            raise ContractViolation(f"{self.type} v{self.version}: {errors}")

    def variants(self) -> Iterator[dict[str, Any]]:
        """The example, then with every nullable field null, then with every optional field absent, then each
        nullable field null on its own: the shapes the producer's code may emit."""
        yield self.example
        yield _transform(self.schema(), self.example, null_all=True)
        yield _transform(self.schema(), self.example, drop_optional=True)
        for path in _paths(self.schema(), lambda field: field.allow_none):
            yield _set_path(self.example, path, None)

    def personal_paths(self) -> list[str]:
        """Dotted paths in `data` of the fields declared personal."""
        return _paths(self.schema(), lambda field: field.metadata.get("personal", False))


CONTRACTS: dict[tuple[str, str], EventContract] = {}


def contract_for(event_type: str, version: str = "1") -> EventContract:
    try:
        return CONTRACTS[event_type, version]
    except KeyError:
        raise UnknownEvent(f"no contract declares {event_type} v{version}; declare it in the producer's "
                           "events.py") from None


class Reads(ma.Schema):
    """Base of a consumer's schema: the fields it reads; others are left out of what the handler sees."""

    class Meta:
        unknown = ma.EXCLUDE


def nested_schema(field: ma.fields.Field) -> ma.Schema | None:
    """The schema a field nests (itself or as the items of a list), if any."""
    if isinstance(field, ma.fields.Nested):
        return field.schema
    if isinstance(field, ma.fields.List) and isinstance(field.inner, ma.fields.Nested):
        return field.inner.schema
    return None


def _paths(schema: ma.Schema, wanted, prefix: str = "") -> list[str]:
    found = []
    for name, field in schema.fields.items():
        path = f"{prefix}{field.data_key or name}"
        if wanted(field):
            found.append(path)
        if (inner := nested_schema(field)) is not None:
            found.extend(_paths(inner, wanted, f"{path}."))
    return found


def _set_path(data: dict[str, Any], path: str, value) -> dict[str, Any]:
    """A copy of `data` with `path` set; a path through a list sets it in every element."""
    result = copy.deepcopy(data)

    def visit(node, keys):
        if isinstance(node, list):
            for item in node:
                visit(item, keys)
        elif isinstance(node, dict) and keys[0] in node:
            if len(keys) == 1:
                node[keys[0]] = value
            else:
                visit(node[keys[0]], keys[1:])

    visit(result, path.split("."))
    return result


def _transform(schema: ma.Schema, data, *, null_all: bool = False, drop_optional: bool = False):
    if isinstance(data, list):
        return [_transform(schema, item, null_all=null_all, drop_optional=drop_optional) for item in data]
    result = {}
    for name, field in schema.fields.items():
        key = field.data_key or name
        if key not in data:
            continue
        if drop_optional and not field.required:
            continue
        if null_all and field.allow_none:
            result[key] = None
        elif (inner := nested_schema(field)) is not None and data[key] is not None:
            result[key] = _transform(inner, data[key], null_all=null_all, drop_optional=drop_optional)
        else:
            result[key] = copy.deepcopy(data[key])
    return result
