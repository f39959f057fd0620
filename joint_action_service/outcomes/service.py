"""Use cases of a case's outcomes and extradition requests."""

from __future__ import annotations

from chassis.clock import today
from chassis.problems import Conflict, Forbidden, ValidationFailed
from joint_action_service.access_log.service import append, case_access, logged, logged_page
from joint_action_service.cases.models import Case
from joint_action_service.common import first_or_404, parse_object_id
from joint_action_service.outcomes.models import (
    EXTRADITION_WORKFLOW,
    MILESTONE_OF_OUTCOME,
    MLA_REQUEST,
    MLA_WORKFLOW,
    Extradition,
    Outcome,
    Seizure,
)
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


def _date_errors(case: Case, kind: str, date) -> dict:
    """An outcome's date and kind against its case: not in the future, not before the case opened, and for
    persons arrested, charged or convicted, only once the case reached that milestone, not before it."""
    if date > today():
        return {"date": ["Must not be in the future"]}
    if date < case.opened_on:
        return {"date": [f"Must not be before the case opened ({case.opened_on.isoformat()})"]}
    milestone = MILESTONE_OF_OUTCOME.get(kind)
    if milestone is None:
        return {}
    reached_on = case.reached_on(milestone)
    if reached_on is None:
        return {"kind": [f"The case has not reached the milestone '{milestone}' (it is at '{case.status}')"]}
    if date < reached_on:
        return {"date": [f"Must not be before the case reached '{milestone}' ({reached_on.isoformat()})"]}
    return {}


def _refuse_own_state(viewer: Viewer, requested_state: str) -> None:
    if requested_state == viewer.tenant:
        raise ValidationFailed({"requested_state": ["A state does not ask itself: name another state"]})


def list_outcomes(viewer: Viewer, case_id: str, query: dict, pagination_parameters) -> list[Outcome]:
    case = viewer.case(case_id)
    outcomes = viewer.case_records(Outcome, [case]).filter(**query).order_by("date", "recorded_at")
    return logged_page(viewer, outcomes, pagination_parameters, lambda _: [case_access(case, "read", "outcomes")])


def record_outcome(viewer: Viewer, case_id: str, data: dict) -> Outcome:
    def work() -> Outcome:
        case = viewer.workable_case(case_id)
        errors = _date_errors(case, data["kind"], data["date"])
        if errors:
            raise ValidationFailed(errors)
        if data["kind"] == MLA_REQUEST:
            _refuse_own_state(viewer, data["requested_state"])
        fields = {**data, "person_ids": _suspect_ids(viewer, case, "person_ids", data["person_ids"])}
        if "seizure" in fields:
            fields["seizure"] = Seizure(**fields["seizure"])
        if data["kind"] == MLA_REQUEST:
            fields["status"] = "sent"
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
        _refuse_own_state(viewer, data["requested_state"])
        fields = dict(data)
        if "person_id" in fields:
            [fields["person_id"]] = _suspect_ids(viewer, case, "person_id", [fields["person_id"]])
        request = Extradition(tenant=viewer.tenant, case_id=case.id, created_by=viewer.sub, **fields)
        request.save(force_insert=True)
        append(viewer, [case_access(case, "extradition_drafted", f"extradition {request.id}")])
        return request

    return logged(work)


def _refuse_unless_party(viewer: Viewer, case: Case, requesting_tenant: str, requested_state: str) -> None:
    if viewer.tenant not in (requesting_tenant, case.tenant, requested_state):
        raise Forbidden("Only the requesting tenant, the lead or the requested state moves this request")


def advance_extradition(viewer: Viewer, case_id: str, extradition_id: str, target: str,
                        comment: str | None) -> Extradition:
    """The requesting tenant, the lead, or the requested state (when it contributes to the case) moves it."""
    def work() -> Extradition:
        case = viewer.workable_case(case_id)
        request = first_or_404(viewer.case_records(Extradition, [case]), "extradition request", extradition_id)
        _refuse_unless_party(viewer, case, request.tenant, request.requested_state)
        EXTRADITION_WORKFLOW.take(request, target, viewer.principal, comment)
        append(viewer, [case_access(case, "extradition_moved", f"extradition {request.id}: {target}")])
        return request

    return logged(work)


def advance_mla_request(viewer: Viewer, case_id: str, outcome_id: str, target: str, comment: str | None) -> Outcome:
    """An MLA request is answered, refused or withdrawn; moved by the same parties as an extradition request."""
    def work() -> Outcome:
        case = viewer.workable_case(case_id)
        outcome = first_or_404(viewer.case_records(Outcome, [case]), "outcome", outcome_id)
        if outcome.kind != MLA_REQUEST:
            raise Conflict(f"Only an MLA request moves; an outcome of kind '{outcome.kind}' is final",
                           kind=outcome.kind, allowed_next_states=[])
        _refuse_unless_party(viewer, case, outcome.tenant, outcome.requested_state)
        MLA_WORKFLOW.take(outcome, target, viewer.principal, comment)
        append(viewer, [case_access(case, "mla_request_moved", f"MLA request {outcome.id}: {target}")])
        return outcome

    return logged(work)
