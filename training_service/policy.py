"""Training's access policy (ADR 0100): who sees courses, sessions, quizzes, enrolments, attempts and certificates,
the capacities a caller holds towards an enrolment, and the capacities each action needs.

Training records span two tenants (ADR 23): an enrolment or a certificate belongs to the trainee's tenant and names
the provider's. So each is seen by the person it names, by their tenant's training coordinators and by the
provider's authors; a course by its provider's authors (drafts too) and, once published, by the tenants it is offered
to while its provider is not suspended, and by the tenants whose people are enrolled in it. Reports are read by
report readers of either side, and of every tenant by the RSO's platform administrators.
"""

from __future__ import annotations

from mongoengine.queryset.visitor import Q

from chassis.access import EVERYTHING, Policy, Viewer
from chassis.tenant_status import suspended_tenants
from chassis.vocabulary import PLATFORM_TENANT
from training_service.catalogue.models import Assessment, Course
from training_service.certificates.models import Certificate
from training_service.directory.service import is_trainee, normalise_email
from training_service.enrolments.models import Enrolment
from training_service.learning.models import Attempt
from training_service.sessions.models import Session
from training_service.vocabulary import AUTHORS, COORDINATORS

policy = Policy("training")

THE_TRAINEE = "the_trainee"
TRAINEES_COORDINATOR = "trainees_coordinator"
PROVIDERS_COORDINATOR = "providers_coordinator"
PROVIDER = "provider"


def reads_every_tenants_reports(viewer: Viewer) -> bool:
    return viewer.tenant == PLATFORM_TENANT and viewer.has_role("platform_admin")


def _the_person(viewer: Viewer, field: str) -> Q:
    """Records naming the viewer in `field`, in the viewer's own tenant: by user id, else by e-mail (ADR 24)."""
    named = Q(**{f"{field}__user_id": viewer.sub})
    if viewer.principal.email:
        named |= Q(**{f"{field}__email": normalise_email(viewer.principal.email)})
    return Q(tenant=viewer.tenant) & named


def _two_sided(field: str):
    """The rule of a record of the trainee's tenant that names its provider (an enrolment, a certificate)."""

    def seen(viewer: Viewer, *, report: bool = False) -> Q:
        if report:  # the figures of a report, for report readers of either side (the API checks the role)
            if reads_every_tenants_reports(viewer):
                return EVERYTHING
            return Q(tenant=viewer.tenant) | Q(provider_tenant=viewer.tenant)
        rule = _the_person(viewer, field)
        if viewer.has_role(*COORDINATORS):
            rule |= Q(tenant=viewer.tenant)
        if viewer.has_role(*AUTHORS):
            rule |= Q(provider_tenant=viewer.tenant)
        return rule

    return seen


def offered_to(tenant: str) -> Q:
    """Published courses offered to `tenant` (to all, or listing it) by a provider not suspended."""
    return (Q(status="published") & (Q(audience="all") | Q(audience_tenants=tenant))
            & Q(tenant__nin=sorted(suspended_tenants())))


def _course_seen(viewer: Viewer, *, enrolled: bool = False, enrolment: Enrolment | None = None,
                 report: bool = False) -> Q:
    """The catalogue: the provider's own courses (drafts for its authors), published courses offered to the viewer's
    tenant by a provider not suspended. With `enrolled`, also the courses its people are enrolled in (an archived
    version stays visible to its cohorts); with `enrolment` (one the viewer sees), that enrolment's course."""
    if enrolment is not None:
        return Q(id=enrolment.course_id)
    if report and reads_every_tenants_reports(viewer):
        return EVERYTHING
    own = Q(tenant=viewer.tenant)
    if not viewer.has_role(*AUTHORS):
        own &= Q(status="published")
    rule = own | offered_to(viewer.tenant)
    if enrolled or report:
        rule |= Q(id__in=list(Enrolment.objects.distinct("course_id")))
    return rule


def _session_seen(viewer: Viewer, *, courses: list[Course] | None = None) -> Q:
    """Sessions of the courses the viewer sees (or of `courses`, which it sees)."""
    if courses is None:
        return Q(course_id__in=list(viewer.sees(Course, enrolled=True).scalar("id")))
    return Q(course_id__in=[course.id for course in courses])


policy.resource(Course, name="course", see=_course_seen)
policy.resource(Session, name="session", see=_session_seen)
policy.resource(Assessment, name="assessment",
                see=lambda viewer, *, course: Q(tenant=course.tenant, id__in=course.assessment_ids()))
policy.resource(Attempt, name="attempt",
                see=lambda viewer, *, enrolment: Q(tenant=enrolment.tenant, enrolment_id=enrolment.id))
policy.resource(
    Enrolment, name="enrolment", see=_two_sided("trainee"),
    capacities={
        THE_TRAINEE: lambda viewer, enrolment: is_trainee(viewer.principal, enrolment.trainee),
        TRAINEES_COORDINATOR: lambda viewer, enrolment: (
            viewer.tenant == enrolment.tenant and viewer.has_role(*COORDINATORS)),
        PROVIDERS_COORDINATOR: lambda viewer, enrolment: (
            viewer.tenant == enrolment.provider_tenant and viewer.has_role(*COORDINATORS)),
        PROVIDER: lambda viewer, enrolment: viewer.tenant == enrolment.provider_tenant,
    },
    actions={"withdraw": {THE_TRAINEE, TRAINEES_COORDINATOR, PROVIDERS_COORDINATOR}, "decide": {PROVIDER}})
policy.resource(Certificate, name="certificate", see=_two_sided("holder"),
                public=lambda *, code: Q(verification_code=code))
