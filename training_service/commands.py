"""Training commands: `rso-training certificate-expiry [--every SECONDS] [--on YYYY-MM-DD]`."""

from __future__ import annotations

import argparse
import datetime as dt

from chassis.cli import run_periodically, stop_on_signals
from chassis.clock import today
from chassis.settings import ServiceSettings
from training_service.certificates import expiry


def add_parsers(commands: argparse._SubParsersAction) -> None:
    job = commands.add_parser(
        "certificate-expiry",
        help="expire certificates past their date and remind holders 30 days ahead (safe to run twice)")
    job.add_argument("--every", type=float, metavar="SECONDS",
                     help="run again every SECONDS until SIGTERM/SIGINT (default: run once); a run the database "
                          "fails is retried within a second or so, not a period later")
    job.add_argument("--on", type=dt.date.fromisoformat, metavar="YYYY-MM-DD",
                     help="the day to run for (default: today, UTC); only without --every")


def certificate_expiry(settings: ServiceSettings, args: argparse.Namespace) -> int:
    if args.every is None:
        outcome = expiry.run(args.on or today())
        print(f"expired {outcome.expired}, reminded {outcome.reminded}")
        return 0
    if args.every <= 0 or args.on is not None:
        raise SystemExit("--every takes a positive number of seconds, and runs for the current day each time")
    run_periodically(lambda: expiry.run(today()), every=args.every, stop=stop_on_signals(), settings=settings)
    return 0


COMMANDS = {"certificate-expiry": certificate_expiry}
