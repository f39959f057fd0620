"""Notification commands: `rso-notification mailer` (sends pending mail), `rso-notification webhooks` (sends
webhook deliveries) and `rso-notification mail` (the loopback SMTP server of local runs, never for production)."""

from __future__ import annotations

import argparse
from pathlib import Path

from chassis.cli import stop_on_signals
from notification_service.mail.sender import Mailer
from notification_service.mail.server import serve
from notification_service.settings import NotificationSettings
from notification_service.webhooks.dispatcher import WebhookDispatcher


def add_parsers(commands: argparse._SubParsersAction) -> None:
    commands.add_parser("mailer", help="send pending mail to the SMTP relay, retrying while it does not answer")
    commands.add_parser("webhooks", help="send webhook deliveries, signed, retrying with a back-off")
    commands.add_parser("mail", help="a loopback SMTP server on SMTP_HOST:SMTP_PORT keeping every message in the "
                                     "Maildir MAIL_STORE (local runs)")


def mailer(settings: NotificationSettings, args: argparse.Namespace) -> int:
    Mailer(settings).run(stop_on_signals())
    return 0


def webhooks(settings: NotificationSettings, args: argparse.Namespace) -> int:
    WebhookDispatcher(settings).run(stop_on_signals())
    return 0


def mail(settings: NotificationSettings, args: argparse.Namespace) -> int:
    serve(Path(settings.mail_store), settings.smtp_host, settings.smtp_port, stop_on_signals())
    return 0


COMMANDS = {"mailer": mailer, "webhooks": webhooks, "mail": mail}
