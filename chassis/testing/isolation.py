"""Walk every route of a service as one caller and look for what it must not find (ADR 0100).

A service's isolation test builds a world of records, then for each caller (a tenant with no relation, one with a
read share, one whose participation ended) calls every route with every method (`every_response`) and checks that
no answer carries what that caller may not see (`assert_finds_nothing`) and that nothing of other tenants changed
(`stored`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

import mongoengine

from chassis.testing.routes import service_routes

BodyFor = Callable[[str, str], object]


def every_response(app, client, headers: dict, values: dict, *, body_for: BodyFor | None = None,
                   queries: dict[str, list[dict]] | None = None) -> Iterator[tuple[str, object]]:
    """Call every route of `app` with every method as the caller of `headers`: path arguments from `values`, a
    write's body from `body_for(method, rule)` (else an empty object), each query of `queries[rule]` (else none).
    Yields `("METHOD /path", response)`."""
    for rule in service_routes(app):
        unknown = set(rule.arguments) - set(values)
        assert not unknown, f"{rule.rule}: the test gives no value for {sorted(unknown)}"
        path = rule.build({name: values[name] for name in rule.arguments}, append_unknown=False)[1]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            body = None if method in ("GET", "DELETE") else (body_for(method, rule.rule) if body_for else None)
            if body is None and method not in ("GET", "DELETE"):
                body = {}
            for query in (queries or {}).get(rule.rule, [{}]):
                options = {"data": body, "content_type": "text/csv"} if isinstance(body, str) else {"json": body}
                yield f"{method} {path}", client.open(path, method=method, headers=headers, query_string=query,
                                                      **options)


def assert_finds_nothing(responses: Iterable[tuple[str, object]], secrets: Iterable[str], *,
                         record_ids: Iterable[str] = ()) -> int:
    """No answer is a server error or carries one of `secrets` (names, titles, e-mail addresses), and no successful
    answer names one of `record_ids` (a refusal may echo the id it was asked for). Returns how many calls it saw."""
    secrets, record_ids = list(secrets), list(record_ids)
    seen = 0
    for label, response in responses:
        seen += 1
        assert response.status_code < 500, f"{label} answered {response.status_code}"
        text = response.get_data(as_text=True)
        leaked = [secret for secret in secrets if secret.casefold() in text.casefold()]
        if 200 <= response.status_code < 300:
            leaked += [record_id for record_id in record_ids if record_id in text]
        assert not leaked, f"{label} answered {response.status_code} with {leaked}"
    return seen


def stored(*, excluding_tenant: str, collections_skipped: Iterable[str] = ()) -> dict:
    """Every stored document of the service's database not owned by `excluding_tenant` (the caller's own new records
    may appear), except `collections_skipped` (outbox, access logs): a change to another tenant's data shows."""
    database = mongoengine.get_db()
    skipped = set(collections_skipped)
    state = {}
    for name in database.list_collection_names():
        if name not in skipped:
            documents = sorted(map(repr, database[name].find({"tenant": {"$ne": excluding_tenant}})))
            if documents:
                state[name] = documents
    return state
