"""Bulk enrolment from CSV: each row is enrolled on its own, and the report says what became of each.

A row whose address no person of the coordinator's tenant has used training with yet is reported
`invited` (its place held, `status` saying which), never silently `enrolled`: the coordinator sees
whom to tell, and which addresses to check.

A bad row (invalid e-mail, missing name, already enrolled, prerequisites missing) never stops the
others: every good row is committed in its own transaction. A file that cannot be read at all (not
UTF-8, no `email`/`name` header, no rows) answers 422 and enrols nobody.
"""

from __future__ import annotations

import csv
import io

import marshmallow as ma
from marshmallow import validate

from chassis.auth import Principal
from chassis.problems import Problem, ValidationFailed
from training_service.directory.service import nominated_person
from training_service.enrolments.service import enrol, open_session

REQUIRED_COLUMNS = ("email", "name")
MAX_ROWS = 2000


class BulkRow(ma.Schema):
    class Meta:
        unknown = ma.EXCLUDE

    email = ma.fields.Email(required=True, validate=validate.Length(max=254))
    name = ma.fields.String(required=True, validate=validate.Length(min=1, max=200))


def read_rows(raw: bytes) -> list[dict[str, str]]:
    """The data rows of a CSV file whose header names at least `email` and `name`."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationFailed({"file": ["The CSV must be UTF-8 encoded"]}, location="body") from None
    reader = csv.DictReader(io.StringIO(text))
    header = [(name or "").strip().lower() for name in reader.fieldnames or []]
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    if missing:
        raise ValidationFailed({"file": [f"The header row lacks the column(s): {', '.join(missing)}"]},
                               location="body")
    reader.fieldnames = header
    rows = [{key: (value or "").strip() for key, value in row.items() if key} for row in reader]
    rows = [row for row in rows if any(row.values())]
    if not rows:
        raise ValidationFailed({"file": ["The file has no data rows"]}, location="body")
    if len(rows) > MAX_ROWS:
        raise ValidationFailed({"file": [f"At most {MAX_ROWS} rows per file"]}, location="body")
    return rows


def enrol_rows(session_id: str, raw: bytes, principal: Principal) -> dict:
    """Enrol every row as a nomination by `principal`; return the per-row report and totals."""
    rows = read_rows(raw)
    session, course = open_session(session_id, principal)
    report = []
    for number, row in enumerate(rows, start=1):
        outcome = {"row": number, "email": row.get("email", "")}
        try:
            person = BulkRow().load({key: value for key, value in row.items() if value})
            trainee = nominated_person(person["email"], person["name"], principal)
            enrolment = enrol(session, course, trainee, source="bulk", nominated_by=principal.sub)
        except ma.ValidationError as error:
            outcome.update(outcome="failed", errors=_field_errors(error.messages))
        except Problem as problem:
            outcome.update(outcome="failed", errors=problem.extensions.get("errors") or [
                {"field": None, "message": problem.detail}])
        else:
            outcome.update(outcome=enrolment.status if trainee.user_id else "invited", status=enrolment.status,
                           enrolment_id=str(enrolment.id))
        report.append(outcome)
    totals = {}
    for outcome in report:
        totals[outcome["outcome"]] = totals.get(outcome["outcome"], 0) + 1
    return {"session_id": str(session.id), "rows": report, "totals": totals}


def _field_errors(messages: dict) -> list[dict]:
    return [{"field": field, "message": message}
            for field, field_messages in messages.items() for message in field_messages]
