"""Use cases of cases: open (with the lead's template tasks), share, change, reach milestones, close."""

from __future__ import annotations

import datetime as dt

from chassis.access import system
from chassis.clock import now, today
from chassis.problems import Conflict, NotFound, ValidationFailed
from chassis.tenant_status import is_suspended, refuse_unknown_tenants
from joint_action_service import events
from joint_action_service.access_log.service import append, case_access, logged, logged_page
from joint_action_service.case_templates.service import effective_template
from joint_action_service.cases.models import CASE_WORKFLOW, CLOSED, VERDICTS, Case, CaseShare, Milestone
from joint_action_service.common import with_id
from joint_action_service.expert_support.models import CaseDeployment
from joint_action_service.jpas.models import Jpa
from joint_action_service.persons.models import SUSPECT, VICTIM
from joint_action_service.tasks import service as tasks
from joint_action_service.tasks.models import UNFINISHED, Task
from joint_action_service.visibility import Viewer
from joint_action_service.vocabulary import LEAD_ONLY


def _log(viewer: Viewer, case: Case, action: str, detail: str = "") -> None:
    append(viewer, [case_access(case, action, detail)])


# --- reading ----------------------------------------------------------------------------------------------

def present(viewer: Viewer, case: Case) -> dict:
    share = case.share_of(viewer.tenant)
    return {
        **{field: case[field] for field in ("id", "jpa_id", "case_type", "title", "summary", "handling_code",
                                            "status", "resolution", "shares", "milestones", "history",
                                            "created_by", "created_at")},
        "lead_tenant": case.tenant,
        "allowed_next_states": CASE_WORKFLOW.allowed_next(case.status),
        "your_permission": "lead" if viewer.leads(case) else share.permission,
    }


def search_cases(viewer: Viewer, query: dict):
    cases = viewer.cases()
    if "jpa_id" in query:
        cases = with_id(cases, "jpa_id", query["jpa_id"])
    for field in ("status", "case_type"):
        if field in query:
            cases = cases.filter(**{field: query[field]})
    if "q" in query:
        cases = cases.filter(title__icontains=query["q"])
    return cases.order_by("-created_at")


def list_cases(viewer: Viewer, query: dict, pagination_parameters) -> list[dict]:
    cases = logged_page(viewer, search_cases(viewer, query), pagination_parameters,
                        lambda listed: [case_access(case, "read", "listed") for case in listed])
    return [present(viewer, case) for case in cases]


def case_detail(viewer: Viewer, case_id: str) -> dict:
    def work() -> dict:
        case = viewer.case(case_id)
        visible = [case]
        persons = viewer.persons(visible)
        open_tasks = viewer.case_records(Task, visible).filter(status__in=UNFINISHED)
        _log(viewer, case, "read")
        return {
            **present(viewer, case),
            "counts": {
                "information_items": viewer.items(visible).count(),
                "suspects": persons.filter(kind=SUSPECT).count(),
                "victims": persons.filter(kind=VICTIM).count(),
                "open_tasks": open_tasks.count(),
                "open_mandatory_tasks": open_tasks.filter(mandatory=True).count(),
            },
            "deployments": list(viewer.case_records(CaseDeployment, visible).order_by("start_date")),
        }

    return logged(work)


# --- opening and changing -------------------------------------------------------------------------------

def _jpa_for_new_case(viewer: Viewer, jpa_id: str | None) -> Jpa | None:
    if jpa_id is None:
        return None
    jpa = with_id(viewer.jpas(), "id", jpa_id).first()
    if jpa is None:
        raise ValidationFailed({"jpa_id": ["No JPA your tenant participates in has this id"]})
    if jpa.status == "closed":
        raise Conflict("The JPA is closed: no new cases", jpa_status=jpa.status)
    return jpa


def _check_share_target(tenant: str, case: Case, jpa: Jpa | None, field: str, location: str = "json") -> None:
    refuse_unknown_tenants(field, [tenant], location=location)
    if tenant == case.tenant:
        raise ValidationFailed({field: ["The lead tenant already has the case"]}, location=location)
    if jpa is not None and tenant not in jpa.participating_tenants:
        raise ValidationFailed({field: [f"{tenant} does not participate in the case's JPA"]}, location=location)
    if is_suspended(tenant):
        raise ValidationFailed({field: [f"{tenant} is suspended"]}, location=location)
    if case.handling_code == LEAD_ONLY:
        raise Conflict("A lead-only case is never shared", handling_code=LEAD_ONLY)


def open_case(viewer: Viewer, data: dict) -> dict:
    def work() -> dict:
        jpa = _jpa_for_new_case(viewer, data["jpa_id"])
        opened_on = data.get("opened_on") or today()
        _check_date(opened_on, None, field="opened_on")
        if data["handling_code"] == LEAD_ONLY and data["shares"]:
            raise ValidationFailed({"shares": ["A lead-only case is never shared"]})
        case = Case(
            tenant=viewer.tenant, jpa_id=jpa.id if jpa else None, case_type=data["case_type"],
            title=data["title"], summary=data["summary"], handling_code=data["handling_code"],
            created_by=viewer.sub,
            milestones=[Milestone(status="intelligence", date=opened_on, tenant=viewer.tenant,
                                  recorded_by=viewer.sub, recorded_at=now())],
        )
        for index, share in enumerate(data["shares"]):
            _check_share_target(share["tenant"], case, jpa, f"shares.{index}.tenant")
            case.shares.append(CaseShare(tenant=share["tenant"], permission=share["permission"],
                                         shared_at=now(), shared_by=viewer.sub))
        case.save(force_insert=True)
        tasks.create_from_template(case, effective_template(case.case_type).tasks, opened_on, viewer)
        events.case_opened(case)
        for share in case.shares:
            events.case_shared(case, share)
        _log(viewer, case, "create")
        return present(viewer, case)

    return logged(work)


