"""Per-request / per-event context shared by logging, messaging and tenancy.

Context variables work for both Flask request threads and the consumer loop, so the same code paths
(e.g. emitting an event from a use case) pick up the right correlation id and tenant either way.
"""

from __future__ import annotations

import contextlib
import contextvars
import uuid

request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)
correlation_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("correlation_id", default=None)
causation_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("causation_id", default=None)
tenant: contextvars.ContextVar[str | None] = contextvars.ContextVar("tenant", default=None)


def new_id() -> str:
    return str(uuid.uuid4())


@contextlib.contextmanager
def bound(**values: str | None):
    """Set several context variables for the duration of a block, restoring them afterwards."""
    variables = {"request_id": request_id, "correlation_id": correlation_id,
                 "causation_id": causation_id, "tenant": tenant}
    tokens = [(variables[name], variables[name].set(value)) for name, value in values.items()]
    try:
        yield
    finally:
        for variable, token in reversed(tokens):
            variable.reset(token)
