"""A nominating organisation's roster manager nominates experts: one with a form, or many from a CSV file.

A file is read and checked whole before anyone is created: a malformed file (wrong columns, a row that cannot be
read) is refused with the rows and columns at fault, and creates nobody. A well-formed file becomes a job (the
collection `nomination_jobs`) whose rows the portal posts, each its own request and a few at a time, to the
roster API with the person's own token, so every rule of the API applies to each row; the job page shows a
progress bar and ends with a per-row report (created, or failed and why). The job advances a slice of rows at
each request of its page (htmx asks for the next one as soon as a slice is done; without scripts, a button does):
the rows are posted within the person's session, whose tokens the portal refreshes as for any page, and no token
is kept anywhere else (ADR 0041).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import time

import mongoengine as me
from flask import abort, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from chassis import db
from chassis.clock import now
from portal import gateway
from portal.forms import Form, answered, problem_of
from portal.roster import blueprint
from portal.roster.common import (
    CLEARANCE_LEVELS,
    EXPERIENCE_LEVELS,
    PROFICIENCY_LEVELS,
    function_names,
    language_options,
    path,
    requiring,
)

NOMINATORS = ("roster_manager", "tenant_admin")
NOMINATION_FIELDS = ("full_name", "email", "phone", "nationality", "clearance_level", "consent_given_on",
                     "languages", "functions")
CSV_COLUMNS = ("full_name", "email", "phone", "nationality", "clearance_level", "consent_given_on", "languages",
               "functions")
REQUIRED_COLUMNS = ("full_name", "email", "nationality", "consent_given_on", "languages", "functions")
MAX_ROWS = 1000
PROBLEMS_SHOWN = 20
SLICE_SECONDS = 1.0  # how long one request of the job page posts rows before it answers with the progress
BATCH = 8  # rows sent at once (4 at a time), well within the gateway's rate for one person
RETRY_LATER = (401, 429)
CLAIM = dt.timedelta(seconds=30)  # one request at a time advances a job
JOB_LIFETIME = dt.timedelta(days=2)
ROWS_OF_A_FORM = 3  # language and function rows the single form offers


class NominationJob(db.Document):
    """A CSV file's nominations, row by row, and what the roster answered to each."""

    meta = {"collection": "nomination_jobs", "indexes": [{"fields": ["expires_at"], "expireAfterSeconds": 0}]}

    owner = me.StringField(required=True)  # the person (token `sub`) who uploaded it: only they see it
    filename = me.StringField()
    rows = me.ListField(me.DictField())  # {line, email, body, outcome: None|created|failed, detail, expert_id}
    done = me.IntField(default=0)
    claimed_until = me.DateTimeField()
    created_at = me.DateTimeField(default=now)
    expires_at = me.DateTimeField(required=True)


# - one expert, with a form


def _pairs(form: Form, first: str, second: str) -> list[tuple[str, str]]:
    return [(a, b) for a, b in zip(form.chosen(first), form.chosen(second), strict=False) if a]


def _nomination_body(form: Form) -> dict:
    body = {name: form.value(name).strip() for name in ("full_name", "email", "phone", "nationality",
                                                         "clearance_level", "consent_given_on")}
    body = {name: value for name, value in body.items() if value}
    body["nationality"] = body.get("nationality", "").upper() or None
    body["languages"] = [{"code": code, "level": level} for code, level in _pairs(form, "language_code",
                                                                                   "language_level")]
    body["functions"] = [{"code": code, "experience_level": level, "years": _number(years)}
                         for (code, level), years in zip(_pairs(form, "function_code", "function_level"),
                                                         form.chosen("function_years"), strict=False)]
    return body


def _number(text: str):
    text = text.strip()
    return int(text) if text.isdigit() else text  # the API names what is not a number


def _form_choices() -> dict:
    return {"functions": sorted(function_names().items(), key=lambda item: item[1]),
            "languages": language_options(), "levels": PROFICIENCY_LEVELS, "clearances": CLEARANCE_LEVELS,
            "experience_levels": EXPERIENCE_LEVELS, "rows": ROWS_OF_A_FORM}


