"""What a trainee sends and receives while learning. No schema here has a field for an answer key."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from chassis.richtext import HttpUrl, RichText


class CompleteItemIn(ma.Schema):
    item_id = ma.fields.String(required=True, validate=validate.Length(min=1, max=40))


class AnswerIn(ma.Schema):
    question_id = ma.fields.String(required=True, validate=validate.Length(min=1, max=40))
    option_ids = ma.fields.List(ma.fields.String(validate=validate.Length(min=1, max=40)),
                                load_default=list, validate=validate.Length(max=20))
    text = ma.fields.String(validate=validate.Length(max=1000))


class AttemptIn(ma.Schema):
    answers = ma.fields.List(ma.fields.Nested(AnswerIn), required=True, validate=validate.Length(max=200))


class TraineeOptionOut(ma.Schema):
    option_id = ma.fields.String()
    text = ma.fields.String()


class TraineeQuestionOut(ma.Schema):
    question_id = ma.fields.String()
    kind = ma.fields.String()
    prompt = ma.fields.String()
    points = ma.fields.Integer()
    options = ma.fields.List(ma.fields.Nested(TraineeOptionOut))


class AttemptOut(ma.Schema):
    number = ma.fields.Integer()
    score = ma.fields.Float()
    passed = ma.fields.Boolean()
    submitted_at = ma.fields.DateTime()


class QuizStanding(ma.Schema):
    score = ma.fields.Float(allow_none=True, metadata={"description": "The counted attempt's score (best or last)"})
    passed = ma.fields.Boolean()
    attempts_used = ma.fields.Integer()
    attempts_left = ma.fields.Integer(allow_none=True, metadata={"description": "null: unlimited"})


class QuizOut(QuizStanding):
    assessment_id = ma.fields.String()
    title = ma.fields.String()
    instructions = ma.fields.String(allow_none=True)
    pass_mark = ma.fields.Integer()
    max_attempts = ma.fields.Integer(allow_none=True)
    grading_policy = ma.fields.String()
    questions = ma.fields.List(ma.fields.Nested(TraineeQuestionOut))
    attempts = ma.fields.List(ma.fields.Nested(AttemptOut))


class AttemptResultOut(QuizStanding):
    attempt = ma.fields.Nested(AttemptOut)
    enrolment_status = ma.fields.String()
    certificate_id = ma.fields.String(allow_none=True)


class LearningItemOut(ma.Schema):
    item_id = ma.fields.String()
    kind = ma.fields.String()
    title = ma.fields.String()
    body = RichText(allow_none=True)
    document_url = HttpUrl(allow_none=True)
    assessment_id = ma.fields.String()
    completed = ma.fields.Boolean()
    quiz = ma.fields.Nested(QuizStanding)


class ContentModuleOut(ma.Schema):
    module_id = ma.fields.String()
    title = ma.fields.String()
    summary = ma.fields.String(allow_none=True)
    learning_objectives = ma.fields.List(ma.fields.String())
    items = ma.fields.List(ma.fields.Nested(LearningItemOut))


class ProgressOut(ma.Schema):
    completed_items = ma.fields.Integer()
    total_items = ma.fields.Integer()


class ContentOut(ma.Schema):
    enrolment_id = ma.fields.String()
    course_id = ma.fields.String()
    course_title = ma.fields.String()
    status = ma.fields.String()
    pass_mark = ma.fields.Integer()
    progress = ma.fields.Nested(ProgressOut)
    modules = ma.fields.List(ma.fields.Nested(ContentModuleOut))
