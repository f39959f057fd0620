"""`python -m joint_action_service web|worker|relay|dead-letters|verify-access-log`."""

import sys

from chassis.cli import main as run_command
from joint_action_service import SERVICE, commands, create_app
from joint_action_service.subscriptions import subscriptions


def main(argv: list[str] | None = None) -> int:
    return run_command(SERVICE, create_app, subscriptions, argv,
                       extra_commands=commands.COMMANDS, configure_parser=commands.add_parsers)


if __name__ == "__main__":
    sys.exit(main())
