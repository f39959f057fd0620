"""Grading rules: questions, attempts under a policy, a course's outcome."""

import pytest
from bson import ObjectId

from training_service.catalogue.models import Assessment, ContentItem, Option, Question
from training_service.learning.grading import (
    AttemptScore,
    course_outcome,
    grade,
    normalise_answer,
    question_points,
    quiz_result,
)


def choice(kind="single_choice", correct=("a",), points=1):
    return Question(question_id="q", kind=kind, prompt="?", points=points,
                    options=[Option(option_id=o, text=o) for o in "abc"], correct_option_ids=list(correct))


def short(*accepted, points=2):
    return Question(question_id="s", kind="short_answer", prompt="?", points=points, accepted_answers=list(accepted))


@pytest.mark.parametrize(("question", "options", "text", "points"), [
    (choice(), ["a"], None, 1),
    (choice(), ["b"], None, 0),
    (choice(), [], None, 0),
    (choice("multiple_choice", ("a", "b"), 3), ["b", "a"], None, 3),
    (choice("multiple_choice", ("a", "b"), 3), ["a"], None, 0),
    (choice("multiple_choice", ("a", "b"), 3), ["a", "b", "c"], None, 0),
    (short("Non-refoulement"), [], "  non-REFOULEMENT ", 2),
    (short("due process"), [], "due   process", 2),
    (short("due process"), [], "process", 0),
    (short("x"), [], "", 0),
])
def test_question_points_are_all_or_nothing(question, options, text, points):
    assert question_points(question, options, text) == points


def test_normalise_answer():
    assert normalise_answer("  Hello\tWORLD \n") == "hello world"


def test_grade_counts_unanswered_as_zero():
    graded = grade([choice(points=1), short("yes", points=3)], {"q": {"option_ids": ["a"]}})
    assert (graded.points, graded.max_points, graded.score) == (1, 4, 25.0)


def attempts(*scores):
    return [AttemptScore(number=n, points=int(s), max_points=100, score=s) for n, s in enumerate(scores, start=1)]


@pytest.mark.parametrize(("policy", "scores", "counted", "passed"), [
    ("best", (80.0, 40.0), 80.0, True),
    ("last", (80.0, 40.0), 40.0, False),
    ("best", (), None, False),
])
def test_quiz_result_counts_best_or_last(policy, scores, counted, passed):
    result = quiz_result(Assessment(pass_mark=70, max_attempts=3, grading_policy=policy), attempts(*scores))
    assert (result.counted.score if result.counted else None, result.passed) == (counted, passed)
    assert result.attempts_left == 3 - len(scores)


def test_a_quiz_is_done_when_passed_or_out_of_attempts():
    quiz = Assessment(pass_mark=70, max_attempts=2, grading_policy="best")
    assert not quiz_result(quiz, attempts(10.0)).done
    assert quiz_result(quiz, attempts(10.0, 20.0)).done
    assert quiz_result(quiz, attempts(90.0)).done
    assert quiz_result(Assessment(pass_mark=70, grading_policy="best"), attempts(1.0, 2.0, 3.0)).attempts_left is None


QUIZ_ID = ObjectId()
ITEMS = [ContentItem(item_id="l", kind="lesson", title="l"),
         ContentItem(item_id="a", kind="assessment", title="a", assessment_id=QUIZ_ID)]


def test_course_outcome_needs_every_item_and_the_pass_marks():
    quiz = Assessment(pass_mark=50, max_attempts=1, grading_policy="best")
    passed = {QUIZ_ID: quiz_result(quiz, attempts(60.0))}
    assert course_outcome(ITEMS, [], passed, 50).done is False
    assert course_outcome(ITEMS, ["l"], passed, 50).passed is True
    assert course_outcome(ITEMS, ["l"], passed, 61).passed is False
    failed = {QUIZ_ID: quiz_result(quiz, attempts(20.0))}
    outcome = course_outcome(ITEMS, ["l"], failed, 0)
    assert (outcome.done, outcome.passed, outcome.score) == (True, False, 20.0)


def test_a_course_without_quizzes_is_passed_by_completing_it():
    outcome = course_outcome(ITEMS[:1], ["l"], {}, 80)
    assert (outcome.done, outcome.passed, outcome.score) == (True, True, None)
