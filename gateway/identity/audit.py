"""Recording administrative and authentication events, with who, what, when, from where, and outcome.

The log is tamper-evident (`chassis.hash_chain`): one chain per tenant, the tenant an entry is about (its
target's, else its actor's; entries about no known tenant, such as a sign-in with an unknown e-mail, go to
the chain `-`). An entry is appended in the transaction of what it records when there is one, otherwise in
its own; a concurrent append to the same chain retries it.
"""

from __future__ import annotations

from typing import Any

from flask import has_request_context, request

from chassis import db
from chassis.clock import now
from chassis.hash_chain import HashChain, logged, to_milliseconds
from gateway.identity.models import AuditEntry, AuditHead

UNATTRIBUTED_CHAIN = "-"
CONTENT_FIELDS = ("chain", "seq", "at", "action", "outcome", "actor", "actor_tenant", "target", "target_tenant",
                  "source_address", "details")
AUDIT_LOG = HashChain(AuditEntry, AuditHead, CONTENT_FIELDS, chain_label="tenant")


def record(action: str, *, outcome: str = "success", actor: str | None = None, actor_tenant: str | None = None,
           target: str | None = None, target_tenant: str | None = None, **details: Any) -> dict:
    content = {
        "at": to_milliseconds(now()), "action": action, "outcome": outcome, "actor": actor,
        "actor_tenant": actor_tenant, "target": target, "target_tenant": target_tenant, "details": details,
        "source_address": request.remote_addr if has_request_context() else None,
    }
    chain = target_tenant or actor_tenant or UNATTRIBUTED_CHAIN

    def append() -> dict:
        return AUDIT_LOG.append(chain, [content])[0]

    return append() if db.in_transaction() else logged(append)
