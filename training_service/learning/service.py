"""Learning use cases: reading a course's content, completing items, taking quizzes, completing the course.

Quizzes are graded here, on the server; what a trainee receives of a quiz never includes its key.
Completing the last item (or the last quiz) completes the course in the same transaction, and a
passed course issues its certificate there too.
"""

from __future__ import annotations

from collections import defaultdict

import mongoengine as me
from bson import ObjectId

from chassis import db
from chassis.auth import Principal
from chassis.clock import now
from chassis.problems import Conflict, NotFound, ValidationFailed
from training_service import events
from training_service.catalogue.models import Assessment, Course
from training_service.catalogue.service import course_of
from training_service.certificates.service import issue_certificate
from training_service.common import SYSTEM
from training_service.directory.service import take_identity
from training_service.enrolments.models import Enrolment
from training_service.enrolments.seats import ENROLMENT_WORKFLOW
from training_service.enrolments.service import find_enrolment, find_own_enrolment
from training_service.learning.grading import AttemptScore, QuizResult, course_outcome, grade, quiz_result
from training_service.learning.models import Answer, Attempt
from training_service.policy import policy


def content(enrolment_id: str, principal: Principal) -> dict:
    """The course's modules and items with their content, each marked done or not, quizzes with results."""
    enrolment = find_enrolment(enrolment_id, principal)
    course = course_of(enrolment, principal)
    results = quiz_results(enrolment, course)
    modules = []
    for module in course.outline:
        items = []
        for item in module.items:
            entry = {"item_id": item.item_id, "kind": item.kind, "title": item.title, "body": item.body,
                     "document_url": item.document_url,
                     "completed": item.item_id in (enrolment.completed_items or {})}
            if item.kind == "assessment":
                entry["assessment_id"] = item.assessment_id
                entry["quiz"] = _result_view(results[item.assessment_id])
                entry["completed"] = results[item.assessment_id].done
            items.append(entry)
        modules.append({"module_id": module.module_id, "title": module.title, "summary": module.summary,
                        "learning_objectives": module.learning_objectives, "items": items})
    done = sum(1 for module in modules for item in module["items"] if item["completed"])
    return {"enrolment_id": enrolment.id, "course_id": course.id, "course_title": course.title,
            "status": enrolment.status, "pass_mark": course.pass_mark, "modules": modules,
            "progress": {"completed_items": done, "total_items": len(course.content_items())}}


def complete_item(enrolment_id: str, item_id: str, principal: Principal) -> Enrolment:
    """The trainee marks a lesson read or a document studied; quizzes complete by being taken."""

    def work() -> Enrolment:
        enrolment = _learning_enrolment(enrolment_id, principal)
        course = course_of(enrolment, principal)
        item = next((item for item in course.content_items() if item.item_id == item_id), None)
        if item is None:
            raise ValidationFailed({"item_id": ["No such item in this course"]})
        if item.kind == "assessment":
            raise ValidationFailed({"item_id": ["A quiz completes by submitting an attempt"]})
        if item_id not in enrolment.completed_items:
            enrolment.completed_items[item_id] = now()
            enrolment.updated_at = now()
            enrolment.save()
            complete_if_done(enrolment, course)
        return enrolment

    return db.transaction(work)


def quiz(enrolment_id: str, assessment_id: str, principal: Principal) -> dict:
    """A quiz of the course as the trainee sees it: questions and options, no key; their results so far."""
    enrolment = find_own_enrolment(enrolment_id, principal)
    course = course_of(enrolment, principal)
    assessment = _course_assessment(course, assessment_id)
    attempts = _attempts(enrolment).filter(assessment_id=assessment.id).order_by("number")
    result = quiz_result(assessment, [_score(attempt) for attempt in attempts])
    return {"assessment_id": assessment.id, "title": assessment.title, "instructions": assessment.instructions,
            "pass_mark": assessment.pass_mark, "max_attempts": assessment.max_attempts,
            "grading_policy": assessment.grading_policy, "questions": assessment.questions,
            "attempts": list(attempts), **_result_view(result)}


def submit_attempt(enrolment_id: str, assessment_id: str, answers: list[dict], principal: Principal) -> dict:
    """Grade an attempt on the server, count it against the quiz's attempts, complete the course if done."""

    def work() -> dict:
        enrolment = _learning_enrolment(enrolment_id, principal)
        course = course_of(enrolment, principal)
        assessment = _course_assessment(course, assessment_id)
        by_question = _check_answers(assessment, answers)
        previous = [_score(attempt) for attempt in _attempts(enrolment).filter(assessment_id=assessment.id)]
        if quiz_result(assessment, previous).attempts_left == 0:
            raise Conflict("No attempts left for this quiz", max_attempts=assessment.max_attempts)
        graded = grade(assessment.questions, by_question)
        attempt = Attempt(
            tenant=enrolment.tenant, enrolment_id=enrolment.id, assessment_id=assessment.id,
            number=len(previous) + 1, points=graded.points, max_points=graded.max_points, score=graded.score,
            passed=graded.score >= assessment.pass_mark,
            answers=[Answer(question_id=question_id, **answer) for question_id, answer in by_question.items()],
        ).save(force_insert=True)
        complete_if_done(enrolment, course)
        result = quiz_result(assessment, [*previous, _score(attempt)])
        return {"attempt": attempt, **_result_view(result), "enrolment_status": enrolment.status,
                "certificate_id": enrolment.certificate_id}

    try:
        return db.transaction(work)
    except me.NotUniqueError:
        raise Conflict("Another attempt at this quiz was submitted at the same time") from None


