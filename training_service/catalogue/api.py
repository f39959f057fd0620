"""HTTP endpoints of the catalogue: thin views over `catalogue.service`."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from chassis.auth import current_principal, require
from chassis.paging import QueryPage
from training_service.catalogue import service
from training_service.catalogue.models import Assessment, Module
from training_service.catalogue.schemas import (
    AssessmentIn,
    AssessmentOut,
    AssessmentUpdateIn,
    CourseIn,
    CourseOut,
    CourseQuery,
    CourseStatusIn,
    CourseUpdateIn,
    ModuleIn,
    ModuleOut,
    ModuleUpdateIn,
)
from training_service.vocabulary import AUTHORS, COORDINATORS

blueprint = Blueprint("catalogue", __name__, description="Modules, assessments and courses (authors and catalogue)")


@blueprint.route("/modules")
class Modules(MethodView):
    @require(roles=AUTHORS)
    @blueprint.response(200, ModuleOut(many=True))
    @blueprint.paginate(QueryPage, page_size=50)
    def get(self):
        """This tenant's modules."""
        return Module.objects.order_by("-created_at")

    @require(roles=AUTHORS)
    @blueprint.arguments(ModuleIn)
    @blueprint.response(201, ModuleOut)
    def post(self, data):
        """Write a module: learning objectives, related roster functions and ordered content items."""
        return service.create_module(data)


@blueprint.route("/modules/<module_id>")
class ModuleById(MethodView):
    @require(roles=AUTHORS)
    @blueprint.response(200, ModuleOut)
    def get(self, module_id):
        return service.get_module(module_id)

    @require(roles=AUTHORS)
    @blueprint.arguments(ModuleUpdateIn)
    @blueprint.response(200, ModuleOut)
    def patch(self, data, module_id):
        """Change a module; published courses keep the version they were published with."""
        return service.update_module(module_id, data)


@blueprint.route("/assessments")
class Assessments(MethodView):
    @require(roles=AUTHORS)
    @blueprint.response(200, AssessmentOut(many=True))
    @blueprint.paginate(QueryPage, page_size=50)
    def get(self):
        """This tenant's assessments, with their answer keys (authors only)."""
        return Assessment.objects.order_by("-created_at")

    @require(roles=AUTHORS)
    @blueprint.arguments(AssessmentIn)
    @blueprint.response(201, AssessmentOut)
    def post(self, data):
        """Write a quiz: single/multiple choice and short answer questions, pass mark, attempts, policy."""
        return service.create_assessment(data)


@blueprint.route("/assessments/<assessment_id>")
class AssessmentById(MethodView):
    @require(roles=AUTHORS)
    @blueprint.response(200, AssessmentOut)
    def get(self, assessment_id):
        return service.get_assessment(assessment_id)

    @require(roles=AUTHORS)
    @blueprint.arguments(AssessmentUpdateIn)
    @blueprint.response(200, AssessmentOut)
    @blueprint.alt_response(409, description="A published course uses it")
    def patch(self, data, assessment_id):
        return service.update_assessment(assessment_id, data)


@blueprint.route("/courses")
class Courses(MethodView):
    @require()
    @blueprint.arguments(CourseQuery, location="query")
    @blueprint.response(200, CourseOut(many=True))
    @blueprint.paginate(QueryPage, page_size=50)
    def get(self, filters):
        """The catalogue: courses offered to the caller's tenant, and its own courses for its authors."""
        principal = current_principal()
        return _CourseViews(service.catalogue(principal, filters).order_by("code", "-version"), principal)

    @require(roles=AUTHORS)
    @blueprint.arguments(CourseIn)
    @blueprint.response(201, CourseOut)
    def post(self, data):
        """Start a course (version 1, draft)."""
        return service.course_view(service.create_course(data), current_principal())


@blueprint.route("/courses/<course_id>")
class CourseById(MethodView):
    @require()
    @blueprint.response(200, CourseOut)
    def get(self, course_id):
        principal = current_principal()
        return service.course_view(service.find_visible_course(course_id, principal), principal)

    @require(roles=AUTHORS)
    @blueprint.arguments(CourseUpdateIn)
    @blueprint.response(200, CourseOut)
    def patch(self, data, course_id):
        """Change a draft course."""
        return service.course_view(service.update_course(course_id, data), current_principal())


@blueprint.route("/courses/<course_id>/status")
class CourseStatus(MethodView):
    @require(roles=COORDINATORS)
    @blueprint.arguments(CourseStatusIn)
    @blueprint.response(200, CourseOut)
    @blueprint.alt_response(409, description="Not allowed from the current state; names the allowed ones")
    def post(self, data, course_id):
        """Publish or archive. Publishing freezes the modules and archives the version it replaces."""
        principal = current_principal()
        course = service.change_course_status(course_id, data["status"], principal, data.get("comment"))
        return service.course_view(course, principal)


@blueprint.route("/courses/<course_id>/versions")
class CourseVersions(MethodView):
    @require(roles=AUTHORS)
    @blueprint.response(201, CourseOut)
    def post(self, course_id):
        """Start the next version of a course as a draft copy of this one."""
        return service.course_view(service.new_course_version(course_id), current_principal())


class _CourseViews:
    """A queryset the pager can count and slice, yielding each course as the caller may see it."""

    def __init__(self, courses, principal):
        self.courses, self.principal = courses, principal

    def count(self) -> int:
        return self.courses.count()

    def __getitem__(self, window: slice):
        return [service.course_view(course, self.principal) for course in self.courses[window]]
