"""Modules, assessments and courses as stored. A published course keeps a snapshot of its modules."""

from __future__ import annotations

import mongoengine as me

from chassis.clock import now
from chassis.tenancy import TenantOwnedDocument
from chassis.vocabulary import FUNCTION_CODES
from chassis.workflow import Transition
from training_service.common import short_id

ITEM_KINDS = ("lesson", "document", "assessment")
QUESTION_KINDS = ("single_choice", "multiple_choice", "short_answer")
GRADING_POLICIES = ("best", "last")
COURSE_STATES = ("draft", "published", "archived")
AUDIENCES = ("all", "listed")


class ContentItem(me.EmbeddedDocument):
    """One step of a module: a lesson (rich text), a document by reference, or an assessment."""

    item_id = me.StringField(required=True, default=short_id)
    kind = me.StringField(required=True, choices=ITEM_KINDS)
    title = me.StringField(required=True, max_length=200)
    body = me.StringField(max_length=200_000)  # lesson: rich text (HTML), rendered by the client
    document_url = me.StringField(max_length=2000)  # document: where the material is kept
    assessment_id = me.ObjectIdField()  # assessment: which quiz


class Module(TenantOwnedDocument):
    meta = {"collection": "modules", "indexes": ["functions"]}

    title = me.StringField(required=True, max_length=200)
    summary = me.StringField(max_length=5000)
    learning_objectives = me.ListField(me.StringField(max_length=500))
    functions = me.ListField(me.StringField(choices=FUNCTION_CODES))
    items = me.EmbeddedDocumentListField(ContentItem)
    created_at = me.DateTimeField(required=True, default=now)
    updated_at = me.DateTimeField(required=True, default=now)


class Option(me.EmbeddedDocument):
    option_id = me.StringField(required=True, default=short_id)
    text = me.StringField(required=True, max_length=1000)


class Question(me.EmbeddedDocument):
    """A quiz question with its answer key (`correct_option_ids`, `accepted_answers`): never sent to trainees."""

    question_id = me.StringField(required=True, default=short_id)
    kind = me.StringField(required=True, choices=QUESTION_KINDS)
    prompt = me.StringField(required=True, max_length=5000)
    points = me.IntField(required=True, min_value=1, default=1)
    options = me.EmbeddedDocumentListField(Option)
    correct_option_ids = me.ListField(me.StringField())
    accepted_answers = me.ListField(me.StringField(max_length=500))


class Assessment(TenantOwnedDocument):
    """A quiz, graded on the server. Locked once a published course uses it: results must stay comparable."""

    meta = {"collection": "assessments"}

    title = me.StringField(required=True, max_length=200)
    instructions = me.StringField(max_length=5000)
    pass_mark = me.IntField(required=True, min_value=0, max_value=100)
    max_attempts = me.IntField(min_value=1)  # None: unlimited
    grading_policy = me.StringField(required=True, choices=GRADING_POLICIES, default="best")
    questions = me.EmbeddedDocumentListField(Question)
    locked = me.BooleanField(required=True, default=False)
    created_at = me.DateTimeField(required=True, default=now)
    updated_at = me.DateTimeField(required=True, default=now)


class ModuleSnapshot(me.EmbeddedDocument):
    """A module as it was when its course version was published."""

    module_id = me.ObjectIdField(required=True)
    title = me.StringField(required=True)
    summary = me.StringField()
    learning_objectives = me.ListField(me.StringField())
    functions = me.ListField(me.StringField())
    items = me.EmbeddedDocumentListField(ContentItem)


class Course(TenantOwnedDocument):
    """One version of a course. Only drafts change; publishing freezes the modules into `outline`."""

    meta = {
        "collection": "courses",
        "indexes": [
            {"fields": ["tenant", "code", "version"], "unique": True},
            "status", "function", "audience_tenants",
        ],
    }

    code = me.StringField(required=True, max_length=40)
    version = me.IntField(required=True, min_value=1, default=1)
    title = me.StringField(required=True, max_length=200)
    summary = me.StringField(max_length=5000)
    module_ids = me.ListField(me.ObjectIdField())
    outline = me.EmbeddedDocumentListField(ModuleSnapshot)  # set when published
    prerequisites = me.ListField(me.StringField(max_length=40))  # codes of this provider's courses
    pass_mark = me.IntField(required=True, min_value=0, max_value=100, default=0)
    certificate_validity_months = me.IntField(min_value=1)  # None: certificates do not expire
    function = me.StringField(choices=FUNCTION_CODES)  # the roster function a certificate qualifies for
    self_enrolment = me.BooleanField(required=True, default=True)
    requires_approval = me.BooleanField(required=True, default=False)
    audience = me.StringField(required=True, choices=AUDIENCES, default="all")
    audience_tenants = me.ListField(me.StringField(max_length=64))
    status = me.StringField(required=True, choices=COURSE_STATES, default="draft")
    history = me.EmbeddedDocumentListField(Transition)
    published_at = me.DateTimeField()
    created_at = me.DateTimeField(required=True, default=now)
    updated_at = me.DateTimeField(required=True, default=now)

    def content_items(self) -> list[ContentItem]:
        """Every content item of the published outline, in order."""
        return [item for module in self.outline for item in module.items]

    def assessment_ids(self) -> list:
        return [item.assessment_id for item in self.content_items() if item.kind == "assessment"]
