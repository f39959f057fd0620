"""The audit log records refusals too, each in the chain of the tenant concerned, and is tamper-evident:
hash-chained per tenant, verified by `python -m gateway verify-audit-log`, exported with its hashes."""

import csv
import io

import pytest
import requests

from gateway.__main__ import main
from gateway.identity import audit, denials
from gateway.identity.models import AuditEntry, Tenant

pytestmark = pytest.mark.integration


@pytest.fixture
def people(register_user, register_client):
    for code in ("RSO", "IDN"):
        Tenant(code=code, name=f"Tenant {code}", kind="platform" if code == "RSO" else "member_state").save()
    return {
        "tha_admin": register_user("admin@tha.example.org", tenant="THA", roles=["tenant_admin"]),
        "idn_admin": register_user("admin@idn.example.org", tenant="IDN", roles=["tenant_admin"]),
        "platform_admin": register_user("admin@rso.example.org", tenant="RSO", roles=["platform_admin"]),
        "client": register_client(tenant="IDN", client_id="idn-case-system"),
    }


@pytest.fixture
def as_(people, auth_headers):
    def headers(who: str) -> dict:
        user = people[who]
        return auth_headers(tenant=user.tenant, roles=list(user.roles), sub=str(user.id))

    return headers


def test_a_404_on_another_tenants_admin_path_is_audited_where_that_tenant_sees_it(client, as_, people):
    refused = client.get("/admin/tenants/IDN/users", headers=as_("tha_admin"))

    assert refused.status_code == 404
    [entry] = AuditEntry.objects(action="admin.refused")
    assert (entry.outcome, entry.actor, entry.actor_tenant, entry.target_tenant, entry.chain) == (
        "denied", str(people["tha_admin"].id), "THA", "IDN", "IDN")
    seen_by_idn = client.get("/admin/audit?action=admin.refused", headers=as_("idn_admin")).get_json()
    assert [row["target"] for row in seen_by_idn] == ["/admin/tenants/IDN/users"]


def test_a_suspended_tenants_token_refused_at_the_edge_is_audited(client, as_, people):
    denials.deny("tenant", "THA", "Tenant THA is suspended")

    refused = client.get("/edge/decision", headers=as_("tha_admin"))

    assert refused.status_code == 401
    [entry] = AuditEntry.objects(action="token.refused")
    assert (entry.outcome, entry.actor_tenant, entry.target, entry.details["reason"]) == (
        "denied", "THA", "/edge/decision", "Tenant THA is suspended")


def test_failed_client_authentication_is_kept_with_the_clients_tenant(live_gateway, client, as_, people):
    requests.post(f"{live_gateway.url}/oauth/token", data={"grant_type": "client_credentials"},
                  auth=("idn-case-system", "not-the-secret"), timeout=10)

    seen_by_idn = client.get("/admin/audit?outcome=failure", headers=as_("idn_admin")).get_json()

    assert [(row["action"], row["actor"], row["target_tenant"]) for row in seen_by_idn] == [
        ("oauth.oauth.Token", "idn-case-system", "IDN")]
    assert client.get("/admin/audit?outcome=failure", headers=as_("tha_admin")).get_json() == []


@pytest.fixture
def verify_command(settings, monkeypatch, capsys):
    """Run the real command line against this test's database; return (exit code, output)."""
    monkeypatch.setenv("MONGODB_URI", settings.mongodb_uri)
    monkeypatch.setenv("MONGODB_DATABASE", settings.mongodb_database)
    monkeypatch.setenv("LOG_JSON", "false")

    def run() -> tuple[int, str]:
        code = main(["verify-audit-log"])
        return code, capsys.readouterr().out

    return run


def make_some_history(client, as_):
    for index in range(3):
        assert client.post("/admin/tenants/THA/users", headers=as_("tha_admin"), json={
            "email": f"officer{index}@tha.example.org", "display_name": "Officer",
            "roles": ["case_officer"]}).status_code == 201
    client.get("/admin/tenants/IDN/users", headers=as_("tha_admin"))


def test_the_audit_log_verifies_and_an_edited_entry_is_detected(client, as_, verify_command):
    make_some_history(client, as_)
    assert verify_command() == (0, "audit log intact: 2 chain(s), 4 entries\n")
    second = AuditEntry.objects(chain="THA", seq=2).get()

    AuditEntry.objects(id=second.id).update_one(set__actor="somebody-else")
    code, output = verify_command()

    assert code == 1
    assert "BROKEN: tenant THA, entry 2: content does not match its hash (altered)" in output


def test_a_deleted_entry_is_detected(client, as_):
    make_some_history(client, as_)
    AuditEntry.objects(chain="THA", seq=1).delete()

    [broken] = audit.AUDIT_LOG.verify().broken
    assert (broken.chain, broken.seq) == ("THA", 1) and "missing" in broken.reason


def test_a_tenant_exports_its_own_chain_with_hashes_that_check_out(client, as_):
    make_some_history(client, as_)

    exported = client.get("/admin/audit/export?tenant=IDN", headers=as_("tha_admin")).get_json()
    as_csv = client.get("/admin/audit/export?format=csv", headers=as_("tha_admin"))

    assert [row["seq"] for row in exported] == [1, 2, 3] and {row["chain"] for row in exported} == {"THA"}
    previous = "0" * 64
    for row in exported:
        assert row["prev_hash"] == previous and audit.AUDIT_LOG.chain_hash(previous, row) == row["hash"]
        previous = row["hash"]
    rows = list(csv.DictReader(io.StringIO(as_csv.get_data(as_text=True))))
    assert as_csv.mimetype == "text/csv" and [row["hash"] for row in rows] == [row["hash"] for row in exported]


def test_a_platform_admin_exports_any_tenants_chain(client, as_):
    make_some_history(client, as_)

    exported = client.get("/admin/audit/export?tenant=IDN", headers=as_("platform_admin")).get_json()

    assert [(row["chain"], row["action"]) for row in exported] == [("IDN", "admin.refused")]


@pytest.mark.parametrize("tenant", ["\U000199c8", "tha", "", "THA-IDN"])
def test_an_export_of_no_tenants_chain_is_refused_naming_the_field(client, as_, tenant):
    """The chain's name goes into the CSV's file name, an HTTP header: anything but a tenant code or `-` was a 500."""
    refused = client.get("/admin/audit/export", query_string={"tenant": tenant, "format": "csv"},
                         headers=as_("platform_admin"))

    assert refused.status_code == 422 and refused.mimetype == "application/problem+json"
    assert [error["field"] for error in refused.get_json()["errors"]] == ["tenant"]


def test_the_export_of_entries_about_no_tenant_is_named_by_dash(client, as_):
    exported = client.get("/admin/audit/export?tenant=-&format=csv", headers=as_("platform_admin"))

    assert exported.status_code == 200 and 'filename="audit-log--.csv"' in exported.headers["Content-Disposition"]