def update_case(viewer: Viewer, case_id: str, data: dict) -> dict:
    def work() -> dict:
        case = viewer.workable_case(case_id, lead=True)
        if data.get("handling_code") == LEAD_ONLY and case.shares:
            raise Conflict("Revoke the case's shares before making it lead-only",
                           shared_with=[share.tenant for share in case.shares])
        for field, value in data.items():
            setattr(case, field, value)
        case.save()
        _log(viewer, case, "update", ", ".join(sorted(data)))
        return present(viewer, case)

    return logged(work)


def share_case(viewer: Viewer, case_id: str, tenant: str, permission: str) -> dict:
    def work() -> dict:
        case = viewer.workable_case(case_id, lead=True)
        jpa = viewer.jpa_of(case)
        _check_share_target(tenant, case, jpa, "tenant", location="path")
        share = case.share_of(tenant)
        if share is not None and share.permission == permission:
            return present(viewer, case)
        if share is None:
            share = CaseShare(tenant=tenant, permission=permission, shared_at=now(), shared_by=viewer.sub)
            case.shares.append(share)
        share.permission = permission
        case.save()
        events.case_shared(case, share)
        _log(viewer, case, "share", f"{tenant}: {permission}")
        if permission != "contribute":
            tasks.return_to_lead(viewer, case, [tenant])
        return present(viewer, case)

    return logged(work)


def revoke_share(viewer: Viewer, case_id: str, tenant: str) -> dict:
    def work() -> dict:
        case = viewer.workable_case(case_id, lead=True)
        if case.share_of(tenant) is None:
            raise NotFound(f"The case is not shared with {tenant}")
        case.shares = [share for share in case.shares if share.tenant != tenant]
        case.save()
        _log(viewer, case, "unshare", tenant)
        tasks.return_to_lead(viewer, case, [tenant])
        return present(viewer, case)

    return logged(work)


def end_participation(viewer: Viewer, jpa: Jpa, leaving: list[str]) -> None:
    """Tenants leave a JPA: their shares of its cases end (visibility already ends with their participation;
    a tenant that rejoins is shared with again explicitly). A tenant still leading cases of the JPA cannot
    leave it: its cases would belong to a JPA it no longer takes part in."""
    if not leaving:
        return
    jpa_cases = system("tenants leaving a JPA end their shares of its cases").records(Case).filter(jpa_id=jpa.id)
    leads = sorted(set(jpa_cases.filter(tenant__in=leaving).scalar("tenant")))
    if leads:
        raise Conflict(f"{', '.join(leads)} lead cases of this JPA and cannot leave it", leading_tenants=leads)
    for case in jpa_cases.filter(shares__tenant__in=leaving):
        ended = [share.tenant for share in case.shares if share.tenant in leaving]
        case.shares = [share for share in case.shares if share.tenant not in leaving]
        case.save()
        append(viewer, [case_access(case, "unshare", f"{tenant}: left the JPA") for tenant in ended])
        tasks.return_to_lead(viewer, case, ended)


# --- milestones ---------------------------------------------------------------------------------------------

def _check_date(date: dt.date, previous: Milestone | None, field: str = "date") -> None:
    if date > today():
        raise ValidationFailed({field: ["Must not be in the future"]})
    if previous is not None and date < previous.date:
        raise ValidationFailed({field: [f"Must not be before the previous milestone ({previous.date.isoformat()})"]})


def _check_resolution(case: Case, resolution: str | None) -> None:
    if resolution is None:
        raise ValidationFailed({"resolution": ["Required to close a case"]})
    verdict = case.status if case.status in VERDICTS else None
    if resolution in VERDICTS and resolution != verdict:
        raise ValidationFailed({"resolution": [f"The case has no verdict '{resolution}'"]})
    if verdict is not None and resolution != verdict:
        raise ValidationFailed({"resolution": [f"The case ended in '{verdict}'"]})


def reach_milestone(viewer: Viewer, case_id: str, data: dict) -> dict:
    """Move the case to its next milestone; closing also needs a resolution and every mandatory task done."""
    def work() -> dict:
        target = data["status"]
        case = viewer.workable_case(case_id, lead=target == CLOSED)
        CASE_WORKFLOW.check(case.status, target, viewer.principal)
        milestone = Milestone(status=target, date=data.get("date") or today(), tenant=viewer.tenant,
                              note=data.get("note"), recorded_by=viewer.sub, recorded_at=now())
        _check_date(milestone.date, case.milestones[-1] if case.milestones else None)
        if target == CLOSED:
            _check_resolution(case, data.get("resolution"))
            unfinished = tasks.unfinished_mandatory(case)
            if unfinished:
                raise Conflict(
                    f"Mandatory tasks are not done: {', '.join(task.title for task in unfinished)}",
                    slug="mandatory-tasks-open", title="Mandatory tasks are not done",
                    open_mandatory_tasks=[{"id": str(task.id), "title": task.title, "status": task.status,
                                           "assigned_tenant": task.assigned_tenant} for task in unfinished])
            case.resolution = data["resolution"]
        case.milestones.append(milestone)
        CASE_WORKFLOW.take(case, target, viewer.principal, data.get("note"))
        if target == CLOSED:
            events.case_closed(case, milestone)
        else:
            events.case_milestone_reached(case, milestone)
        _log(viewer, case, "milestone", target)
        return present(viewer, case)

    return logged(work)
