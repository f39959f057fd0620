"""The notification service's API queries a person's notifications through an index (`explain` on the server;
docs/indexes.md lists them)."""

import mongoengine
import pytest

from chassis.testing.events import deliver
from chassis.testing.query_plans import collection_scans, plans, recorded_queries
from notification_service.subscriptions import subscriptions
from notification_service.tests.conftest import deployment, person

pytestmark = pytest.mark.integration


def test_a_persons_notifications_are_served_by_an_index(client, auth_headers, app):
    expert = person("u-expert", tenant="IDN")
    deliver(subscriptions, expert)
    deliver(subscriptions, deployment(expert))
    me = auth_headers(tenant="IDN", roles=["expert"], sub="u-expert")
    with recorded_queries() as queries:
        for query in ({}, {"include_read": "true"}):
            assert client.get("/notifications", headers=me, query_string=query).status_code == 200

    database = mongoengine.get_db()
    assert {plan.query.collection for plan in plans(queries, database.client)} >= {"notifications"}
    scans = [str(plan) for plan in collection_scans(queries, database.client, {})]
    assert not scans, "\n".join(scans)
