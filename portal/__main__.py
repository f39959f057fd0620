"""`python -m portal web`: the portal's web process (it consumes and publishes no events)."""

import sys

from chassis.cli import main as run_command
from chassis.messaging.consumer import Subscriptions
from portal import SERVICE, create_app
from portal.settings import PortalSettings


def main() -> int:
    return run_command(SERVICE, create_app, Subscriptions(SERVICE), settings_class=PortalSettings)


if __name__ == "__main__":
    sys.exit(main())
