"""Coordinators and trainers: modules, lessons and quizzes (the answer keys are shown only here), courses and
their versions, sessions with capacity, requests to approve or reject, nominations."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, session, url_for

from portal import gateway
from portal.forms import Form, answered
from portal.pages import requiring
from portal.training.common import API, AUTHORS, COORDINATORS, read, read_all, rich_text, segment

blueprint = Blueprint("authoring", __name__, url_prefix="/training/authoring")
authors = requiring(*AUTHORS)
coordinators = requiring(*COORDINATORS)
MODULE_FIELDS = ("title", "summary", "lesson_title", "lesson_body", "document_title", "document_url",
                 "assessment_id")
QUIZ_FIELDS = ("title", "pass_mark", "max_attempts", "questions")
QUESTION_FIELDS = ("kind", "prompt", "options", "accepted_answers", "questions")
COURSE_FIELDS = ("code", "title", "summary", "module_ids", "pass_mark", "certificate_validity_months",
                 "requires_approval")
SESSION_FIELDS = ("mode", "title", "starts_on", "ends_on", "location", "capacity")
PERSON_FIELDS = ("email", "name")


def _number(value: str) -> int | str | None:
    """A typed whole number as the API takes it; anything else as typed (the API names what is wrong)."""
    value = value.strip()
    if not value:
        return None
    return int(value) if value.lstrip("-").isdigit() else value


@blueprint.get("")
@authors
def index():
    tenant = session.person.tenant
    return render_template("training/authoring.html", modules=read_all("/modules"),
                           quizzes=read_all("/assessments"),
                           courses=[course for course in read_all("/courses") if course.get("provider") == tenant])


# - modules with their lessons, documents and quiz


def _module_page(form: Form, status: int = 200):
    return render_template("training/module_new.html", form=form, quizzes=read_all("/assessments")), status


@blueprint.route("/modules/new", methods=["GET", "POST"])
@authors
def new_module():
    if request.method == "GET":
        return _module_page(Form(MODULE_FIELDS))
    form = Form.submitted(*MODULE_FIELDS)
    items = []
    if form.value("lesson_title") or form.value("lesson_body"):
        items.append({"kind": "lesson", "title": form.value("lesson_title"), "body": form.value("lesson_body")})
    if form.value("document_title") or form.value("document_url"):
        items.append({"kind": "document", "title": form.value("document_title"),
                      "document_url": form.value("document_url")})
    if form.value("assessment_id"):
        quiz = next((row for row in read_all("/assessments") if row["id"] == form.value("assessment_id")), None)
        items.append({"kind": "assessment", "title": quiz["title"] if quiz else "",
                      "assessment_id": form.value("assessment_id")})
    response = gateway.post(f"{API}/modules", json={"title": form.value("title"), "summary": form.value("summary"),
                                                    "items": items})
    if not answered(response, form):
        _name_item_errors(form, items)
        return _module_page(form, 422)
    return redirect(url_for("authoring.module", module_id=response.json()["id"]), 303)


def _name_item_errors(form: Form, items: list[dict]) -> None:
    """The API names an item's field `items.N.body`; the form shows it beside the input it came from."""
    inputs = {"lesson": {"title": "lesson_title", "body": "lesson_body"},
              "document": {"title": "document_title", "document_url": "document_url"},
              "assessment": {"assessment_id": "assessment_id", "title": "assessment_id"}}
    for message in form.general_errors[:]:
        field, _, text = message.partition(": ")
        parts = field.split(".")
        if len(parts) == 3 and parts[0] == "items" and parts[1].isdigit() and int(parts[1]) < len(items):
            target = inputs[items[int(parts[1])]["kind"]].get(parts[2])
            if target:
                form.general_errors.remove(message)
                form.errors.setdefault(target, []).append(text)


@blueprint.get("/modules/<module_id>")
@authors
def module(module_id):
    return render_template("training/module.html", module=read(f"/modules/{segment(module_id)}"),
                           rich_text=rich_text)


# - quizzes: the answer keys are shown here, to their authors, and nowhere else


def _options(text: str) -> list[dict]:
    """One option a line; a line starting with `*` is a right answer."""
    options = []
    for line in text.splitlines():
        line = line.strip()
        if line:
            options.append({"text": line.lstrip("*").strip(), "correct": line.startswith("*")})
    return options


def _question(form: Form) -> dict:
    kind = form.value("kind")
    question = {"kind": kind, "prompt": form.value("prompt")}
    if kind == "short_answer":
        question["accepted_answers"] = [line.strip() for line in form.value("accepted_answers").splitlines()
                                        if line.strip()]
    else:
        question["options"] = _options(form.value("options"))
    return question


@blueprint.route("/quizzes/new", methods=["GET", "POST"])
@authors
def new_quiz():
    fields = QUIZ_FIELDS + QUESTION_FIELDS
    if request.method == "GET":
        form = Form(fields)
        form.values.update({"pass_mark": "70", "max_attempts": "3", "kind": "single_choice"})
        return render_template("training/quiz_new.html", form=form)
    form = Form.submitted(*fields)
    response = gateway.post(f"{API}/assessments", json={
        "title": form.value("title"), "pass_mark": _number(form.value("pass_mark")),
        "max_attempts": _number(form.value("max_attempts")), "questions": [_question(form)]})
    if not answered(response, form):
        return render_template("training/quiz_new.html", form=form), 422
    return redirect(url_for("authoring.quiz", assessment_id=response.json()["id"]), 303)


