"""`python -m notification_service web|worker|relay|mailer|mail|dead-letters|check-indexes`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from chassis.cli import main as run_command
from chassis.cli import stop_on_signals
from notification_service import SERVICE, create_app
from notification_service.mail.sender import Mailer
from notification_service.mail.server import serve
from notification_service.settings import NotificationSettings
from notification_service.subscriptions import subscriptions


def _parsers(commands: argparse._SubParsersAction) -> None:
    commands.add_parser("mailer", help="send pending mail to the SMTP relay, retrying while it does not answer")
    commands.add_parser("mail", help="a loopback SMTP server for local runs, keeping messages under MAIL_STORE")


def _mailer(settings: NotificationSettings, args: argparse.Namespace) -> int:
    Mailer(settings).run(stop_on_signals())
    return 0


def _mail(settings: NotificationSettings, args: argparse.Namespace) -> int:
    serve(Path(settings.mail_store), settings.smtp_host, settings.smtp_port, stop_on_signals())
    return 0


def main() -> int:
    return run_command(SERVICE, create_app, subscriptions, settings_class=NotificationSettings,
                       extra_commands={"mailer": _mailer, "mail": _mail}, configure_parser=_parsers)


if __name__ == "__main__":
    sys.exit(main())
