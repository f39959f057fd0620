"""Every query the roster's API makes on a collection that grows is served by an index (`explain` on the
server; docs/indexes.md lists them)."""

import mongoengine
import pytest

from chassis.testing.query_plans import collection_scans, plans, recorded_queries
from roster_service.tests.conftest import day

pytestmark = pytest.mark.integration

BOUNDED = {"functions": "the function catalogue: a few dozen functions, cached by each process"}


def test_the_rosters_lists_searches_and_reports_are_served_by_indexes(roster, client):
    expert = roster.ready_expert("IDN")
    request = roster.request_under_review("THA")
    deployment = roster.offer(request["request_id"], expert["expert_id"]).get_json()
    expert_id, request_id = expert["expert_id"], request["request_id"]
    search = {"function": "border_management", "language": "en:professional", "country": "THA",
              "start_date": day(30), "end_date": day(60), "exclude_nationals": "true", "nominating_tenant": "IDN",
              "min_clearance": "restricted"}
    calls = [
        (roster.office(), "/experts", {}),
        (roster.office(), "/experts", {"status": "active", "function": "border_management",
                                       "nominating_tenant": "IDN"}),
        (roster.nominator("IDN"), "/experts", {"status": "active"}),
        (roster.person(expert["user_id"], "IDN", expert["email"]), "/experts/me", {}),
        (roster.office(), f"/experts/{expert_id}", {}),
        (roster.office(), f"/experts/{expert_id}/edits", {}),
        (roster.office(), f"/experts/{expert_id}/deployments", {}),
        (roster.office(), "/search", {"function": "border_management"}),
        (roster.office(), "/search", search),
        (roster.office(), f"/search/explanations/{expert_id}", search),
        (roster.office(), "/requests", {}),
        (roster.office(), "/requests", {"status": "under_review", "function": "border_management"}),
        (roster.requester("THA"), "/requests", {"status": "under_review"}),
        (roster.office(), f"/requests/{request_id}", {}),
        (roster.office(), f"/requests/{request_id}/candidates", {}),
        (roster.office(), "/deployments", {}),
        (roster.office(), "/deployments", {"status": deployment["status"], "request_id": request_id,
                                           "expert_id": expert_id}),
        (roster.nominator("IDN"), "/deployments", {}),
        (roster.office(), f"/deployments/{deployment['deployment_id']}", {}),
        (roster.office(), "/reports/coverage", {}),
        (roster.office(), "/reports/deployments", {"start_date": day(-30), "end_date": day(90)}),
        (roster.office(), "/reports/open-requests", {}),
    ]
    with recorded_queries() as queries:
        for headers, path, query in calls:
            response = client.get(path, headers=headers, query_string=query)
            assert response.status_code == 200, (path, response.get_json())

    database = mongoengine.get_db()
    assert {plan.query.collection for plan in plans(queries, database.client)} >= {
        "experts", "deployment_requests", "deployments"}
    scans = [str(plan) for plan in collection_scans(queries, database.client, BOUNDED)]
    assert not scans, "\n".join(scans)
