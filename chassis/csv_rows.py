"""Reading an uploaded CSV of people: one reading for the service that enrols them and for the portal that sends
the file in parts, so both refuse the same files with the same words before anything is written."""

from __future__ import annotations

import csv
import io

from chassis.problems import ValidationFailed


def read_rows(raw: bytes, required_columns: tuple[str, ...], max_rows: int) -> list[dict[str, str]]:
    """The non-empty data rows of a UTF-8 CSV whose header names every required column (any case, any order),
    keyed by the lower-cased header; a file that cannot be read is a 422 naming `file`."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationFailed({"file": ["The CSV must be UTF-8 encoded"]}, location="body") from None
    try:
        reader = csv.DictReader(io.StringIO(text))
        header = [(name or "").strip().lower() for name in reader.fieldnames or []]
        missing = [column for column in required_columns if column not in header]
        if missing:
            raise ValidationFailed({"file": [f"The header row lacks the column(s): {', '.join(missing)}"]},
                                   location="body")
        reader.fieldnames = header
        rows = [{key: (value or "").strip() for key, value in row.items() if key and isinstance(value, str | None)}
                for row in reader]
    except csv.Error as error:
        raise ValidationFailed({"file": [f"The file is not readable as CSV: {error}"]}, location="body") from None
    rows = [row for row in rows if any(row.values())]
    if not rows:
        raise ValidationFailed({"file": ["The file has no data rows"]}, location="body")
    if len(rows) > max_rows:
        raise ValidationFailed({"file": [f"At most {max_rows} rows per file"]}, location="body")
    return rows

