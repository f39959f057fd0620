"""The gateway's administration lists and audit-log exports are served by indexes (`explain` on the server;
docs/indexes.md lists them)."""

import mongoengine
import pytest

from chassis.testing.query_plans import collection_scans, plans, recorded_queries
from gateway.identity.models import Tenant

pytestmark = pytest.mark.integration

BOUNDED = {
    "tenants": "one document per member state or organisation",
    "signing_keys": "the gateway's few signing keys",
}


def test_the_administration_lists_and_the_audit_log_are_served_by_indexes(client, auth_headers, register_user,
                                                                          register_client):
    Tenant(code="RSO", name="RSO", kind="platform").save()
    admin = register_user("admin@tha.example.org", tenant="THA", roles=["tenant_admin"])
    platform_admin = register_user("admin@rso.example.org", tenant="RSO", roles=["platform_admin"])
    register_client(tenant="THA", client_id="tha-case-system")
    as_admin = auth_headers(tenant="THA", roles=["tenant_admin"], sub=str(admin.id))
    as_platform = auth_headers(tenant="RSO", roles=["platform_admin"], sub=str(platform_admin.id))
    calls = [
        (as_platform, "/admin/tenants", {}), (as_admin, "/admin/tenants/THA", {}),
        (as_admin, "/admin/tenants/THA/users", {}), (as_admin, "/admin/tenants/THA/clients", {}),
        (as_admin, "/admin/audit", {}), (as_admin, "/admin/audit", {"action": "admin.refused"}),
        (as_admin, "/admin/audit", {"outcome": "failure"}), (as_platform, "/admin/audit", {}),
        (as_admin, "/admin/audit/export", {"tenant": "THA"}),
    ]
    with recorded_queries() as queries:
        for headers, path, query in calls:
            response = client.get(path, headers=headers, query_string=query)
            assert response.status_code == 200, (path, response.get_json())

    database = mongoengine.get_db()
    assert {plan.query.collection for plan in plans(queries, database.client)} >= {"users", "audit_log"}
    scans = [str(plan) for plan in collection_scans(queries, database.client, BOUNDED)]
    assert not scans, "\n".join(scans)
