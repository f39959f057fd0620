"""`python -m joint_action_service web|worker|relay|dead-letters`."""

import sys

from chassis.cli import main as run_command
from joint_action_service import SERVICE, create_app
from joint_action_service.subscriptions import subscriptions


def main() -> int:
    return run_command(SERVICE, create_app, subscriptions)


if __name__ == "__main__":
    sys.exit(main())
