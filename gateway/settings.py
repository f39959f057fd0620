"""The gateway's settings: the service settings plus upstreams, token lifetimes and edge limits.

The edge (infra/edge, nginx) reads the upstreams, timeouts and limits from here too, from the same environment."""

from __future__ import annotations

import dataclasses

from chassis.settings import ServiceSettings


@dataclasses.dataclass(frozen=True)
class GatewaySettings(ServiceSettings):
    roster_url: str = "http://127.0.0.1:8001"
    training_url: str = "http://127.0.0.1:8002"
    joint_action_url: str = "http://127.0.0.1:8003"
    portal_url: str = "http://127.0.0.1:8004"  # every path the edge does not send to the gateway is the portal's
    notification_url: str = "http://127.0.0.1:8005"
    upstream_connect_timeout_seconds: float = 2.0
    upstream_read_timeout_seconds: float = 30.0
    rate_limit_per_second: float = 20.0
    rate_limit_burst: int = 40
    access_token_lifetime_seconds: int = 900
    refresh_token_lifetime_seconds: int = 1_209_600
    sign_in_session_lifetime_seconds: int = 28_800  # the gateway's own sign-in session (8 hours)

    def upstreams(self) -> dict[str, str]:
        """Path segment under /api/ -> base URL of the service behind it."""
        return {"roster": self.roster_url, "training": self.training_url, "joint-action": self.joint_action_url,
                "notification": self.notification_url}