@blueprint.route("/quizzes/<assessment_id>", methods=["GET", "POST"])
@authors
def quiz(assessment_id):
    path = f"/assessments/{segment(assessment_id)}"
    shown = read(path)
    form = Form(QUESTION_FIELDS)
    if request.method == "POST":
        form = Form.submitted(*QUESTION_FIELDS)
        kept = [{key: question[key] for key in ("kind", "prompt", "points", "accepted_answers") if key in question}
                | ({"options": [{"text": option["text"], "correct": option["correct"]}
                                for option in question.get("options") or []]})
                for question in shown["questions"]]
        response = gateway.patch(f"{API}{path}", json={"questions": [*kept, _question(form)]})
        if answered(response, form):
            return redirect(url_for("authoring.quiz", assessment_id=assessment_id), 303)
    else:
        form.values["kind"] = "single_choice"
    return render_template("training/quiz_key.html", quiz=shown, form=form), 422 if form.has_errors else 200


# - courses and their versions


@blueprint.route("/courses/new", methods=["GET", "POST"])
@authors
def new_course():
    modules = [(module["id"], module["title"]) for module in read_all("/modules")]
    if request.method == "GET":
        form = Form(COURSE_FIELDS)
        form.values.update({"pass_mark": "70", "requires_approval": "no"})
        return render_template("training/course_new.html", form=form, module_options=modules)
    form = Form.submitted(*COURSE_FIELDS)
    response = gateway.post(f"{API}/courses", json={
        "code": form.value("code").strip(), "title": form.value("title"), "summary": form.value("summary"),
        "module_ids": form.chosen("module_ids"), "pass_mark": _number(form.value("pass_mark")),
        "certificate_validity_months": _number(form.value("certificate_validity_months")),
        "requires_approval": form.value("requires_approval") == "yes"})
    if not answered(response, form):
        return render_template("training/course_new.html", form=form, module_options=modules), 422
    return redirect(url_for("training.course", course_id=response.json()["id"]), 303)


@blueprint.post("/courses/<course_id>/publish")
@coordinators
def publish(course_id):
    form = Form(())
    if answered(gateway.post(f"{API}/courses/{segment(course_id)}/status", json={"status": "published"}), form):
        return redirect(url_for("training.course", course_id=course_id), 303)
    return _course_with(course_id, form)


@blueprint.post("/courses/<course_id>/versions")
@authors
def new_version(course_id):
    form = Form(())
    response = gateway.post(f"{API}/courses/{segment(course_id)}/versions", json={})
    if answered(response, form):
        return redirect(url_for("training.course", course_id=response.json()["id"]), 303)
    return _course_with(course_id, form)


def _course_with(course_id: str, form: Form, session_form: Form | None = None):
    return render_template("training/course.html", course=read(f"/courses/{segment(course_id)}"),
                           sessions=read_all(f"/courses/{segment(course_id)}/sessions"), own={}, authoring=True,
                           form=form, session_form=session_form), 422 if form.has_errors else 200


@blueprint.post("/courses/<course_id>/sessions")
@coordinators
def new_session(course_id):
    form = Form.submitted(*SESSION_FIELDS)
    body = {"mode": form.value("mode"), "title": form.value("title"), "capacity": _number(form.value("capacity"))}
    for name in ("starts_on", "ends_on", "location"):
        if form.value(name).strip():
            body[name] = form.value(name).strip()
    response = gateway.post(f"{API}/courses/{segment(course_id)}/sessions", json=body)
    if answered(response, form):
        return redirect(url_for("authoring.session_page", session_id=response.json()["id"]), 303)
    return _course_with(course_id, Form(()), form)


# - a session's people: requests, nominations, the bulk upload


def _session_page(session_id: str, form: Form | None = None, step_form: Form | None = None):
    shown = read(f"/sessions/{segment(session_id)}")
    enrolments = read_all(f"/sessions/{segment(session_id)}/enrolments")
    status = 422 if (form and form.has_errors) or (step_form and step_form.has_errors) else 200
    return render_template("training/session.html", training_session=shown, enrolments=enrolments,
                           course=read(f"/courses/{segment(shown['course_id'])}"),
                           form=form or Form(PERSON_FIELDS), step_form=step_form or Form(())), status


@blueprint.get("/sessions/<session_id>")
@authors
def session_page(session_id):
    return _session_page(session_id)


@blueprint.post("/sessions/<session_id>/nominations")
@coordinators
def nominate(session_id):
    form = Form.submitted(*PERSON_FIELDS)
    response = gateway.post(f"{API}/sessions/{segment(session_id)}/nominations",
                            json={"email": form.value("email").strip(), "name": form.value("name").strip()})
    if answered(response, form):
        return redirect(url_for("authoring.session_page", session_id=session_id, nominated=1), 303)
    return _session_page(session_id, form=form)


@blueprint.get("/approvals")
@coordinators
def approvals():
    return render_template("training/approvals.html", enrolments=read_all("/enrolments", status="pending_approval"),
                           form=Form(()))


@blueprint.post("/enrolments/<enrolment_id>/<step>")
@coordinators
def decide(enrolment_id, step):
    """Approve or reject a request, then back to where the coordinator decided it."""
    if step not in ("approve", "reject"):
        return redirect(url_for("authoring.approvals"), 303)
    form = Form(())
    back = request.form.get("session_id")
    response = gateway.post(f"{API}/enrolments/{segment(enrolment_id)}/{step}",
                            json={"comment": request.form.get("comment", "")} if request.form.get("comment") else {})
    if answered(response, form):
        if back:
            return redirect(url_for("authoring.session_page", session_id=back), 303)
        return redirect(url_for("authoring.approvals"), 303)
    if back:
        return _session_page(back, step_form=form)
    return render_template("training/approvals.html", enrolments=read_all("/enrolments", status="pending_approval"),
                           form=form), 409
