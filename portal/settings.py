"""The portal's settings: the service settings plus its OAuth client and where the gateway is."""

from __future__ import annotations

import dataclasses

from chassis.settings import ServiceSettings


@dataclasses.dataclass(frozen=True)
class PortalSettings(ServiceSettings):
    # The gateway as the portal reaches it (token endpoint, APIs); browsers see it at `oauth_issuer`, the
    # origin the gateway serves the portal at.
    gateway_url: str = "http://127.0.0.1:8000"
    portal_client_id: str = "rso-portal"
    portal_client_secret: str = ""  # PORTAL_CLIENT_SECRET: the same value `rso-gateway bootstrap` registers
    session_idle_seconds: int = 8 * 3600  # a session unused this long ends (its record expires)
    refresh_margin_seconds: int = 60  # refresh the access token when it has less than this left
    api_timeout_seconds: float = 30.0
    # The unread count in every page's header: a notification service slower than this shows no count.
    notification_count_timeout_seconds: float = 2.0

    @property
    def public_url(self) -> str:
        """The origin people's browsers use: the gateway's, which serves the portal."""
        return self.oauth_issuer.rstrip("/")

    @property
    def redirect_uri(self) -> str:
        return f"{self.public_url}{CALLBACK_PATH}"


CALLBACK_PATH = "/auth/callback"
