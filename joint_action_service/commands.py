"""Joint-action commands: `rso-joint-action verify-access-log [--case-id ID | --export FILE...]`."""

from __future__ import annotations

import argparse
from pathlib import Path

from joint_action_service.access_log.export_check import read_export, verify_export
from joint_action_service.access_log.service import verify


def add_parsers(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "verify-access-log",
        help="re-check every access-log hash chain; report each broken chain's first broken link (exit 1)")
    parser.add_argument("--case-id", help="only this case's chain")
    parser.add_argument("--export", nargs="+", type=Path, metavar="FILE",
                        help="check the pages of an export (JSON or CSV from GET /access-log) instead of the database")


def verify_access_log(settings, args: argparse.Namespace) -> int:
    result = verify_export(read_export(args.export)) if args.export else verify(args.case_id)
    for link in result.broken:
        print(f"BROKEN: {link}")
    if not result.intact:
        print(f"access log tampered with: {len(result.broken)} of {result.chains} chain(s) broken")
        return 1
    print(f"access log intact: {result.chains} chain(s), {result.entries} entries")
    return 0


COMMANDS = {"verify-access-log": verify_access_log}
