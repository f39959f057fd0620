"""No service writes CSV but through chassis.csv_export, which neutralises formula cells."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("chassis", "gateway", "roster_service", "training_service", "joint_action_service", "infra")
CSV_WRITERS = re.compile(r"\bcsv\.(writer|DictWriter)\(")


def test_every_csv_export_goes_through_the_chassis_helper():
    writers = [str(path.relative_to(ROOT)) for package in PACKAGES for path in (ROOT / package).rglob("*.py")
               if "tests" not in path.parts and path != ROOT / "chassis" / "csv_export.py"
               and CSV_WRITERS.search(path.read_text())]
    assert writers == [], "write CSV with chassis.csv_export (formula injection)"
