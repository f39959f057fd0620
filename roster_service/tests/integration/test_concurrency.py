"""Accepting an offer books the expert atomically: overlapping acceptances at once, exactly one wins."""

import threading

import pytest

from roster_service.deployments.models import Deployment
from roster_service.experts.models import Expert
from roster_service.tests.conftest import day

pytestmark = pytest.mark.integration


def accept_all_at_once(app, roster, deployment_ids, headers):
    barrier = threading.Barrier(len(deployment_ids))
    statuses: dict[str, int] = {}

    def accept(deployment_id):
        client = app.test_client()
        barrier.wait()
        response = client.post(f"/deployments/{deployment_id}/transitions", json={"to": "accepted"}, headers=headers)
        statuses[deployment_id] = response.status_code

    threads = [threading.Thread(target=accept, args=(deployment_id,)) for deployment_id in deployment_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return statuses


@pytest.mark.parametrize("round_number", range(3))
def test_concurrent_acceptance_of_overlapping_offers_books_the_expert_once(app, roster, round_number):
    expert = roster.ready_expert("IDN")
    windows = [(day(30), day(45)), (day(40), day(60)), (day(40), day(40)), (day(20), day(40))]  # all share day 40
    deployment_ids = []
    for tenant, (start, end) in zip(("THA", "MYS", "PHL", "AUS"), windows, strict=True):
        request_id = roster.request_under_review(tenant, start_date=start, end_date=end)["request_id"]
        offered = roster.offer(request_id, expert["expert_id"])
        assert offered.status_code == 201, offered.get_json()
        deployment_ids.append(offered.get_json()["deployment_id"])

    statuses = accept_all_at_once(app, roster, deployment_ids, roster.person(expert["user_id"]))

    assert sorted(statuses.values()) == [200, 409, 409, 409], statuses
    [winner] = [deployment_id for deployment_id, status in statuses.items() if status == 200]
    booked = Expert.across_tenants("test").get(id=expert["expert_id"]).bookings
    assert [booking.deployment_id for booking in booked] == [winner]
    states = {str(deployment.id): deployment.status for deployment in Deployment.across_tenants("test")}
    assert states == {deployment_id: "accepted" if deployment_id == winner else "offered"
                      for deployment_id in deployment_ids}


def test_concurrent_acceptance_of_offers_that_do_not_overlap_all_succeed(app, roster):
    expert = roster.ready_expert("IDN")
    deployment_ids = []
    for tenant, start, end in (("THA", day(10), day(19)), ("MYS", day(20), day(29)), ("PHL", day(30), day(39))):
        request_id = roster.request_under_review(tenant, start_date=start, end_date=end)["request_id"]
        deployment_ids.append(roster.offer(request_id, expert["expert_id"]).get_json()["deployment_id"])

    statuses = accept_all_at_once(app, roster, deployment_ids, roster.person(expert["user_id"]))

    assert list(statuses.values()) == [200, 200, 200]
    assert len(Expert.across_tenants("test").get(id=expert["expert_id"]).bookings) == 3
