"""Bulk enrolment from a CSV file, with a progress bar and a per-row report.

The training API enrols a whole file in one request and answers only at the end. To show progress, the portal
reads the file first (the same reading as the API's, `chassis.csv_rows`: a file that cannot be read enrols
nobody), keeps it as parts of `PART_ROWS` rows in its own database (written back by `chassis.csv_export`, so a cell a
spreadsheet would run as a formula arrives neutralised), and sends one part per step. The progress
page asks for the next step as soon as it is shown (htmx; without scripts, a button does the same), so each step
is an ordinary request of the signed-in person, with their token: no token is used outside their requests.
A step claims its part with a conditional update, so two tabs never send one part twice. ADR 0043.
"""

from __future__ import annotations

import datetime as dt

import mongoengine as me
from flask import Blueprint, abort, redirect, render_template, request, session, url_for

from chassis import csv_rows, db
from chassis.clock import now
from chassis.csv_export import csv_text
from chassis.problems import ValidationFailed
from portal import gateway
from portal.forms import Form, problem_of
from portal.pages import requiring
from portal.training.common import API, COORDINATORS, read, segment

blueprint = Blueprint("bulk", __name__, url_prefix="/training")
coordinators = requiring(*COORDINATORS)
COLUMNS = ("email", "name")
MAX_ROWS = 2000  # the API's limit per file
PART_ROWS = 50
KEPT_FOR = dt.timedelta(days=1)
CLAIM_HOLD = dt.timedelta(seconds=60)


class BulkEnrolment(db.Document):
    meta = {"collection": "bulk_enrolments", "indexes": [{"fields": ["expires_at"], "expireAfterSeconds": 0}]}

    tenant = me.StringField(required=True)
    owner = me.StringField(required=True)  # the person who uploaded it; nobody else sees it
    session_id = me.StringField(required=True)
    filename = me.StringField()
    parts = me.ListField(me.StringField())  # CSV text, header included
    total_rows = me.IntField(required=True)
    next_part = me.IntField(default=0)
    claimed_until = me.DateTimeField()
    report = me.ListField(me.DictField())
    failure = me.StringField()  # the API refused a part as a whole (session closed meanwhile, ...)
    expires_at = me.DateTimeField(required=True)

    @property
    def done_rows(self) -> int:
        return len(self.report)

    @property
    def finished(self) -> bool:
        return self.next_part >= len(self.parts) or bool(self.failure)

    def totals(self) -> dict[str, int]:
        counted: dict[str, int] = {}
        for row in self.report:
            counted[row["outcome"]] = counted.get(row["outcome"], 0) + 1
        return counted


def _owned(job_id: str) -> BulkEnrolment:
    job = BulkEnrolment.objects(id=job_id, owner=session.person.id, tenant=session.person.tenant).first() \
        if len(job_id) == 24 else None
    if job is None:
        abort(404)
    return job


@blueprint.route("/sessions/<session_id>/bulk", methods=["GET", "POST"])
@coordinators
def upload(session_id):
    shown = read(f"/sessions/{segment(session_id)}")
    form = Form(("file",))
    if request.method == "POST":
        upload_file = request.files.get("file")
        try:
            rows = csv_rows.read_rows(upload_file.read() if upload_file else b"", COLUMNS, MAX_ROWS)
        except ValidationFailed as refused:
            for row in refused.extensions.get("errors") or []:
                form.add_error("file", row["message"])
        else:
            parts = [csv_text(rows[start:start + PART_ROWS], COLUMNS)
                     for start in range(0, len(rows), PART_ROWS)]
            job = BulkEnrolment(tenant=session.person.tenant, owner=session.person.id, session_id=session_id,
                                filename=upload_file.filename, parts=parts, total_rows=len(rows),
                                expires_at=now() + KEPT_FOR).save()
            return redirect(url_for("bulk.progress", job_id=str(job.id)), 303)
    return render_template("training/bulk_upload.html", training_session=shown, form=form), \
        422 if form.has_errors else 200


@blueprint.get("/bulk/<job_id>")
@coordinators
def progress(job_id):
    job = _owned(job_id)
    return render_template("training/bulk_progress.html", job=job)


@blueprint.post("/bulk/<job_id>/step")
@coordinators
def step(job_id):
    """Send the next part of the file, if no other request is sending it, and show where the upload stands."""
    job = _owned(job_id)
    part = job.next_part
    if not job.finished and BulkEnrolment.objects(id=job.id, next_part=part).filter(
            me.Q(claimed_until=None) | me.Q(claimed_until__lt=now())).update_one(
            set__claimed_until=now() + CLAIM_HOLD) == 1:
        response = gateway.post(f"{API}/sessions/{segment(job.session_id)}/enrolments/bulk",
                                data=job.parts[part].encode(), headers={"Content-Type": "text/csv"})
        offset = part * PART_ROWS
        if response.ok:
            rows = [{**row, "row": row["row"] + offset} for row in response.json()["rows"]]
            BulkEnrolment.objects(id=job.id).update_one(push_all__report=rows, inc__next_part=1,
                                                         set__claimed_until=None)
        else:
            problem = problem_of(response)
            BulkEnrolment.objects(id=job.id).update_one(
                set__failure=str(problem.get("detail") or problem.get("title") or response.status_code),
                set__claimed_until=None)
        job.reload()
    if request.headers.get("HX-Request") == "true":
        return render_template("training/_bulk_status.html", job=job)
    return redirect(url_for("bulk.progress", job_id=job_id), 303)
