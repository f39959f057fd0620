"""CSV downloads of export endpoints (reports, tamper-evident logs)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from flask import Response


def csv_response(rows: Sequence[dict[str, Any]], fields: Sequence[str], filename: str) -> Response:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(fields), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return Response(buffer.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
