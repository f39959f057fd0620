"""Request and response bodies of the catalogue. Answer keys appear only in the authors' schemas."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from chassis.richtext import HttpUrl, RichText
from chassis.tenant_status import ExistingTenantCode
from chassis.vocabulary import FUNCTION_CODES, TenantCode
from chassis.workflow import TransitionOut
from training_service.catalogue.models import AUDIENCES, GRADING_POLICIES, ITEM_KINDS, QUESTION_KINDS

COURSE_CODE = validate.Regexp(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$",
                              error="Use 1 to 40 letters, digits, '.', '_' or '-'")


class ContentItemIn(ma.Schema):
    kind = ma.fields.String(required=True, validate=validate.OneOf(ITEM_KINDS))
    title = ma.fields.String(required=True, validate=validate.Length(min=1, max=200))
    body = RichText(validate=validate.Length(max=200_000))
    document_url = HttpUrl()
    assessment_id = ma.fields.String(validate=validate.Regexp(r"^[0-9a-f]{24}$", error="Not an assessment id"))

    @ma.validates_schema
    def what_each_kind_needs(self, data, **_):
        needed = {"lesson": "body", "document": "document_url", "assessment": "assessment_id"}.get(data.get("kind"))
        if needed and not data.get(needed):
            raise ma.ValidationError(f"A {data['kind']} needs '{needed}'", field_name=needed)


class ModuleIn(ma.Schema):
    title = ma.fields.String(required=True, validate=validate.Length(min=1, max=200))
    summary = ma.fields.String(validate=validate.Length(max=5000))
    learning_objectives = ma.fields.List(ma.fields.String(validate=validate.Length(min=1, max=500)),
                                         validate=validate.Length(max=50))
    functions = ma.fields.List(ma.fields.String(validate=validate.OneOf(FUNCTION_CODES)),
                                validate=validate.Length(max=len(FUNCTION_CODES)))
    items = ma.fields.List(ma.fields.Nested(ContentItemIn), validate=validate.Length(max=200))


class ContentItemOut(ma.Schema):
    item_id = ma.fields.String()
    kind = ma.fields.String()
    title = ma.fields.String()
    body = RichText()
    document_url = HttpUrl()
    assessment_id = ma.fields.String()


class ModuleOut(ma.Schema):
    id = ma.fields.String()
    tenant = ma.fields.String()
    title = ma.fields.String()
    summary = ma.fields.String()
    learning_objectives = ma.fields.List(ma.fields.String())
    functions = ma.fields.List(ma.fields.String())
    items = ma.fields.List(ma.fields.Nested(ContentItemOut))
    created_at = ma.fields.DateTime()
    updated_at = ma.fields.DateTime()


class ModuleUpdateIn(ModuleIn):
    """Changes to a module: any field; `items`, when given, replace the module's items."""

    title = ma.fields.String(validate=validate.Length(min=1, max=200))


class OptionIn(ma.Schema):
    text = ma.fields.String(required=True, validate=validate.Length(min=1, max=1000))
    correct = ma.fields.Boolean(load_default=False)


class QuestionIn(ma.Schema):
    kind = ma.fields.String(required=True, validate=validate.OneOf(QUESTION_KINDS))
    prompt = ma.fields.String(required=True, validate=validate.Length(min=1, max=5000))
    points = ma.fields.Integer(load_default=1, validate=validate.Range(min=1, max=100))
    options = ma.fields.List(ma.fields.Nested(OptionIn), load_default=list, validate=validate.Length(max=20))
    accepted_answers = ma.fields.List(ma.fields.String(validate=validate.Length(min=1, max=500)),
                                      load_default=list, validate=validate.Length(max=50))

    @ma.validates_schema
    def answer_key_fits_the_kind(self, data, **_):
        kind, options, answers = data.get("kind"), data.get("options", []), data.get("accepted_answers", [])
        correct = sum(1 for option in options if option["correct"])
        if kind == "short_answer":
            if options:
                raise ma.ValidationError("A short answer question has no options", field_name="options")
            if not answers:
                raise ma.ValidationError("Give at least one accepted answer", field_name="accepted_answers")
            return
        if answers:
            raise ma.ValidationError("Only short answer questions take accepted answers", field_name="accepted_answers")
        if len(options) < 2:
            raise ma.ValidationError("Give at least two options", field_name="options")
        if kind == "single_choice" and correct != 1:
            raise ma.ValidationError("Mark exactly one option correct", field_name="options")
        if kind == "multiple_choice" and correct < 1:
            raise ma.ValidationError("Mark at least one option correct", field_name="options")


class AssessmentIn(ma.Schema):
    title = ma.fields.String(required=True, validate=validate.Length(min=1, max=200))
    instructions = ma.fields.String(validate=validate.Length(max=5000))
    pass_mark = ma.fields.Integer(required=True, validate=validate.Range(min=0, max=100))
    max_attempts = ma.fields.Integer(allow_none=True, validate=validate.Range(min=1, max=100))
    grading_policy = ma.fields.String(validate=validate.OneOf(GRADING_POLICIES))
    questions = ma.fields.List(ma.fields.Nested(QuestionIn), required=True, validate=validate.Length(min=1, max=200))


