"""Checking an access-log export offline, as its holder (a case's lead, a court) can, without the service.

The export's pages (JSON or CSV, as `GET /access-log` gives them, unfiltered or filtered by case only) hold whole
chains: each entry's hash is recomputed from its content and the previous hash; a `withheld` entry (about a record
the holder does not see) has no content, so only its links are checked. What no export can show is the deletion of
a chain's newest entries: `rso-joint-action verify-access-log` on the service checks the chain's head, and an
earlier export still matching a later one shows nothing it held was removed.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from chassis.hash_chain import GENESIS_HASH, BrokenLink, Verification
from joint_action_service.access_log.service import ACCESS_LOG


def read_export(paths: Iterable[Path]) -> list[dict[str, Any]]:
    """The rows of every page, as the service exported them (JSON arrays or CSV files)."""
    rows: list[dict[str, Any]] = []
    for path in paths:
        text = path.read_text(encoding="utf-8")
        rows.extend(json.loads(text) if text.lstrip().startswith("[") else csv.DictReader(text.splitlines()))
    return rows


def _withheld(row: dict[str, Any]) -> bool:
    return row.get("withheld") in (True, "True", "true")


def _content(row: dict[str, Any]) -> dict[str, Any]:
    return {**row, "seq": int(row["seq"]), "at": dt.datetime.fromisoformat(row["at"])}


def verify_export(rows: Iterable[dict[str, Any]]) -> Verification:
    """Every chain of the export, from entry 1; each broken chain's first broken link."""
    chains: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        chains.setdefault(row["chain"], []).append(row)
    broken, checked = [], 0
    for name in sorted(chains):
        entries = sorted(chains[name], key=lambda row: int(row["seq"]))
        checked += len(entries)
        link = _first_broken_link(name, entries)
        if link is not None:
            broken.append(link)
    return Verification(chains=len(chains), entries=checked, broken=broken)


def _first_broken_link(chain: str, entries: list[dict[str, Any]]) -> BrokenLink | None:
    previous = GENESIS_HASH
    for expected, entry in enumerate(entries, start=1):
        if int(entry["seq"]) != expected:
            return BrokenLink(chain, expected, f"entry {expected} is missing (deleted, or not in the export)", "case")
        if entry["prev_hash"] != previous:
            return BrokenLink(chain, expected, f"does not link to entry {expected - 1} (altered or replaced)", "case")
        if not _withheld(entry) and ACCESS_LOG.chain_hash(previous, _content(entry)) != entry["hash"]:
            return BrokenLink(chain, expected, "content does not match its hash (altered)", "case")
        previous = entry["hash"]
    return None
