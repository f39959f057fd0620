"""Use cases of the intelligence log. Every item returned is one released to the caller (visibility.py), and
every read of one is recorded in the access log."""

from __future__ import annotations

from mongoengine.queryset.visitor import Q

from joint_action_service import events
from joint_action_service.access_log.service import append, logged, logged_page, record_access
from joint_action_service.common import with_id
from joint_action_service.handling import check_initial_release, release
from joint_action_service.items.models import Attachment, InformationItem
from joint_action_service.visibility import Viewer
from joint_action_service.vocabulary import RELEASABLE


def _filtered(items, query: dict):
    for field in ("source_reliability", "information_credibility"):
        if field in query:
            items = items.filter(**{field: query[field]})
    if "q" in query:
        items = items.filter(Q(title__icontains=query["q"]) | Q(content__icontains=query["q"]))
    return items.order_by("-created_at")


def _read_each(items: list[InformationItem], detail: str):
    return [record_access("item", item, "read", detail) for item in items]


def list_items(viewer: Viewer, case_id: str, query: dict, pagination_parameters) -> list[InformationItem]:
    items = _filtered(viewer.items([viewer.case(case_id)]), query)
    return logged_page(viewer, items, pagination_parameters, lambda listed: _read_each(listed, "listed"))


def search_items(viewer: Viewer, query: dict, pagination_parameters) -> list[InformationItem]:
    """Items released to the caller across every case it sees (or one case, or one JPA's cases)."""
    cases = viewer.cases()
    if "case_id" in query:
        cases = with_id(cases, "id", query["case_id"])
    if "jpa_id" in query:
        cases = with_id(cases, "jpa_id", query["jpa_id"])
    items = _filtered(viewer.items(list(cases)), query)
    return logged_page(viewer, items, pagination_parameters, lambda found: _read_each(found, "search"))


def get_item(viewer: Viewer, case_id: str, item_id: str) -> InformationItem:
    def work() -> InformationItem:
        item = viewer.item(viewer.case(case_id), item_id)
        append(viewer, [record_access("item", item, "read")])
        return item

    return logged(work)


def add_item(viewer: Viewer, case_id: str, data: dict) -> InformationItem:
    def work() -> InformationItem:
        case = viewer.workable_case(case_id)
        handling_code = data.get("handling_code") or case.handling_code
        check_initial_release(handling_code, data["released_to"], case.participants)
        fields = {**data, "handling_code": handling_code,
                  "attachments": [Attachment(**attachment) for attachment in data["attachments"]]}
        item = InformationItem(tenant=viewer.tenant, case_id=case.id, created_by=viewer.sub, **fields)
        item.save(force_insert=True)
        released = _released_to(item, case)
        if released:
            events.item_released(case, item, released)
        append(viewer, [record_access("item", item, "create")])
        return item

    return logged(work)


def _released_to(item: InformationItem, case) -> list[str]:
    """The other tenants a new item is released to (a releasable item released to nobody in particular goes to
    every participant)."""
    tenants = item.released_to or (case.participants if item.handling_code == RELEASABLE else [])
    return [tenant for tenant in tenants if tenant != item.originator_tenant]


def release_item(viewer: Viewer, case_id: str, item_id: str, tenants: list[str]) -> InformationItem:
    def work() -> InformationItem:
        case = viewer.workable_case(case_id)
        item = viewer.item(case, item_id)
        added = release(item, caller_tenant=viewer.tenant, lead_tenant=case.tenant, tenants=tenants,
                        case_participants=case.participants)
        if added:
            item.save()
            events.item_released(case, item, added)
            append(viewer, [record_access("item", item, "release", ", ".join(added))])
        return item

    return logged(work)
