"""Catalogue use cases: authoring modules and quizzes, versioning and publishing courses, who sees what.

A course is visible to its provider's authors in every state, and to everybody else only once
published, when its audience includes their tenant (all tenants, or a listed one) and the provider is
not suspended.
"""

from __future__ import annotations

from collections.abc import Iterable

import mongoengine as me
from bson import ObjectId

from chassis import db
from chassis.auth import Principal
from chassis.clock import now
from chassis.problems import Conflict, NotFound, ValidationFailed
from chassis.workflow import Workflow
from training_service.catalogue.models import (
    Assessment,
    ContentItem,
    Course,
    Module,
    ModuleSnapshot,
    Option,
    Question,
)
from training_service.policy import policy
from training_service.vocabulary import AUTHORS, COORDINATORS

COURSE_WORKFLOW = Workflow("course", {
    "draft": {"published": COORDINATORS, "archived": COORDINATORS},
    "published": {"archived": COORDINATORS},
    "archived": {},
})
COURSE_FIELDS = ("title", "summary", "prerequisites", "pass_mark", "certificate_validity_months", "function",
                 "self_enrolment", "requires_approval", "audience", "audience_tenants")


def is_author(principal: Principal) -> bool:
    return bool(principal.roles & set(AUTHORS))


# Modules ---------------------------------------------------------------------------------------------

def create_module(data: dict) -> Module:
    module = Module(**{**data, "items": _content_items(data.get("items", []))})
    return module.save()


def update_module(module_id: str, data: dict) -> Module:
    module = get_module(module_id)
    changes = {**data}
    if "items" in data:
        changes["items"] = _content_items(data["items"])
    for field, value in changes.items():
        setattr(module, field, value)
    module.updated_at = now()
    return module.save()


def get_module(module_id: str) -> Module:
    module = Module.objects(id=db.object_id(module_id, "module")).first()
    if module is None:
        raise NotFound(f"No module {module_id}")
    return module


def _content_items(items: list[dict]) -> list[ContentItem]:
    """Content items from input; a quiz must be one of this tenant's assessments."""
    wanted = {ObjectId(item["assessment_id"]) for item in items if item["kind"] == "assessment"}
    known = {assessment.id for assessment in Assessment.objects(id__in=list(wanted)).only("id")}
    errors = {str(index): {"assessment_id": ["No such assessment"]} for index, item in enumerate(items)
              if item["kind"] == "assessment" and ObjectId(item["assessment_id"]) not in known}
    if errors:
        raise ValidationFailed({"items": errors})
    return [ContentItem(kind=item["kind"], title=item["title"],
                        body=item.get("body") if item["kind"] == "lesson" else None,
                        document_url=item.get("document_url") if item["kind"] == "document" else None,
                        assessment_id=ObjectId(item["assessment_id"]) if item["kind"] == "assessment" else None)
            for item in items]


# Assessments -----------------------------------------------------------------------------------------

def create_assessment(data: dict) -> Assessment:
    assessment = Assessment(**{**data, "questions": _questions(data["questions"])})
    return assessment.save()


def update_assessment(assessment_id: str, data: dict) -> Assessment:
    assessment = get_assessment(assessment_id)
    if assessment.locked:
        raise Conflict("A published course uses this assessment: create a new one for a new course version",
                       locked=True)
    changes = {**data}
    if "questions" in data:
        changes["questions"] = _questions(data["questions"])
    for field, value in changes.items():
        setattr(assessment, field, value)
    assessment.updated_at = now()
    return assessment.save()


def get_assessment(assessment_id: str) -> Assessment:
    assessment = Assessment.objects(id=db.object_id(assessment_id, "assessment")).first()
    if assessment is None:
        raise NotFound(f"No assessment {assessment_id}")
    return assessment


def _questions(questions: list[dict]) -> list[Question]:
    built = []
    for question in questions:
        options = [Option(text=option["text"]) for option in question["options"]]
        correct = [option.option_id for option, given in zip(options, question["options"], strict=True)
                   if given["correct"]]
        built.append(Question(kind=question["kind"], prompt=question["prompt"], points=question["points"],
                              options=options, correct_option_ids=correct,
                              accepted_answers=question["accepted_answers"]))
    return built


# Courses ---------------------------------------------------------------------------------------------

def create_course(data: dict) -> Course:
    if Course.objects(code=data["code"]).count():
        raise Conflict(f"Course {data['code']} exists: start a new version of it instead", code=data["code"])
    course = Course(code=data["code"], version=1, module_ids=_own_module_ids(data.get("module_ids", [])),
                    **{field: data[field] for field in COURSE_FIELDS if field in data})
    _check_course(course)
    return _insert_version(course)


def update_course(course_id: str, data: dict) -> Course:
    course = get_own_course(course_id)
    if course.status != "draft":
        raise Conflict("Only a draft changes; start a new version of this course", current_state=course.status)
    for field in COURSE_FIELDS:
        if field in data:
            setattr(course, field, data[field])
    if "module_ids" in data:
        course.module_ids = _own_module_ids(data["module_ids"])
    _check_course(course)
    course.updated_at = now()
    return course.save()


