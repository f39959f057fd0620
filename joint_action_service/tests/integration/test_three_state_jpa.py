"""Acceptance: three states work one case of a JPA, from intelligence to conviction, each seeing what it may."""

import json

import pytest

from chassis.testing.events import emitted
from joint_action_service.tests.conftest import TODAY, item_body

pytestmark = pytest.mark.integration


def titles(response) -> list[str]:
    assert response.status_code == 200, response.get_json()
    return sorted(entry["title"] for entry in response.get_json())


def total(response) -> int:
    return json.loads(response.headers["X-Pagination"])["total"]


def reach(caller, world, milestone: str, **extra) -> None:
    response = caller.post(world.case_path("/milestones"), {"status": milestone, **extra})
    assert response.status_code == 200, response.get_json()


def record(caller, world, kind: str, count: int, **extra) -> None:
    caller.created(world.case_path("/outcomes"), {"kind": kind, "date": TODAY.isoformat(), "count": count, **extra})


def dashboard(caller, world) -> dict:
    response = caller.get(f"/jpas/{world.jpa_id}/dashboard")
    assert response.status_code == 200, response.get_json()
    return response.get_json()["totals"]


def test_three_states_work_a_case_to_conviction_each_seeing_only_what_is_released_to_it(world):
    tha, idn, mys = world.tha, world.idn, world.mys  # THA leads; IDN may read; MYS may contribute
    items = world.case_path("/items")

    # THA logs an item for every participant; MYS logs one released only to the lead.
    tha.created(items, item_body("Recruiters in Cox's Bazar"))
    secret = mys.created(items, item_body("Informant: boats leave from Langkawi", released_to=["THA"]))

    # The lead and the originator see both items.
    assert titles(tha.get(items)) == ["Informant: boats leave from Langkawi", "Recruiters in Cox's Bazar"]
    assert titles(mys.get(items)) == ["Informant: boats leave from Langkawi", "Recruiters in Cox's Bazar"]

    # The reader sees neither the item nor its existence: not in the list, its total, the case's counts,
    # a search, or by id.
    assert titles(idn.get(items)) == ["Recruiters in Cox's Bazar"]
    assert total(idn.get(items)) == 1
    assert idn.get(world.case_path()).get_json()["counts"]["information_items"] == 1
    assert titles(idn.get("/items", query_string={"q": "Langkawi"})) == []
    assert total(idn.get("/items", query_string={"q": "informant"})) == 0
    assert idn.get(world.case_path(f"/items/{secret['id']}")).status_code == 404

    # The reader may not contribute.
    assert idn.post(items, item_body("IDN tries to add")).status_code == 403

    # Milestones run to conviction, recorded by the lead and the contributor, with their outcomes.
    reach(tha, world, "investigation", note="Joint investigation team formed")
    reach(mys, world, "arrests", note="Arrests in Langkawi")
    record(mys, world, "arrest", 3)
    reach(tha, world, "charged")
    record(tha, world, "charge", 3)
    reach(tha, world, "prosecution")
    reach(tha, world, "convicted", note="Satun provincial court")
    record(tha, world, "conviction", 2, sentence="12 years")

    case = idn.get(world.case_path()).get_json()
    assert case["status"] == "convicted"
    assert [(m["status"], m["tenant"]) for m in case["milestones"]] == [
        ("intelligence", "THA"), ("investigation", "THA"), ("arrests", "MYS"), ("charged", "THA"),
        ("prosecution", "THA"), ("convicted", "THA")]
    assert [event["data"]["milestone"] for event in emitted("joint_action.case.milestone_reached")] == [
        "investigation", "arrests", "charged", "prosecution", "convicted"]

    # The dashboard sums the same outcomes for all three, but each state counts only the items it sees.
    lead_totals = dashboard(tha, world)
    assert {metric: lead_totals[metric] for metric in ("arrests", "charges", "convictions", "items_shared")} == {
        "arrests": 3, "charges": 3, "convictions": 2, "items_shared": 2}
    assert dashboard(mys, world) == lead_totals
    assert dashboard(idn, world) == {**lead_totals, "items_shared": 1}

    reader_csv = idn.get(f"/jpas/{world.jpa_id}/dashboard.csv").get_data(as_text=True)
    assert "Langkawi" not in reader_csv
    header, *_, totals_row = reader_csv.splitlines()
    assert dict(zip(header.split(","), totals_row.split(","), strict=True)) == {
        **dict.fromkeys(header.split(","), "0"), "case_id": "TOTAL", "title": "Operation Andaman Sea",
        "lead_tenant": "", "status": "active", "arrests": "3", "charges": "3", "convictions": "2",
        "items_shared": "1"}
