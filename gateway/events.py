"""What the gateway's events say of a person (docs/events.md): one shape for the administration API and the
`publish-people` command."""

from __future__ import annotations

from typing import Any

from gateway.identity.models import User


def person_data(user: User) -> dict[str, Any]:
    """`identity.user.created|updated`: what other services may know of a person."""
    return {"tenant": user.tenant, "user_id": str(user.id), "email": user.email, "display_name": user.display_name,
            "roles": list(user.roles), "preferred_language": user.preferred_language, "status": user.status}