@blueprint.route("/nominations/new", methods=["GET", "POST"])
@requiring(*NOMINATORS)
def nominate():
    if request.method == "GET":
        form = Form(NOMINATION_FIELDS, values=MultiDict({"consent_given_on": dt.date.today().isoformat()}))
        return render_template("roster/nominate.html", form=form, **_form_choices())
    form = Form.submitted(*NOMINATION_FIELDS)
    response = gateway.post(path("experts"), json=_nomination_body(form))
    if not answered(response, form):
        return render_template("roster/nominate.html", form=form, **_form_choices()), 422
    return render_template("roster/nominated.html", expert=response.json())


# - many experts, from a CSV file


def _split(cell: str, parts: int) -> list[list[str]] | None:
    """`a:b;c:d` into [[a, b], [c, d]]; None when an entry has not `parts` parts."""
    entries = [entry.strip().split(":") for entry in cell.split(";") if entry.strip()]
    return entries if entries and all(len(entry) == parts and all(entry) for entry in entries) else None


def row_body(row: dict[str, str]) -> tuple[dict, list[tuple[str, str]]]:
    """The API body of one CSV row, and the (column, problem) pairs that keep it from being one."""
    problems = [(column, _("is empty")) for column in REQUIRED_COLUMNS if not (row.get(column) or "").strip()]
    body = {column: (row.get(column) or "").strip() for column in ("full_name", "email", "phone", "nationality",
                                                                    "clearance_level", "consent_given_on")}
    body = {column: value for column, value in body.items() if value}
    if "nationality" in body:
        body["nationality"] = body["nationality"].upper()
    if body.get("consent_given_on"):
        try:
            dt.date.fromisoformat(body["consent_given_on"])
        except ValueError:
            problems.append(("consent_given_on", _("is not a date written as 2026-01-31")))
    languages = _split(row.get("languages") or "", 2)
    if row.get("languages", "").strip() and (languages is None or any(
            level not in PROFICIENCY_LEVELS for _code, level in languages)):
        problems.append(("languages", _("is not written as code:level;code:level (levels: %(levels)s)",
                                        levels=", ".join(PROFICIENCY_LEVELS))))
    functions = _split(row.get("functions") or "", 3)
    if row.get("functions", "").strip() and (functions is None or any(
            level not in EXPERIENCE_LEVELS or not years.isdigit() for _code, level, years in functions)):
        problems.append(("functions", _("is not written as code:level:years;… (levels: %(levels)s)",
                                        levels=", ".join(EXPERIENCE_LEVELS))))
    body["languages"] = [{"code": code, "level": level} for code, level in languages or ()]
    body["functions"] = [{"code": code, "experience_level": level, "years": int(years) if years.isdigit() else years}
                         for code, level, years in functions or ()]
    return body, problems


