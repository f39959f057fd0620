"""Use cases of a case's persons. Victims' identities reach only those visibility.py allows; others get counts."""

from __future__ import annotations

from chassis.problems import Forbidden, ValidationFailed
from joint_action_service.access_log.service import append, logged, record_access
from joint_action_service.handling import check_initial_release, release
from joint_action_service.persons.models import Consent, Person, Referral
from joint_action_service.persons.schemas import kind_errors
from joint_action_service.visibility import Viewer


def _embedded(data: dict) -> dict:
    fields = dict(data)
    if "referrals" in fields:
        fields["referrals"] = [Referral(**referral) for referral in fields["referrals"]]
    if fields.get("consent") is not None:
        fields["consent"] = Consent(**fields["consent"])
    return fields


def list_persons(viewer: Viewer, case_id: str) -> dict:
    def work() -> dict:
        case = viewer.case(case_id)
        persons = list(viewer.identifiable_persons([case]).order_by("kind", "created_at"))
        anonymous = viewer.anonymous_victims([case])
        append(viewer, [record_access("person", person, "read", "listed") for person in persons])
        return {"persons": persons, "anonymised_victims": {
            "count": anonymous.count(),
            "rescued": anonymous.filter(rescued_on__ne=None).count(),
            "referred": anonymous.filter(referrals__0__exists=True).count(),
        }}

    return logged(work)


def get_person(viewer: Viewer, case_id: str, person_id: str) -> Person:
    def work() -> Person:
        person = viewer.person(viewer.case(case_id), person_id)
        append(viewer, [record_access("person", person, "read")])
        return person

    return logged(work)


def add_person(viewer: Viewer, case_id: str, data: dict) -> Person:
    def work() -> Person:
        case = viewer.workable_case(case_id)
        handling_code = data.get("handling_code") or case.handling_code
        check_initial_release(handling_code, data["released_to"], case.participants)
        person = Person(tenant=viewer.tenant, case_id=case.id, created_by=viewer.sub,
                        **{**_embedded(data), "handling_code": handling_code})
        person.save(force_insert=True)
        append(viewer, [record_access("person", person, "create")])
        return person

    return logged(work)


def update_person(viewer: Viewer, case_id: str, person_id: str, data: dict) -> Person:
    def work() -> Person:
        case = viewer.workable_case(case_id)
        person = viewer.person(case, person_id)
        if viewer.tenant not in (case.tenant, person.tenant):
            raise Forbidden("Only the lead or the tenant that recorded the person may change the record")
        errors = kind_errors(person.kind, data, creating=False)
        if errors:
            raise ValidationFailed(errors)
        for field, value in _embedded(data).items():
            setattr(person, field, value)
        person.save()
        append(viewer, [record_access("person", person, "update", ", ".join(sorted(data)))])
        return person

    return logged(work)


def release_person(viewer: Viewer, case_id: str, person_id: str, tenants: list[str]) -> Person:
    def work() -> Person:
        case = viewer.workable_case(case_id)
        person = viewer.person(case, person_id)
        added = release(person, caller_tenant=viewer.tenant, lead_tenant=case.tenant, tenants=tenants,
                        case_participants=case.participants)
        if added:
            person.save()
            append(viewer, [record_access("person", person, "release", ", ".join(added))])
        return person

    return logged(work)
