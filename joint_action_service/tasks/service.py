"""Use cases of a case's tasks. Tasks go to the lead or a contributing tenant; only the lead makes a task
mandatory or cancels a mandatory one, because closing the case waits for every mandatory task."""

from __future__ import annotations

import datetime as dt

from chassis.access import system
from chassis.clock import now
from chassis.problems import Forbidden, ValidationFailed
from joint_action_service import events
from joint_action_service.access_log.service import append, case_access, logged, logged_page
from joint_action_service.common import first_or_404
from joint_action_service.tasks.models import TASK_WORKFLOW, UNFINISHED, Task, TaskComment
from joint_action_service.visibility import Viewer


def create_from_template(case, presets, opened_on: dt.date, viewer: Viewer) -> None:
    for preset in presets:
        due = opened_on + dt.timedelta(days=preset.due_in_days) if preset.due_in_days is not None else None
        Task(tenant=case.tenant, case_id=case.id, title=preset.title, description=preset.description,
             assigned_tenant=case.tenant, due_date=due, mandatory=preset.mandatory, from_template=True,
             created_by=viewer.sub).save(force_insert=True)


def unfinished_mandatory(case) -> list[Task]:
    return list(system("closing a case checks all its mandatory tasks").records(Task).filter(
        case_id=case.id, mandatory=True, status__in=UNFINISHED).order_by("created_at"))


def return_to_lead(viewer: Viewer, case, tenants: list[str]) -> None:
    """Tenants that may no longer work the case (their share ended, or became read-only) hand their unfinished
    tasks back to the lead, without a person: a task is never left with a tenant that cannot act on it."""
    returned = system("the tasks of tenants that may no longer work a case return to its lead").records(Task).filter(
        case_id=case.id, assigned_tenant__in=tenants, status__in=UNFINISHED)
    count = returned.update(set__assigned_tenant=case.tenant, set__assignee=None)
    if count:
        _log(viewer, case, "tasks_returned", f"{count} unfinished task(s) of {', '.join(tenants)} to the lead")


def _check_assignment(case, data: dict, viewer: Viewer) -> None:
    tenant = data.get("assigned_tenant")
    if tenant is not None:
        share = case.share_of(tenant)
        if tenant != case.tenant and (share is None or share.permission != "contribute"):
            raise ValidationFailed({"assigned_tenant": ["Assign tasks to the lead or a contributing tenant"]})
    if "mandatory" in data and not viewer.leads(case):
        raise Forbidden("Only the case's lead tenant decides which tasks are mandatory")


def _log(viewer: Viewer, case, action: str, detail: str) -> None:
    append(viewer, [case_access(case, action, detail)])


def list_tasks(viewer: Viewer, case_id: str, query: dict, pagination_parameters) -> list[Task]:
    case = viewer.case(case_id)
    tasks = viewer.case_records(Task, [case]).filter(**query).order_by("created_at", "id")
    return logged_page(viewer, tasks, pagination_parameters, lambda _: [case_access(case, "read", "tasks")])


def get_task(viewer: Viewer, case_id: str, task_id: str) -> Task:
    def work() -> Task:
        case = viewer.case(case_id)
        task = first_or_404(viewer.case_records(Task, [case]), "task", task_id)
        _log(viewer, case, "read", f"task {task.id}")
        return task

    return logged(work)


def add_task(viewer: Viewer, case_id: str, data: dict) -> Task:
    def work() -> Task:
        case = viewer.workable_case(case_id)
        data.setdefault("assigned_tenant", viewer.tenant)
        _check_assignment(case, data, viewer)
        task = Task(tenant=viewer.tenant, case_id=case.id, created_by=viewer.sub, **data).save(force_insert=True)
        events.task_assigned(case, task)
        _log(viewer, case, "task_added", f"task {task.id}")
        return task

    return logged(work)


def _task_in_workable_case(viewer: Viewer, case_id: str, task_id: str):
    case = viewer.workable_case(case_id)
    return case, first_or_404(viewer.case_records(Task, [case]), "task", task_id)


def update_task(viewer: Viewer, case_id: str, task_id: str, data: dict) -> Task:
    def work() -> Task:
        case, task = _task_in_workable_case(viewer, case_id, task_id)
        if viewer.tenant not in (case.tenant, task.tenant):
            raise Forbidden("Only the lead or the tenant that created the task may change it")
        _check_assignment(case, data, viewer)
        assigned = (task.assigned_tenant, task.assignee)
        for field, value in data.items():
            setattr(task, field, value)
        task.save()
        if (task.assigned_tenant, task.assignee) != assigned:
            events.task_assigned(case, task)
        _log(viewer, case, "task_updated", f"task {task.id}: {', '.join(sorted(data))}")
        return task

    return logged(work)


def advance_task(viewer: Viewer, case_id: str, task_id: str, target: str, comment: str | None) -> Task:
    def work() -> Task:
        case, task = _task_in_workable_case(viewer, case_id, task_id)
        if viewer.tenant not in (case.tenant, task.assigned_tenant):
            raise Forbidden("Only the assigned tenant or the lead moves a task")
        TASK_WORKFLOW.check(task.status, target, viewer.principal)
        if target == "cancelled" and task.mandatory and not viewer.leads(case):
            raise Forbidden("Only the case's lead tenant cancels a mandatory task")
        TASK_WORKFLOW.take(task, target, viewer.principal, comment)
        _log(viewer, case, "task_moved", f"task {task.id}: {target}")
        return task

    return logged(work)


def comment_on_task(viewer: Viewer, case_id: str, task_id: str, text: str) -> Task:
    def work() -> Task:
        case, task = _task_in_workable_case(viewer, case_id, task_id)
        task.comments.append(TaskComment(author=viewer.sub, author_tenant=viewer.tenant, at=now(), text=text))
        task.save()
        _log(viewer, case, "task_commented", f"task {task.id}")
        return task

    return logged(work)
