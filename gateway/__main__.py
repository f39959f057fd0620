"""`python -m gateway web|worker|relay|dead-letters|bootstrap|verify-audit-log|rotate-signing-key|...`."""

import sys

from chassis.cli import main as run_command
from gateway import SERVICE, commands, create_app
from gateway.settings import GatewaySettings
from gateway.subscriptions import subscriptions


def main(argv: list[str] | None = None) -> int:
    return run_command(SERVICE, create_app, subscriptions, argv, settings_class=GatewaySettings,
                       extra_commands=commands.COMMANDS, configure_parser=commands.add_parsers)


if __name__ == "__main__":
    sys.exit(main())