def complete_if_done(enrolment: Enrolment, course: Course) -> None:
    """Complete the enrolment once every item is done; issue the certificate when the course is passed."""
    outcome = course_outcome(course.content_items(), enrolment.completed_items, quiz_results(enrolment, course),
                             course.pass_mark)
    if not outcome.done:
        return
    finished = now()
    ENROLMENT_WORKFLOW.take(enrolment, "completed", SYSTEM, "passed" if outcome.passed else "not passed",
                            open_key=None, completed_at=finished, updated_at=finished, passed=outcome.passed,
                            score=outcome.score)
    events.emit_course_completed(enrolment)
    if outcome.passed:
        enrolment.certificate_id = issue_certificate(enrolment, course).id
        enrolment.save()


def quiz_results(enrolment: Enrolment, course: Course) -> dict[ObjectId, QuizResult]:
    quiz_ids = course.assessment_ids()
    assessments = policy.viewer().sees(Assessment, course=course)
    scores: dict[ObjectId, list[AttemptScore]] = defaultdict(list)
    for attempt in _attempts(enrolment).filter(assessment_id__in=quiz_ids):
        scores[attempt.assessment_id].append(_score(attempt))
    return {assessment.id: quiz_result(assessment, scores[assessment.id]) for assessment in assessments}


def _learning_enrolment(enrolment_id: str, principal: Principal) -> Enrolment:
    """The caller's own enrolment, which must hold a seat, marked started. The caller's token names the
    trainee from now on (user id and name): a nomination's typed name never reaches a certificate."""
    enrolment = find_own_enrolment(enrolment_id, principal)
    if enrolment.status != "enrolled":
        raise Conflict("Progress and quizzes count only while enrolled", current_state=enrolment.status)
    enrolment.started_at = enrolment.started_at or now()
    take_identity(enrolment.trainee, principal)
    enrolment.save()
    return enrolment


def _course_assessment(course: Course, assessment_id: str) -> Assessment:
    if not ObjectId.is_valid(assessment_id) or ObjectId(assessment_id) not in course.assessment_ids():
        raise NotFound(f"No assessment {assessment_id} in this course")
    return policy.viewer().get(Assessment, ObjectId(assessment_id), course=course)


def _check_answers(assessment: Assessment, answers: list[dict]) -> dict[str, dict]:
    """Answers keyed by question id; anything that does not fit the quiz is a 422 naming the answer."""
    questions = {question.question_id: question for question in assessment.questions}
    by_question: dict[str, dict] = {}
    errors: dict[str, dict] = {}
    for index, answer in enumerate(answers):
        question = questions.get(answer["question_id"])
        option_ids, text = answer.get("option_ids", []), answer.get("text")
        problem = None
        if question is None:
            problem = {"question_id": ["No such question in this quiz"]}
        elif answer["question_id"] in by_question:
            problem = {"question_id": ["Answered twice"]}
        elif question.kind == "short_answer" and option_ids:
            problem = {"option_ids": ["A short answer question takes text"]}
        elif question.kind != "short_answer" and text:
            problem = {"text": ["A choice question takes option ids"]}
        elif set(option_ids) - {option.option_id for option in question.options}:
            problem = {"option_ids": ["Not an option of this question"]}
        elif question.kind == "single_choice" and len(option_ids) > 1:
            problem = {"option_ids": ["Choose one option"]}
        if problem:
            errors[str(index)] = problem
        else:
            by_question[answer["question_id"]] = {"option_ids": option_ids, "text": text}
    if errors:
        raise ValidationFailed({"answers": errors})
    return by_question


def _attempts(enrolment: Enrolment):
    """The attempts of an enrolment the caller sees (the trainee, or the provider reading its content)."""
    return policy.viewer().sees(Attempt, enrolment=enrolment)


def _score(attempt: Attempt) -> AttemptScore:
    return AttemptScore(number=attempt.number, points=attempt.points, max_points=attempt.max_points,
                        score=attempt.score)


def _result_view(result: QuizResult) -> dict:
    return {"score": result.counted.score if result.counted else None, "passed": result.passed,
            "attempts_used": result.attempts_used, "attempts_left": result.attempts_left}
