"""RFC 9457 problem details: the one error format every service answers with.

Domain code raises a `Problem` (or a subclass); the app factory turns it, any HTTPException and any
unexpected exception into `application/problem+json`. Stack traces go to the log, never to the client.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import marshmallow as ma

PROBLEM_MEDIA_TYPE = "application/problem+json"
TYPE_PREFIX = "urn:rso:problem:"


class Problem(Exception):
    """An error with a stable `type`, shown to the client as problem+json."""

    status = 500
    slug = "internal-error"
    title = "Internal server error"

    def __init__(self, detail: str | None = None, *, status: int | None = None, slug: str | None = None,
                 title: str | None = None, headers: Mapping[str, str] | None = None, **extensions: Any):
        super().__init__(detail or title or self.title)
        self.detail = detail
        self.status = status or self.status
        self.slug = slug or self.slug
        self.title = title or self.title
        self.headers = dict(headers or {})
        self.extensions = extensions

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"type": TYPE_PREFIX + self.slug, "title": self.title, "status": self.status}
        if self.detail:
            body["detail"] = self.detail
        body.update(self.extensions)
        return body


class Unauthorized(Problem):
    status, slug, title = 401, "unauthorized", "Authentication required"

    def __init__(self, detail: str | None = None, *, error: str = "invalid_token", **extensions: Any):
        challenge = f'Bearer realm="rso", error="{error}"'
        if detail:
            challenge += f', error_description="{detail}"'
        super().__init__(detail, headers={"WWW-Authenticate": challenge}, **extensions)


class Forbidden(Problem):
    status, slug, title = 403, "forbidden", "Not allowed"


class NotFound(Problem):
    status, slug, title = 404, "not-found", "Not found"


class Conflict(Problem):
    status, slug, title = 409, "conflict", "Conflict"


class InvalidTransition(Conflict):
    """A workflow step that is not allowed from the current state; names the steps that are."""

    slug, title = "invalid-transition", "This step is not allowed in the current state"

    def __init__(self, *, current_state: str, requested: str, allowed_next_states: Iterable[str]):
        allowed = sorted(allowed_next_states)
        super().__init__(
            f"Cannot go to '{requested}' from '{current_state}'",
            current_state=current_state,
            requested=requested,
            allowed_next_states=allowed,
        )


class ValidationFailed(Problem):
    """Input that does not satisfy the schema or a business rule tied to specific fields."""

    status, slug, title = 422, "validation-error", "The request has invalid fields"

    def __init__(self, errors: Mapping[str, Any], *, location: str = "json", detail: str | None = None,
                 rows: list[dict[str, Any]] | None = None):
        super().__init__(detail or "See 'errors' for each offending field",
                         errors=rows if rows is not None else flatten_field_errors(errors, location))

    @classmethod
    def at_locations(cls, errors_by_location: Mapping[str, Mapping[str, Any]]) -> ValidationFailed:
        """Errors keyed by location first, as webargs reports them: `{"query": {"page": [...]}, "json": ...}`."""
        return cls({}, rows=field_errors_from_webargs(errors_by_location))


class ServiceUnavailable(Problem):
    """Something the request needs is down; the request may succeed later, so the answer says when to retry."""

    status, slug, title = 503, "service-unavailable", "A dependency is unavailable"
    retry_after_seconds = 5

    def __init__(self, detail: str | None = None, *, headers: Mapping[str, str] | None = None, **extensions: Any):
        super().__init__(detail, headers={"Retry-After": str(self.retry_after_seconds), **(headers or {})},
                         **extensions)


def flatten_field_errors(messages: Mapping[str, Any], location: str | None = None) -> list[dict[str, Any]]:
    """Turn marshmallow's nested message dict into `[{field, location, message}]`, one row per message."""
    rows: list[dict[str, Any]] = []

    def walk(node: Any, path: list[str]) -> None:
        if isinstance(node, Mapping):
            for key, child in node.items():
                walk(child, [*path, str(key)])
        elif isinstance(node, list | tuple) and node and all(isinstance(item, str) for item in node):
            for message in node:
                rows.append({"field": ".".join(path) or "_schema", "location": location, "message": message})
        elif isinstance(node, list | tuple):
            for child in node:
                walk(child, path)
        else:
            rows.append({"field": ".".join(path) or "_schema", "location": location, "message": str(node)})

    walk(messages, [])
    return rows


def field_errors_from_webargs(messages: Mapping[str, Any]) -> list[dict[str, Any]]:
    """webargs nests messages under their location (`{"json": {...}, "query": {...}}`)."""
    rows: list[dict[str, Any]] = []
    for location, errors in messages.items():
        rows.extend(flatten_field_errors(errors, location))
    return rows


class ProblemSchema(ma.Schema):
    """Documentation of the problem+json body, used in every generated OpenAPI document. Problems carry
    extension members of their own (RFC 9457 section 3.2), so other members are allowed."""

    class Meta:
        unknown = ma.INCLUDE

    type = ma.fields.String(required=True, metadata={"description": "Stable URI identifying the problem type"})
    title = ma.fields.String(required=True)
    status = ma.fields.Integer(required=True)
    detail = ma.fields.String()
    request_id = ma.fields.String()
    errors = ma.fields.List(ma.fields.Dict(), metadata={"description": "Offending fields, one row a message"})
    current_state = ma.fields.String(metadata={"description": "An illegal workflow step: the state it is in"})
    allowed_next_states = ma.fields.List(ma.fields.String(),
                                         metadata={"description": "An illegal workflow step: the steps allowed"})
    failing = ma.fields.List(ma.fields.String(), metadata={"description": "503: the dependencies down"})
