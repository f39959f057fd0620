"""Trainees: the catalogue, enrolling (or the waitlist), lessons, documents and quizzes, completion, certificates
(as a PDF too), and the public check of a certificate that needs no sign-in."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, render_template, request, session, url_for

from portal import gateway
from portal.forms import Form, answered, expect_ok
from portal.pages import signed_in
from portal.training import certificate_pdf
from portal.training.common import API, read, read_all, rich_text, segment

blueprint = Blueprint("training", __name__, url_prefix="/training")
public = Blueprint("certificates", __name__)


@blueprint.get("/courses")
@signed_in
def catalogue():
    courses = read_all("/courses", status="published")
    return render_template("training/catalogue.html", courses=courses)


@blueprint.get("/courses/<course_id>")
@signed_in
def course(course_id):
    shown = read(f"/courses/{segment(course_id)}")
    sessions = read_all(f"/courses/{segment(course_id)}/sessions")
    own = {row["session_id"]: row for row in read_all("/me/enrolments")
           if row.get("course_id") == course_id and row["status"] in ("pending_approval", "waitlisted", "enrolled")}
    authoring = session.person.tenant == shown.get("provider") and session.person.has_any(
        "training_coordinator", "trainer")
    return render_template("training/course.html", course=shown, sessions=sessions, own=own, authoring=authoring,
                           form=Form(()))


@blueprint.post("/sessions/<session_id>/enrol")
@signed_in
def enrol(session_id):
    response = gateway.post(f"{API}/sessions/{segment(session_id)}/enrolments")
    form = Form(())
    if answered(response, form):
        return redirect(url_for("training.enrolment", enrolment_id=response.json()["id"]), 303)
    taken = read(f"/sessions/{segment(session_id)}")
    shown = read(f"/courses/{segment(taken['course_id'])}")
    sessions = read_all(f"/courses/{segment(taken['course_id'])}/sessions")
    return render_template("training/course.html", course=shown, sessions=sessions, own={}, authoring=False,
                           form=form), response.status_code


@blueprint.get("/my")
@signed_in
def mine():
    enrolments = read_all("/me/enrolments")
    certificates = read_all("/me/certificates")
    return render_template("training/mine.html", enrolments=enrolments, certificates=certificates)


@blueprint.get("/enrolments/<enrolment_id>")
@signed_in
def enrolment(enrolment_id):
    shown = read(f"/enrolments/{segment(enrolment_id)}")
    content = None
    if shown["status"] in ("enrolled", "completed"):
        content = read(f"/enrolments/{segment(enrolment_id)}/content")
    certificate = read(f"/certificates/{segment(shown['certificate_id'])}") if shown.get("certificate_id") else None
    return render_template("training/enrolment.html", enrolment=shown, content=content, certificate=certificate,
                           rich_text=rich_text, form=Form(()))


@blueprint.post("/enrolments/<enrolment_id>/done")
@signed_in
def mark_done(enrolment_id):
    item_id = request.form.get("item_id", "")
    form = Form(())
    if answered(gateway.post(f"{API}/enrolments/{segment(enrolment_id)}/progress", json={"item_id": item_id}), form):
        return redirect(url_for("training.enrolment", enrolment_id=enrolment_id, _anchor=f"item-{item_id}"), 303)
    shown = read(f"/enrolments/{segment(enrolment_id)}")
    content = read(f"/enrolments/{segment(enrolment_id)}/content")
    return render_template("training/enrolment.html", enrolment=shown, content=content, certificate=None,
                           rich_text=rich_text, form=form), 409


@blueprint.post("/enrolments/<enrolment_id>/withdraw")
@signed_in
def withdraw(enrolment_id):
    form = Form(())
    if answered(gateway.post(f"{API}/enrolments/{segment(enrolment_id)}/withdraw", json={}), form):
        return redirect(url_for("training.enrolment", enrolment_id=enrolment_id), 303)
    shown = read(f"/enrolments/{segment(enrolment_id)}")
    return render_template("training/enrolment.html", enrolment=shown, content=None, certificate=None,
                           rich_text=rich_text, form=form), 409


def _answers(quiz: dict) -> list[dict]:
    """The submitted form as the API's answers: options chosen per question, or the text typed."""
    answers = []
    for question in quiz["questions"]:
        name = f"q-{question['question_id']}"
        if question["kind"] == "short_answer":
            answers.append({"question_id": question["question_id"], "text": request.form.get(name, "")})
        else:
            answers.append({"question_id": question["question_id"], "option_ids": request.form.getlist(name)})
    return answers


@blueprint.route("/enrolments/<enrolment_id>/quizzes/<assessment_id>", methods=["GET", "POST"])
@signed_in
def quiz(enrolment_id, assessment_id):
    path = f"{API}/enrolments/{segment(enrolment_id)}/assessments/{segment(assessment_id)}"
    shown = expect_ok(gateway.get(path)).json()
    form, result = Form.submitted() if request.method == "POST" else Form(()), None
    if request.method == "POST":
        response = gateway.post(f"{path}/attempts", json={"answers": _answers(shown)})
        if answered(response, form):
            result = response.json()
            shown = expect_ok(gateway.get(path)).json()
    return render_template("training/quiz.html", enrolment_id=enrolment_id, quiz=shown, result=result,
                           form=form), 422 if form.has_errors else 200


@blueprint.get("/certificates/<certificate_id>")
@signed_in
def certificate(certificate_id):
    shown = read(f"/certificates/{segment(certificate_id)}")
    return render_template("training/certificate.html", certificate=shown,
                           verify_url=verification_url(shown["verification_code"]))


@blueprint.get("/certificates/<certificate_id>/certificate.pdf")
@signed_in
def certificate_as_pdf(certificate_id):
    shown = read(f"/certificates/{segment(certificate_id)}")
    return certificate_pdf.download(shown, verification_url(shown["verification_code"]))


def verification_url(code: str) -> str:
    """The public check's address at the origin people use (the gateway's, which serves the portal)."""
    return current_app.extensions["rso.settings"].public_url + url_for("certificates.verify", code=code)


@public.get("/verify/<code>")
def verify(code):
    """Anyone, signed in or not, checks a certificate by the code printed on it."""
    response = gateway.public_get(f"{API}/public/certificates/{segment(code)}")
    if response.status_code == 404:
        abort(404)
    checked = expect_ok(response).json()
    return render_template("training/verify.html", certificate=checked, code=code)
