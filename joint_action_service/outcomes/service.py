"""Use cases of a case's outcomes and extradition requests."""

from __future__ import annotations

from chassis.clock import today
from chassis.problems import Forbidden, ValidationFailed
from joint_action_service.access_log.service import append, case_access, logged, logged_page
from joint_action_service.common import first_or_404, parse_object_id
from joint_action_service.outcomes.models import EXTRADITION_WORKFLOW, Extradition, Outcome, Seizure
from joint_action_service.persons.models import SUSPECT
from joint_action_service.visibility import Viewer


def _suspect_ids(viewer: Viewer, case, field: str, values: list[str]) -> list:
    """Suspects of the case the caller sees, named by id; anything else is a field error."""
    ids = [parse_object_id(value) for value in values]
    known = set(viewer.persons([case]).filter(kind=SUSPECT, id__in=[i for i in ids if i]).scalar("id"))
    unknown = [value for value, parsed in zip(values, ids, strict=True) if parsed not in known]
    if unknown:
        raise ValidationFailed({field: [f"Not suspects of this case: {', '.join(unknown)}"]})
    return ids


def _not_in_future(date) -> None:
    if date > today():
        raise ValidationFailed({"date": ["Must not be in the future"]})


def list_outcomes(viewer: Viewer, case_id: str, query: dict, pagination_parameters) -> list[Outcome]:
    case = viewer.case(case_id)
    outcomes = viewer.case_records(Outcome, [case]).filter(**query).order_by("date", "recorded_at")
    return logged_page(viewer, outcomes, pagination_parameters, lambda _: [case_access(case, "read", "outcomes")])


def record_outcome(viewer: Viewer, case_id: str, data: dict) -> Outcome:
    def work() -> Outcome:
        case = viewer.workable_case(case_id)
        _not_in_future(data["date"])
        fields = {**data, "person_ids": _suspect_ids(viewer, case, "person_ids", data["person_ids"])}
        if "seizure" in fields:
            fields["seizure"] = Seizure(**fields["seizure"])
        outcome = Outcome(tenant=viewer.tenant, case_id=case.id, recorded_by=viewer.sub, **fields)
        outcome.save(force_insert=True)
        append(viewer, [case_access(case, "outcome_recorded", f"{outcome.kind} {outcome.id}")])
        return outcome

    return logged(work)


def list_extraditions(viewer: Viewer, case_id: str, pagination_parameters) -> list[Extradition]:
    case = viewer.case(case_id)
    requests = viewer.case_records(Extradition, [case]).order_by("created_at")
    return logged_page(viewer, requests, pagination_parameters,
                       lambda _: [case_access(case, "read", "extraditions")])


def request_extradition(viewer: Viewer, case_id: str, data: dict) -> Extradition:
    def work() -> Extradition:
        case = viewer.workable_case(case_id)
        fields = dict(data)
        if "person_id" in fields:
            [fields["person_id"]] = _suspect_ids(viewer, case, "person_id", [fields["person_id"]])
        request = Extradition(tenant=viewer.tenant, case_id=case.id, created_by=viewer.sub, **fields)
        request.save(force_insert=True)
        append(viewer, [case_access(case, "extradition_drafted", f"extradition {request.id}")])
        return request

    return logged(work)


def advance_extradition(viewer: Viewer, case_id: str, extradition_id: str, target: str,
                        comment: str | None) -> Extradition:
    """The requesting tenant, the lead, or the requested state (when it contributes to the case) moves it."""
    def work() -> Extradition:
        case = viewer.workable_case(case_id)
        request = first_or_404(viewer.case_records(Extradition, [case]), "extradition request", extradition_id)
        if viewer.tenant not in (request.tenant, case.tenant, request.requested_state):
            raise Forbidden("Only the requesting tenant, the lead or the requested state moves this request")
        request.history.append(EXTRADITION_WORKFLOW.advance(request.status, target, viewer.principal, comment))
        request.status = target
        request.save()
        append(viewer, [case_access(case, "extradition_moved", f"extradition {request.id}: {target}")])
        return request

    return logged(work)
