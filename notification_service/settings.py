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
    # Webhooks (docs/adr/0082). Receivers must be public https URLs; WEBHOOK_ALLOW_LOCAL lets a subscription name
    # http(s)://127.0.0.1 or localhost and deliveries reach loopback addresses: local testing only, never production.
    webhook_allow_local: bool = False
    webhook_connect_timeout_seconds: float = 5.0
    webhook_timeout_seconds: float = 10.0  # waiting for the receiver's answer
    webhook_max_attempts: int = 8  # a delivery is given up (`failed`) after this many attempts
    webhook_retry_initial_seconds: float = 30.0  # the wait after a first failed attempt, doubling
    webhook_retry_max_seconds: float = 3600.0
    webhook_pause_after_failures: int = 15  # consecutive failed attempts (any delivery) that pause a subscription
    webhook_secret_grace_seconds: float = 86400.0  # after a rotation, the old secret signs too for this long
    webhook_poll_seconds: float = 1.0
    webhook_concurrency: int = 4  # deliveries in flight at once per `webhooks` process
    webhook_log_retention_days: int = 30  # a finished delivery (its body and attempts) is deleted after this
