"""Outcomes and requests tell the truth about their case (issue 11, item 10): MLA requests have a lifecycle, an
outcome fits the case's milestones, counts and dates, a state asks no one but another state, experts are requested
for work to come."""

import datetime as dt

import pytest

from chassis.testing.events import emitted
from joint_action_service.tests.conftest import TODAY, case_body, jpa_body

pytestmark = pytest.mark.integration

DAYS_AGO_OPENED = 30


def fields(response) -> set[str]:
    assert response.status_code == 422, response.get_json()
    assert response.mimetype == "application/problem+json"
    return {error["field"] for error in response.get_json()["errors"]}


def days_ago(days: int) -> str:
    return (TODAY - dt.timedelta(days=days)).isoformat()


@pytest.fixture
def case(world):
    """THA's case opened 30 days ago, at `arrests` since 10 days ago, with two suspects."""
    opened = world.tha.created("/cases", case_body(world.jpa_id, opened_on=days_ago(DAYS_AGO_OPENED), shares=[
        {"tenant": "IDN", "permission": "read"}, {"tenant": "MYS", "permission": "contribute"}]))
    path = f"/cases/{opened['id']}"
    world.tha.created(f"{path}/milestones", {"status": "investigation", "date": days_ago(20)})
    world.tha.created(f"{path}/milestones", {"status": "arrests", "date": days_ago(10)})
    suspects = [world.tha.created(f"{path}/persons", {"kind": "suspect", "full_name": name,
                                                      "network_role": "recruiter"})
                for name in ("Karim", "Somchai")]
    return path, [suspect["id"] for suspect in suspects]


def test_an_mla_request_is_sent_then_answered_refused_or_withdrawn(world, case):
    path, _ = case
    sent = world.mys.created(f"{path}/outcomes", {"kind": "mla_request", "date": days_ago(5),
                                                  "requested_state": "IDN"})
    assert (sent["status"], sent["allowed_next_states"]) == ("sent", ["answered", "refused", "withdrawn"])
    steps = f"{path}/outcomes/{sent['id']}/transitions"

    assert world.idn.post(steps, {"to": "answered"}).status_code == 403  # IDN reads the case only
    answered = world.mys.post(steps, {"to": "answered", "comment": "Bank records received"})
    assert answered.status_code == 200, answered.get_json()
    assert (answered.get_json()["status"], answered.get_json()["allowed_next_states"]) == ("answered", [])
    assert [step["to_state"] for step in answered.get_json()["history"]] == ["answered"]

    again = world.mys.post(steps, {"to": "withdrawn"})
    assert (again.status_code, again.get_json()["allowed_next_states"]) == (409, [])

    arrest = world.tha.created(f"{path}/outcomes", {"kind": "arrest", "date": days_ago(5)})
    assert arrest["status"] is None and arrest["allowed_next_states"] == []
    final = world.tha.post(f"{path}/outcomes/{arrest['id']}/transitions", {"to": "answered"})
    assert (final.status_code, final.get_json()["allowed_next_states"]) == (409, [])


def test_a_state_asks_another_state_never_itself(world, case):
    path, _ = case
    assert fields(world.tha.post(f"{path}/extraditions", {"requested_state": "THA"})) == {"requested_state"}
    assert fields(world.mys.post(f"{path}/outcomes", {"kind": "mla_request", "date": days_ago(1),
                                                      "requested_state": "MYS"})) == {"requested_state"}
    assert world.tha.created(f"{path}/extraditions", {"requested_state": "MYS"})["status"] == "drafted"


def test_an_outcome_fits_its_case_milestones_count_and_dates(world, case):
    path, (karim, somchai) = case
    outcomes = f"{path}/outcomes"

    def refused(body) -> set[str]:
        return fields(world.tha.post(outcomes, {"date": days_ago(5), **body}))

    assert refused({"kind": "arrest", "count": 1, "person_ids": [karim, somchai]}) == {"person_ids"}
    assert refused({"kind": "conviction", "sentence": "6 years"}) == {"kind"}  # the case is at `arrests`
    assert refused({"kind": "charge"}) == {"kind"}
    assert refused({"kind": "arrest", "date": "1900-01-01"}) == {"date"}
    assert refused({"kind": "arrest", "date": days_ago(DAYS_AGO_OPENED + 1)}) == {"date"}  # before the case
    assert refused({"kind": "arrest", "date": days_ago(15)}) == {"date"}  # before the `arrests` milestone
    assert refused({"kind": "seizure", "date": days_ago(DAYS_AGO_OPENED + 1),
                    "seizure": {"seizure_type": "cash", "quantity": 1}}) == {"date"}
    assert world.tha.get(outcomes).get_json() == []

    arrest = world.tha.created(outcomes, {"kind": "arrest", "date": days_ago(10), "count": 2,
                                          "person_ids": [karim, somchai]})
    assert arrest["count"] == 2


def test_no_record_of_a_jpa_or_case_is_dated_before_2000(world):
    assert fields(world.tha.post("/jpas", jpa_body(start_date="1900-01-01"))) == {"start_date"}
    assert fields(world.tha.post("/cases", case_body(world.jpa_id, opened_on="1900-01-01"))) == {"opened_on"}
    assert fields(world.tha.post(world.case_path("/milestones"), {"status": "investigation",
                                                                  "date": "0202-01-01"})) == {"date"}


def test_experts_are_requested_for_work_to_come_not_in_the_past(world):
    response = world.tha.post(world.case_path("/expert-requests"), {
        "function": "interview_techniques", "country": "THA", "start_date": days_ago(3),
        "end_date": (TODAY + dt.timedelta(days=10)).isoformat(), "justification": "Interviews"})
    assert fields(response) == {"start_date"}
    assert emitted("joint_action.case.expert_requested") == []
