"""Pure rules of grading: a quiz attempt, a quiz's result under its policy, a course's outcome."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence

from training_service.catalogue.models import Assessment, ContentItem, Question


def normalise_answer(text: str) -> str:
    """Short answers compare without case and with runs of whitespace as one space."""
    return " ".join(text.casefold().split())


def question_points(question: Question, option_ids: Iterable[str], text: str | None) -> int:
    """All or nothing: the exact option (set) for choices, any accepted answer for short answers."""
    if question.kind == "short_answer":
        given = normalise_answer(text or "")
        accepted = {normalise_answer(answer) for answer in question.accepted_answers}
        return question.points if given and given in accepted else 0
    chosen = set(option_ids)
    return question.points if chosen and chosen == set(question.correct_option_ids) else 0


def percent(points: int, max_points: int) -> float:
    return round(100 * points / max_points, 2) if max_points else 100.0


@dataclasses.dataclass(frozen=True)
class Graded:
    points: int
    max_points: int
    score: float


def grade(questions: Sequence[Question], answers: Mapping[str, dict]) -> Graded:
    """Grade answers keyed by question id; an unanswered question earns nothing."""
    points = sum(question_points(question, answers.get(question.question_id, {}).get("option_ids", ()),
                                 answers.get(question.question_id, {}).get("text"))
                 for question in questions)
    max_points = sum(question.points for question in questions)
    return Graded(points, max_points, percent(points, max_points))


@dataclasses.dataclass(frozen=True)
class AttemptScore:
    number: int
    points: int
    max_points: int
    score: float


@dataclasses.dataclass(frozen=True)
class QuizResult:
    """Where a trainee stands on one quiz: the counted attempt (best or last), passed, attempts left."""

    counted: AttemptScore | None
    passed: bool
    attempts_used: int
    attempts_left: int | None

    @property
    def done(self) -> bool:
        """Passed, or no attempt left: either way the quiz no longer holds the course open."""
        return self.passed or self.attempts_left == 0


def quiz_result(assessment: Assessment, attempts: Sequence[AttemptScore]) -> QuizResult:
    counted = None
    if attempts:
        if assessment.grading_policy == "last":
            counted = max(attempts, key=lambda attempt: attempt.number)
        else:
            counted = max(attempts, key=lambda attempt: (attempt.score, attempt.number))
    left = None if assessment.max_attempts is None else max(assessment.max_attempts - len(attempts), 0)
    passed = counted is not None and counted.score >= assessment.pass_mark
    return QuizResult(counted=counted, passed=passed, attempts_used=len(attempts), attempts_left=left)


@dataclasses.dataclass(frozen=True)
class CourseOutcome:
    done: bool
    passed: bool
    score: float | None


def course_outcome(items: Sequence[ContentItem], completed_item_ids: Iterable[str],
                   quizzes: Mapping[object, QuizResult], pass_mark: int) -> CourseOutcome:
    """Done when every lesson and document is completed and every quiz is passed or out of attempts.

    Passed when every quiz is passed and the course score (points earned over points possible in the
    counted attempts of all quizzes) reaches the course's pass mark. A course without quizzes is passed
    by completing it, and has no score.
    """
    completed = set(completed_item_ids)
    quiz_items = [item for item in items if item.kind == "assessment"]
    reading_done = all(item.item_id in completed for item in items if item.kind != "assessment")
    results = [quizzes.get(item.assessment_id) for item in quiz_items]
    done = reading_done and all(result is not None and result.done for result in results)
    if not quiz_items:
        return CourseOutcome(done=done, passed=done, score=None)
    counted = [result.counted for result in results if result is not None and result.counted is not None]
    score = percent(sum(attempt.points for attempt in counted), sum(attempt.max_points for attempt in counted))
    passed = done and all(result.passed for result in results) and score >= pass_mark
    return CourseOutcome(done=done, passed=passed, score=score)
