"""Recording administrative and authentication events, with who, what, when, from where, and outcome."""

from __future__ import annotations

from typing import Any

from flask import has_request_context, request

from gateway.identity.models import AuditEntry


def record(action: str, *, outcome: str = "success", actor: str | None = None, actor_tenant: str | None = None,
           target: str | None = None, target_tenant: str | None = None, **details: Any) -> AuditEntry:
    return AuditEntry(
        action=action, outcome=outcome, actor=actor, actor_tenant=actor_tenant, target=target,
        target_tenant=target_tenant, details=details,
        source_address=request.remote_addr if has_request_context() else None,
    ).save(force_insert=True)
