"""`python -m training_service web|worker|relay|dead-letters|certificate-expiry`."""

import sys

from chassis.cli import main as run_command
from training_service import SERVICE, commands, create_app
from training_service.subscriptions import subscriptions


def main() -> int:
    return run_command(SERVICE, create_app, subscriptions,
                       extra_commands=commands.COMMANDS, configure_parser=commands.add_parsers)


if __name__ == "__main__":
    sys.exit(main())
