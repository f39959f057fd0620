"""The OpenAPI document of every service, completed by one mechanism so that it says what the service does.

flask-smorest builds each operation from the view's decorators; `ContractPlugin` (an APISpec plugin that
`create_service_app` installs) then adds what holds for every operation of the platform, so no service
has to remember it:

- an `operationId` (`<method>_<blueprint>_<view>`);
- errors as `application/problem+json` with the `Problem` schema, never `application/json`;
- the error answers each operation can give: 401 and 403 where a token is needed (from `chassis.auth.require`,
  which also applies the `bearerAuth` and `oauth2` schemes), 404 where the path names a record, 409 on
  every change, 422 where the request carries input, 413 and 415 where it carries a body, 503 (with
  `Retry-After`) when a dependency is down;
- `X-Pagination` as the JSON text it is (a header with `content`), not an object in `simple` style;
- `maximum` on `page` (`chassis.paging.MAX_PAGE`).

It also records, from the finished document, which operations need a request body, so that the rule
"a required body cannot be omitted" is enforced from the same source that documents it (`chassis.app`).
"""

from __future__ import annotations

import decimal
import re
from collections.abc import Mapping
from typing import Any

import marshmallow as ma
from apispec import BasePlugin

from chassis.paging import MAX_PAGE
from chassis.problems import PROBLEM_MEDIA_TYPE

BEARER_SCHEME = "bearerAuth"
OAUTH2_SCHEME = "oauth2"
PROTECTED = [{BEARER_SCHEME: []}, {OAUTH2_SCHEME: []}]  # either scheme: both send the gateway's bearer token
UNSAFE_METHODS = frozenset({"post", "put", "patch", "delete"})
BODY_METHODS = frozenset({"post", "put", "patch"})
ERROR_RESPONSES = {  # status -> the component flask-smorest registers for it
    "401": "UNAUTHORIZED", "403": "FORBIDDEN", "404": "NOT_FOUND", "409": "CONFLICT", "413": "REQUEST_ENTITY_TOO_LARGE",
    "415": "UNSUPPORTED_MEDIA_TYPE", "422": "UNPROCESSABLE_ENTITY", "503": "SERVICE_UNAVAILABLE",
}
RETRY_AFTER_HEADER = {"description": "Seconds to wait before trying again", "schema": {"type": "integer", "minimum": 1}}


def security_schemes(issuer: str) -> dict[str, dict]:
    """The gateway's bearer JWT, and the OAuth 2.0 flows that obtain it (named so Swagger UI can sign in)."""
    issuer = issuer.rstrip("/")
    return {
        BEARER_SCHEME: {"type": "http", "scheme": "bearer", "bearerFormat": "JWT",
                        "description": "An access token issued by the RSO gateway"},
        OAUTH2_SCHEME: {"type": "oauth2", "description": "The RSO gateway, an OAuth 2.0 authorization server",
                        "flows": {
                            "authorizationCode": {"authorizationUrl": f"{issuer}/oauth/authorize",
                                                  "tokenUrl": f"{issuer}/oauth/token",
                                                  "refreshUrl": f"{issuer}/oauth/token", "scopes": {}},
                            "clientCredentials": {"tokenUrl": f"{issuer}/oauth/token", "scopes": {}},
                        }},
    }


def problem_content() -> dict[str, Any]:
    return {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}


