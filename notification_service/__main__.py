"""`python -m notification_service web|worker|relay|mailer|webhooks|mail|dead-letters|check-indexes`."""

import sys

from chassis.cli import main as run_command
from notification_service import SERVICE, commands, create_app
from notification_service.settings import NotificationSettings
from notification_service.subscriptions import subscriptions


def main() -> int:
    return run_command(SERVICE, create_app, subscriptions, settings_class=NotificationSettings,
                       extra_commands=commands.COMMANDS, configure_parser=commands.add_parsers)


if __name__ == "__main__":
    sys.exit(main())