def read_file(data: bytes) -> tuple[list[dict], list[str]]:
    """Every row's (line, e-mail, API body), or the problems that make the file unusable (then no rows)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], [_("The file is not text in UTF-8. Save it as “CSV UTF-8” and upload it again.")]
    reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
    try:
        header = reader.fieldnames or []
        records = list(reader)
    except csv.Error as error:
        return [], [_("The file cannot be read as CSV: %(error)s", error=str(error))]
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    unknown = [column for column in header if column not in CSV_COLUMNS]
    if missing or unknown:
        problems = []
        if missing:
            problems.append(_("Columns missing from the first line: %(columns)s", columns=", ".join(missing)))
        if unknown:
            problems.append(_("Columns not known: %(columns)s (known: %(known)s)", columns=", ".join(unknown),
                              known=", ".join(CSV_COLUMNS)))
        return [], problems
    if not records:
        return [], [_("The file has no rows of experts under its first line.")]
    if len(records) > MAX_ROWS:
        return [], [_("The file has %(count)s rows; upload at most %(most)s at once.", count=len(records),
                      most=MAX_ROWS)]
    rows, problems, emails = [], [], {}
    for line, record in enumerate(records, start=2):
        if None in record or any(value is None for value in record.values()):
            problems.append(_("Line %(line)s: it does not have as many cells as the first line.", line=line))
            continue
        body, found = row_body(record)
        email = body.get("email", "").casefold()
        if email and email in emails:
            found.append(("email", _("is also on line %(line)s", line=emails[email])))
        emails.setdefault(email, line)
        problems += [_("Line %(line)s, column %(column)s: %(problem)s", line=line, column=column, problem=problem)
                     for column, problem in found]
        rows.append({"line": line, "email": body.get("email", ""), "body": body, "outcome": None})
    return ([], problems) if problems else (rows, [])


@blueprint.route("/nominations/upload", methods=["GET", "POST"])
@requiring(*NOMINATORS)
def upload():
    if request.method == "GET":
        return render_template("roster/upload.html", problems=[], columns=CSV_COLUMNS)
    sent = request.files.get("file")
    if sent is None or not sent.filename:
        problems = [_("Choose a CSV file to upload.")]
    else:
        rows, problems = read_file(sent.read())
    if problems:
        return render_template("roster/upload.html", problems=problems[:PROBLEMS_SHOWN],
                               more=max(0, len(problems) - PROBLEMS_SHOWN), columns=CSV_COLUMNS), 422
    job = NominationJob(owner=session.person.id, filename=sent.filename[:200], rows=rows,
                        expires_at=now() + JOB_LIFETIME).save()
    return redirect(url_for("roster.nomination_job", job_id=str(job.id)), 303)


def _job(job_id: str) -> NominationJob:
    job = NominationJob.objects(id=db.object_id(job_id, "nomination job"), owner=session.person.id).first()
    if job is None:
        abort(404)
    return job


def _outcome(response) -> tuple[str, str, str | None]:
    if response.ok:
        return "created", "", response.json().get("expert_id")
    problem = problem_of(response)
    rows = problem.get("errors") or []
    detail = "; ".join(f"{row.get('field')}: {row.get('message')}" for row in rows) or \
        str(problem.get("detail") or problem.get("title") or response.status_code)
    return "failed", detail, None


def advance(job: NominationJob) -> NominationJob:
    """Post the job's next rows for about SLICE_SECONDS, if no other request is doing it; the job as it is now."""
    claimed = NominationJob.objects(id=job.id, owner=job.owner).filter(
        me.Q(claimed_until=None) | me.Q(claimed_until__lt=now())).update_one(set__claimed_until=now() + CLAIM)
    if not claimed:
        return job
    started = time.monotonic()
    pending = [row for row in job.rows if row["outcome"] is None]
    try:
        while pending and time.monotonic() - started < SLICE_SECONDS:
            batch, pending = pending[:BATCH], pending[BATCH:]
            responses = gateway.send_each("POST", path("experts"), [row["body"] for row in batch])
            for row, response in zip(batch, responses, strict=True):
                if response.status_code not in RETRY_LATER:
                    row["outcome"], row["detail"], row["expert_id"] = _outcome(response)
            if any(response.status_code in RETRY_LATER for response in responses):
                break  # the person's rate, or a token to renew: the page's next request goes on
    finally:
        job.done = sum(1 for row in job.rows if row["outcome"])
        NominationJob.objects(id=job.id).update_one(set__rows=job.rows, set__done=job.done,
                                                    unset__claimed_until=True)
    return job


def _report(job: NominationJob) -> dict:
    created = sum(1 for row in job.rows if row["outcome"] == "created")
    return {"job": job, "total": len(job.rows), "finished": job.done >= len(job.rows), "created": created,
            "failed": sum(1 for row in job.rows if row["outcome"] == "failed")}


@blueprint.get("/nominations/jobs/<job_id>")
@requiring(*NOMINATORS)
def nomination_job(job_id):
    return render_template("roster/job.html", **_report(_job(job_id)))


@blueprint.post("/nominations/jobs/<job_id>")
@requiring(*NOMINATORS)
def advance_job(job_id):
    """Post the next slice of rows; htmx swaps the progress in place, a browser without scripts gets the page."""
    report = _report(advance(_job(job_id)))
    if request.headers.get("HX-Request"):
        return render_template("roster/job_progress.html", **report)
    return redirect(url_for("roster.nomination_job", job_id=job_id), 303)