def new_course_version(course_id: str) -> Course:
    """A draft copy of a course version, numbered after the highest version of its code."""
    source = get_own_course(course_id)
    if Course.objects(code=source.code, status="draft").count():
        raise Conflict(f"Course {source.code} already has a draft version", code=source.code)
    latest = Course.objects(code=source.code).order_by("-version").only("version").first()
    module_ids = [snapshot.module_id for snapshot in source.outline] or source.module_ids
    existing = {module.id for module in Module.objects(id__in=module_ids).only("id")}
    copy = Course(code=source.code, version=latest.version + 1,
                  module_ids=[module_id for module_id in module_ids if module_id in existing],
                  **{field: getattr(source, field) for field in COURSE_FIELDS})
    return _insert_version(copy)


def _insert_version(course: Course) -> Course:
    """Store a new course version; (tenant, code, version) is unique, so a concurrent twin answers 409."""
    try:
        return course.save(force_insert=True)
    except me.NotUniqueError:
        raise Conflict(f"Course {course.code} version {course.version} exists already", code=course.code) from None


def change_course_status(course_id: str, target: str, principal: Principal, comment: str | None) -> Course:
    def work() -> Course:
        course = get_own_course(course_id)
        COURSE_WORKFLOW.check(course.status, target, principal)
        if target == "published":
            _publish(course, principal)
        COURSE_WORKFLOW.take(course, target, principal, comment, updated_at=now())
        return course

    return db.transaction(work)


def _publish(course: Course, principal: Principal) -> None:
    """Freeze the modules into the outline, lock their quizzes, archive the version this one replaces."""
    modules = {module.id: module for module in Module.objects(id__in=course.module_ids)}
    if not course.module_ids or any(module_id not in modules for module_id in course.module_ids):
        raise ValidationFailed({"module_ids": ["A published course needs modules, each of them existing"]})
    course.outline = [_snapshot(modules[module_id]) for module_id in course.module_ids]
    if not course.content_items():
        raise ValidationFailed({"module_ids": ["A published course needs at least one content item"]})
    quiz_ids = course.assessment_ids()
    if Assessment.objects(id__in=quiz_ids).count() != len(set(quiz_ids)):
        raise ValidationFailed({"module_ids": ["A module refers to an assessment that no longer exists"]})
    Assessment.objects(id__in=quiz_ids).update(set__locked=True)
    course.published_at = now()
    for older in Course.objects(code=course.code, status="published", id__ne=course.id):
        COURSE_WORKFLOW.take(older, "archived", principal, f"replaced by version {course.version}")


def _snapshot(module: Module) -> ModuleSnapshot:
    return ModuleSnapshot(module_id=module.id, title=module.title, summary=module.summary,
                          learning_objectives=module.learning_objectives, functions=module.functions,
                          items=module.items)


def _own_module_ids(module_ids: Iterable[str]) -> list[ObjectId]:
    ids = [ObjectId(module_id) for module_id in module_ids]
    known = {module.id for module in Module.objects(id__in=ids).only("id")}
    errors = {str(index): ["No such module"] for index, module_id in enumerate(ids) if module_id not in known}
    if errors:
        raise ValidationFailed({"module_ids": errors})
    return ids


def _check_course(course: Course) -> None:
    """Rules across fields: a listed audience names tenants; prerequisites are this provider's courses."""
    if course.audience == "listed" and not course.audience_tenants:
        raise ValidationFailed({"audience_tenants": ["A listed audience names at least one tenant"]})
    codes = set(course.prerequisites)
    if course.code in codes:
        raise ValidationFailed({"prerequisites": ["A course cannot require itself"]})
    known = set(Course.objects(code__in=list(codes)).distinct("code"))
    missing = sorted(codes - known)
    if missing:
        raise ValidationFailed({"prerequisites": [f"No course {code} of this provider" for code in missing]})


def get_own_course(course_id: str) -> Course:
    course = Course.objects(id=db.object_id(course_id, "course")).first()
    if course is None:
        raise NotFound(f"No course {course_id}")
    return course


def catalogue(principal: Principal, filters: dict):
    """The courses `principal` may see: all of its own tenant's (authors) and those offered to it."""
    courses = policy.viewer(principal).sees(Course)
    if "provider" in filters:
        courses = courses.filter(tenant=filters["provider"])
    return courses.filter(**{key: value for key, value in filters.items() if key != "provider"})


def find_visible_course(course_id: str, principal: Principal) -> Course:
    """A course in the caller's catalogue, or one its tenant's people are enrolled in (an archived
    version stays visible to the cohorts still taking it)."""
    return policy.viewer(principal).get(Course, db.object_id(course_id, "course"), enrolled=True)


def course_of(enrolment, principal: Principal) -> Course:
    """The course of an enrolment the caller sees, whatever the course's state and provider."""
    return policy.viewer(principal).get(Course, enrolment.course_id, enrolment=enrolment)


def course_view(course: Course, principal: Principal) -> dict:
    """The course as `principal` sees it: the provider sees its audience and history, others do not."""
    owner = course.tenant == principal.tenant and is_author(principal)
    if course.outline:
        modules = course.outline
    else:
        live = {module.id: module for module in Module.objects(id__in=course.module_ids)} if owner else {}
        modules = [_snapshot(live[module_id]) for module_id in course.module_ids if module_id in live]
    view = {field: getattr(course, field) for field in (
        "id", "tenant", "code", "version", "title", "summary", "prerequisites", "pass_mark",
        "certificate_validity_months", "function", "self_enrolment", "requires_approval", "audience", "status",
        "published_at")}
    view["modules"] = modules
    if owner:
        view.update(audience_tenants=course.audience_tenants, history=course.history)
    return view