class AssessmentUpdateIn(AssessmentIn):
    """Changes to an unlocked assessment: any field; `questions`, when given, replace its questions."""

    title = ma.fields.String(validate=validate.Length(min=1, max=200))
    pass_mark = ma.fields.Integer(validate=validate.Range(min=0, max=100))
    questions = ma.fields.List(ma.fields.Nested(QuestionIn), validate=validate.Length(min=1, max=200))


class AuthorOptionOut(ma.Schema):
    option_id = ma.fields.String()
    text = ma.fields.String()
    correct = ma.fields.Boolean()


class AuthorQuestionOut(ma.Schema):
    """A question with its answer key, for the assessment's authors only."""

    question_id = ma.fields.String()
    kind = ma.fields.String()
    prompt = ma.fields.String()
    points = ma.fields.Integer()
    options = ma.fields.Method("options_with_key")
    accepted_answers = ma.fields.List(ma.fields.String())

    def options_with_key(self, question):
        return AuthorOptionOut(many=True).dump(
            [{"option_id": option.option_id, "text": option.text,
              "correct": option.option_id in question.correct_option_ids} for option in question.options])


class AssessmentOut(ma.Schema):
    id = ma.fields.String()
    tenant = ma.fields.String()
    title = ma.fields.String()
    instructions = ma.fields.String()
    pass_mark = ma.fields.Integer()
    max_attempts = ma.fields.Integer(allow_none=True)
    grading_policy = ma.fields.String()
    locked = ma.fields.Boolean()
    questions = ma.fields.List(ma.fields.Nested(AuthorQuestionOut))
    created_at = ma.fields.DateTime()
    updated_at = ma.fields.DateTime()


class CourseIn(ma.Schema):
    code = ma.fields.String(required=True, validate=COURSE_CODE)
    title = ma.fields.String(required=True, validate=validate.Length(min=1, max=200))
    summary = ma.fields.String(validate=validate.Length(max=5000))
    module_ids = ma.fields.List(ma.fields.String(validate=validate.Regexp(r"^[0-9a-f]{24}$", error="Not a module id")),
                                validate=validate.Length(max=100))
    prerequisites = ma.fields.List(ma.fields.String(validate=COURSE_CODE), validate=validate.Length(max=20))
    pass_mark = ma.fields.Integer(validate=validate.Range(min=0, max=100))
    certificate_validity_months = ma.fields.Integer(allow_none=True, validate=validate.Range(min=1, max=240))
    function = ma.fields.String(allow_none=True, validate=validate.OneOf(FUNCTION_CODES))
    self_enrolment = ma.fields.Boolean()
    requires_approval = ma.fields.Boolean()
    audience = ma.fields.String(validate=validate.OneOf(AUDIENCES))
    audience_tenants = ma.fields.List(ExistingTenantCode(), validate=validate.Length(max=100))


class CourseUpdateIn(CourseIn):
    """A draft's changes; the code of a course never changes (a new code is a new course)."""

    class Meta:
        exclude = ("code",)

    title = ma.fields.String(validate=validate.Length(min=1, max=200))


class CourseStatusIn(ma.Schema):
    status = ma.fields.String(required=True, validate=validate.OneOf(("published", "archived")))
    comment = ma.fields.String(validate=validate.Length(max=2000))


class CourseQuery(ma.Schema):
    status = ma.fields.String(validate=validate.OneOf(("draft", "published", "archived")))
    function = ma.fields.String(validate=validate.OneOf(FUNCTION_CODES))
    code = ma.fields.String(validate=COURSE_CODE)
    provider = TenantCode()


class OutlineItemOut(ma.Schema):
    item_id = ma.fields.String()
    kind = ma.fields.String()
    title = ma.fields.String()


class OutlineModuleOut(ma.Schema):
    module_id = ma.fields.String()
    title = ma.fields.String()
    summary = ma.fields.String()
    learning_objectives = ma.fields.List(ma.fields.String())
    functions = ma.fields.List(ma.fields.String())
    items = ma.fields.List(ma.fields.Nested(OutlineItemOut))


class CourseOut(ma.Schema):
    """A course as the catalogue shows it: the outline names items; their content comes with an enrolment."""

    id = ma.fields.String()
    provider = ma.fields.String(attribute="tenant")
    code = ma.fields.String()
    version = ma.fields.Integer()
    title = ma.fields.String()
    summary = ma.fields.String()
    modules = ma.fields.List(ma.fields.Nested(OutlineModuleOut))
    prerequisites = ma.fields.List(ma.fields.String())
    pass_mark = ma.fields.Integer()
    certificate_validity_months = ma.fields.Integer(allow_none=True)
    function = ma.fields.String(allow_none=True)
    self_enrolment = ma.fields.Boolean()
    requires_approval = ma.fields.Boolean()
    audience = ma.fields.String()
    audience_tenants = ma.fields.List(ma.fields.String(), metadata={"description": "Shown to the provider only"})
    status = ma.fields.String()
    published_at = ma.fields.DateTime(allow_none=True)
    history = ma.fields.List(ma.fields.Nested(TransitionOut), metadata={"description": "Shown to the provider only"})
