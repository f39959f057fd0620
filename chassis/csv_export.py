"""CSV downloads. Every CSV a service serves is written here, with defusedcsv: a cell starting with `=`, `+`,
`-`, `@`, `|` or `%` (other than a plain number such as `-3`) gets a leading `'`, so a spreadsheet shows it as
text instead of running it as a formula (CSV or formula injection). The JSON form of an export keeps the exact
values."""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from defusedcsv import csv
from flask import Response

CSV_MEDIA_TYPE = "text/csv"


def csv_text(rows: Iterable[Mapping[str, Any]], fields: Sequence[str]) -> str:
    """A header of `fields`, then one line per row; a field a row lacks is empty."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(fields), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def csv_response(rows: Iterable[Mapping[str, Any]], fields: Sequence[str], filename: str) -> Response:
    """`rows` as a CSV attachment named `filename`."""
    return Response(csv_text(rows, fields), mimetype=CSV_MEDIA_TYPE,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
