"""Every query the joint-action API makes on a collection that grows is served by an index (`explain` on the
server; docs/indexes.md lists them)."""

import mongoengine
import pytest

from chassis.testing.query_plans import collection_scans, plans, recorded_queries
from joint_action_service.tests.conftest import item_body

pytestmark = pytest.mark.integration

BOUNDED = {"case_templates": "one template per tenant and case type"}


def test_the_joint_action_lists_dashboards_and_exports_are_served_by_indexes(world, caller):
    tha, idn = world.tha, world.idn
    tha.created(world.case_path("/items"), item_body())
    tha.created(world.case_path("/tasks"), {"title": "Interview the skipper"})
    case, jpa = world.case_path(), f"/jpas/{world.jpa_id}"
    calls = [
        (tha, "/jpas", {}), (tha, "/jpas", {"status": "active"}), (idn, "/jpas", {}), (tha, jpa, {}),
        (tha, f"{jpa}/dashboard", {}), (tha, f"{jpa}/dashboard.csv", {}),
        (tha, "/cases", {}), (tha, "/cases", {"jpa_id": world.jpa_id, "status": "intelligence", "q": "Satun"}),
        (idn, "/cases", {}), (tha, case, {}),
        (tha, f"{case}/items", {}), (idn, f"{case}/items", {"source_reliability": "B", "q": "Boat"}),
        (tha, "/items", {"jpa_id": world.jpa_id}), (tha, "/items", {"case_id": world.case_id}),
        (tha, f"{case}/tasks", {}), (tha, f"{case}/persons", {}), (tha, f"{case}/outcomes", {}),
        (tha, f"{case}/extraditions", {}), (tha, f"{case}/expert-requests", {}), (tha, "/case-templates", {}),
        (tha, "/access-log", {"case_id": world.case_id}), (tha, "/access-log", {"actor_tenant": "THA"}),
        (caller("RSO", "auditor"), "/access-log", {}),
    ]
    with recorded_queries() as queries:
        for who, path, query in calls:
            response = who.client.get(path, headers=who.headers, query_string=query)
            assert response.status_code == 200, (path, response.get_json())

    database = mongoengine.get_db()
    assert {plan.query.collection for plan in plans(queries, database.client)} >= {
        "jpas", "cases", "information_items", "tasks", "access_log"}
    scans = [str(plan) for plan in collection_scans(queries, database.client, BOUNDED)]
    assert not scans, "\n".join(scans)