def pagination_header() -> dict[str, Any]:
    """`X-Pagination` carries JSON text; OpenAPI 3 describes such a header with `content`, not `schema`."""
    return {"description": "Pagination metadata, as JSON",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/PaginationMetadata"}}}}


class ContractPlugin(BasePlugin):
    """Completes every operation of the document (see the module docstring); remembers which need a body."""

    def __init__(self) -> None:
        self.required_bodies: set[tuple[str, str]] = set()  # (endpoint, METHOD)
        self.paginated: set[str] = set()  # endpoints
        self.protected: set[tuple[str, str]] = set()  # (endpoint, METHOD) needing a token

    def operation_helper(self, path: str | None = None, operations: dict | None = None, **kwargs: Any) -> None:
        rule = kwargs.get("rule")
        endpoint = rule.endpoint if rule is not None else (path or "")
        names_a_record = bool(rule is not None and rule.arguments)
        for method, operation in (operations or {}).items():
            if method not in {"get", "post", "put", "patch", "delete", "head", "options"}:
                continue
            operation.setdefault("operationId", operation_id(method, endpoint))
            # flask-smorest keys responses by int, apispec by str: one key per status before adding any
            responses = operation["responses"] = {str(status): doc for status, doc in
                                                  operation.get("responses", {}).items()}
            takes_input = bool(operation.get("parameters")) or "requestBody" in operation
            wanted = {"503"}
            if operation.get("security"):
                wanted |= {"401", "403"}
            if names_a_record:
                wanted.add("404")
            if method in UNSAFE_METHODS and operation.get("security"):
                wanted.add("409")
            if takes_input or names_a_record:  # path values are checked too (chassis.app.reject_unstorable_input)
                wanted.add("422")
            if method in BODY_METHODS and "requestBody" in operation:
                wanted |= {"413", "415"}
            for status in sorted(wanted):
                responses.setdefault(status, ERROR_RESPONSES[status])
            _errors_as_problems(responses)
            for parameter in operation.get("parameters", []):
                if isinstance(parameter, Mapping) and (parameter.get("in"), parameter.get("name")) == ("query", "page"):
                    parameter.setdefault("schema", {})["maximum"] = MAX_PAGE
                    if rule is not None:
                        self.paginated.add(rule.endpoint)
            if rule is not None and operation.get("requestBody", {}).get("required"):
                self.required_bodies.add((rule.endpoint, method.upper()))
            if rule is not None and operation.get("security"):
                self.protected.add((rule.endpoint, method.upper()))


def operation_id(method: str, endpoint: str) -> str:
    """`experts.ExpertById` + `patch` -> `patch_experts_expert_by_id`: unique, since endpoints are."""
    snake = re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", endpoint.replace(".", "_")).lower()
    return f"{method}_{snake}"


def _errors_as_problems(responses: dict) -> None:
    """An inline error response documented without content, or as plain JSON of the Problem schema, is a
    problem document; an explicit other schema (the OAuth endpoints' RFC 6749 errors) is left as declared."""
    for status, response in responses.items():
        if not (isinstance(response, dict) and str(status)[:1] in {"4", "5"}):
            continue
        content = response.get("content")
        if not content:
            response["content"] = problem_content()
        elif "application/json" in content and content["application/json"].get("schema") in (
                {"$ref": "#/components/schemas/Problem"}, "Problem"):
            content[PROBLEM_MEDIA_TYPE] = content.pop("application/json")
        if str(status) == "503":
            response.setdefault("headers", {}).setdefault("Retry-After", RETRY_AFTER_HEADER)


def decimal_as_number_or_string(converter, field: ma.fields.Field, ret: dict, **_kwargs) -> dict:
    """A Decimal's bounds are numbers (apispec serialises them with the field, giving "0.00"); one dumped as a
    string (`as_string=True`) is answered as a string and accepted as either, and is documented so."""
    if not isinstance(field, ma.fields.Decimal):
        return {}
    bounds = {key: float(value) for key, value in ret.items()
              if key in {"minimum", "maximum"} and isinstance(value, str | decimal.Decimal)}
    if not field.as_string:
        return bounds
    ret.pop("type", None)
    number = {"type": "number", **{key: float(value) for key, value in ret.items() if key in {"minimum", "maximum"}},
              **bounds}
    for key in ("minimum", "maximum"):
        ret.pop(key, None)
    sign = "" if number.get("minimum", -1) >= 0 else "-?"
    return {"anyOf": [number, {"type": "string", "pattern": rf"^{sign}\d+(\.\d+)?$"}]}


def answers_may_hold_null(document: dict) -> dict:
    """In a schema only answers use, every property that is not `required` is documented nullable.

    A response schema dumps whatever the record holds, and an optional field the record lacks is dumped as
    `null`; declaring each one by hand was forgotten in every service. The rule for authors instead: a field
    an answer always carries, never null, is `required=True` in its response schema. Schemas requests use
    too keep their own declarations (`allow_none=True`), since there nullable also means "null accepted".
    """
    schemas = document.get("components", {}).get("schemas", {})
    answers: set[str] = set()
    requests: set[str] = set()
    for item in document.get("paths", {}).values():
        for method, operation in item.items():
            if method == "parameters" or not isinstance(operation, dict):
                continue
            for status, response in operation.get("responses", {}).items():
                if str(status).startswith("2"):
                    _collect_schema_names(response, schemas, answers)
            _collect_schema_names(operation.get("requestBody", {}), schemas, requests)
            _collect_schema_names(operation.get("parameters", []), schemas, requests)
    for name in answers - requests:
        required = set(schemas[name].get("required", []))
        properties = schemas[name].get("properties", {})
        for field, definition in properties.items():
            if field not in required:
                properties[field] = _nullable(definition)
    return document


def _collect_schema_names(node: Any, schemas: dict, found: set[str]) -> None:
    if isinstance(node, dict):
        reference = node.get("$ref", "")
        if reference.startswith("#/components/schemas/"):
            name = reference.rsplit("/", 1)[1]
            if name not in found and name in schemas:
                found.add(name)
                _collect_schema_names(schemas[name], schemas, found)
        for value in node.values():
            _collect_schema_names(value, schemas, found)
    elif isinstance(node, list):
        for value in node:
            _collect_schema_names(value, schemas, found)


def _nullable(definition: dict) -> dict:
    if definition.get("nullable"):
        return definition
    if "type" in definition:
        return {**definition, "nullable": True}
    return {"anyOf": [definition, {"type": "object", "nullable": True}]}  # OpenAPI 3.0 has no null type
