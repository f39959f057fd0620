"""The notification service's settings: the service settings plus the SMTP relay and where links point."""

from __future__ import annotations

import dataclasses

from chassis.settings import ServiceSettings


@dataclasses.dataclass(frozen=True)
class NotificationSettings(ServiceSettings):
    # The SMTP relay mail goes to. Locally: the loopback server of `python -m notification_service mail`.
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 8025
    smtp_starttls: bool = False  # upgrade the connection with STARTTLS before authenticating and sending
    smtp_username: str = ""  # authenticate when set
    smtp_password: str = ""
    smtp_timeout_seconds: float = 10.0
    mail_from: str = "RSO Platform <no-reply@rso.example.org>"
    # Where people open the platform (the portal, at the gateway's origin): the links in a notification.
    public_url: str = "http://127.0.0.1:8000"
    mail_poll_seconds: float = 1.0
    mail_retry_max_seconds: float = 300.0  # the longest wait before trying a mail the relay refused again
    # The loopback SMTP server (local runs and tests): where it keeps what it receives.
    mail_store: str = "var/mail"
