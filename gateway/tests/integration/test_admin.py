"""Tenant administration: who may manage which tenant, what every change leaves behind, and isolation."""

import time

import pytest
import requests

from chassis import context
from chassis.testing.events import emitted
from gateway.identity.models import AuditEntry, OAuthClient, PasswordPolicy, Tenant, User, hash_secret

pytestmark = pytest.mark.integration

PASSWORD = "correct horse battery staple"


@pytest.fixture
def world(app):
    """The platform tenant with its admin, and two member states each with an admin, an officer and a client."""
    people = {}
    for code, kind in [("RSO", "platform"), ("THA", "member_state"), ("IDN", "member_state")]:
        Tenant(code=code, name=f"Tenant {code}", kind=kind).save()
    with context.bound(tenant="RSO"):
        people["platform_admin"] = User(email="admin@rso.example.org", display_name="Admin", roles=["platform_admin"],
                                        password_hash=hash_secret(PASSWORD)).save()
    for code in ("THA", "IDN"):
        with context.bound(tenant=code):
            people[f"{code}_admin"] = User(email=f"admin@{code.lower()}.example.org", display_name="Admin",
                                           roles=["tenant_admin"], password_hash=hash_secret(PASSWORD)).save()
            people[f"{code}_officer"] = User(email=f"officer@{code.lower()}.example.org", display_name="Officer",
                                             roles=["case_officer"], password_hash=hash_secret(PASSWORD)).save()
            OAuthClient(client_id=f"{code.lower()}-case-system", name="Case system",
                        client_secret_hash=hash_secret("s" * 32), grant_types=["client_credentials"],
                        roles=["case_officer"], scopes=["api"]).save()
    return people


@pytest.fixture
def as_(world, auth_headers):
    """Headers of a token for one of the world's people, as the gateway would issue it."""

    def headers(who: str) -> dict:
        user = world[who]
        return auth_headers(tenant=user.tenant, roles=list(user.roles), sub=str(user.id))

    return headers


def test_a_platform_admin_creates_a_tenant_and_the_event_goes_out(client, as_):
    created = client.post("/admin/tenants", json={"code": "MYS", "name": "Malaysia", "kind": "member_state"},
                          headers=as_("platform_admin"))

    assert created.status_code == 201, created.get_json()
    assert created.get_json()["status"] == "active"
    assert [event["data"] for event in emitted("identity.tenant.created")] == [
        {"tenant": "MYS", "name": "Malaysia", "kind": "member_state"}]
    assert AuditEntry.objects(action="tenant.created", target="MYS", actor_tenant="RSO").count() == 1


def test_tenant_input_is_validated_and_nothing_is_written(client, as_):
    response = client.post("/admin/tenants", json={"code": "thailand", "name": "", "kind": "platform"},
                           headers=as_("platform_admin"))

    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    assert {error["field"] for error in response.get_json()["errors"]} >= {"code", "name", "kind"}
    assert Tenant.objects.count() == 3 and emitted() == []


def test_a_platform_admin_renames_suspends_and_reactivates(client, as_):
    admin = as_("platform_admin")
    assert client.patch("/admin/tenants/THA", json={"name": "Kingdom of Thailand"}, headers=admin).get_json()[
        "name"] == "Kingdom of Thailand"
    assert client.post("/admin/tenants/THA/suspend", json={"reason": "audit"}, headers=admin).status_code == 200
    again = client.post("/admin/tenants/THA/suspend", json={"reason": "audit"}, headers=admin)
    assert again.status_code == 409 and again.get_json()["allowed_next_states"] == ["active"]
    assert client.post("/admin/tenants/THA/reactivate", headers=admin).get_json()["status"] == "active"
    assert [event["type"] for event in emitted() if event["type"].startswith("identity.")] == [
        "identity.tenant.suspended", "identity.tenant.reactivated"]
    assert [entry.action for entry in AuditEntry.objects(target="THA").order_by("at")] == [
        "tenant.renamed", "tenant.suspended", "tenant.reactivated"]


def test_a_platform_admin_creates_a_tenants_first_admin(client, as_):
    created = client.post("/admin/tenants/IDN/users", headers=as_("platform_admin"), json={
        "email": "Kepala@Polri.go.id", "display_name": "Kepala", "roles": ["tenant_admin"]})

    body = created.get_json()
    assert created.status_code == 201, body
    assert body["email"] == "kepala@polri.go.id" and body["tenant"] == "IDN"
    assert len(body["initial_password"]) >= 12 and body["password_change_required"] is True
    assert "password_hash" not in body


def test_a_tenant_admin_manages_their_own_people(client, as_, world):
    admin = as_("THA_admin")
    created = client.post("/admin/tenants/THA/users", headers=admin, json={
        "email": "new@police.go.th", "display_name": "New", "roles": ["requesting_officer"], "password": PASSWORD})
    user_id = created.get_json()["id"]
    assert created.status_code == 201 and "initial_password" not in created.get_json()
    assert created.get_json()["password_change_required"] is False

    changed = client.patch(f"/admin/tenants/THA/users/{user_id}", json={"roles": ["case_officer"]}, headers=admin)
    deactivated = client.post(f"/admin/tenants/THA/users/{user_id}/deactivate", headers=admin)

    assert changed.get_json()["roles"] == ["case_officer"]
    assert deactivated.get_json()["status"] == "deactivated"
    assert [event["data"] for event in emitted("identity.user.deactivated")] == [
        {"tenant": "THA", "user_id": user_id}]
    assert {entry.action for entry in AuditEntry.objects(target=user_id)} == {
        "user.created", "user.updated", "user.deactivated"}


def test_a_person_created_or_changed_is_published_with_their_address_and_language(client, as_):
    admin = as_("THA_admin")
    created = client.post("/admin/tenants/THA/users", headers=admin, json={
        "email": "Somchai@Police.go.th", "display_name": "Somchai", "roles": ["expert"], "preferred_language": "th"})
    user_id = created.get_json()["id"]
    changed = client.patch(f"/admin/tenants/THA/users/{user_id}", headers=admin,
                           json={"display_name": "Somchai K.", "preferred_language": "en"})
    refused = client.patch(f"/admin/tenants/THA/users/{user_id}", headers=admin, json={"preferred_language": "fr"})

    assert created.get_json()["preferred_language"] == "th" and changed.status_code == 200
    assert refused.status_code == 422 and refused.get_json()["errors"][0]["field"] == "preferred_language"
    person = {"tenant": "THA", "user_id": user_id, "email": "somchai@police.go.th", "roles": ["expert"],
              "status": "active"}
    assert [event["data"] for event in emitted("identity.user.created")] == [
        {**person, "display_name": "Somchai", "preferred_language": "th"}]
    assert [event["data"] for event in emitted("identity.user.updated")] == [
        {**person, "display_name": "Somchai K.", "preferred_language": "en"}]


@pytest.mark.parametrize("who, tenant", [("THA_admin", "THA"), ("platform_admin", "THA")])
def test_platform_admin_is_granted_only_by_platform_admins_in_the_platform_tenant(client, as_, who, tenant):
    response = client.post(f"/admin/tenants/{tenant}/users", headers=as_(who), json={
        "email": "boss@police.go.th", "display_name": "Boss", "roles": ["platform_admin"]})

    assert response.status_code == 422
    assert response.get_json()["errors"][0]["field"] == "roles"
    with context.bound(tenant=tenant):
        assert User.objects(email="boss@police.go.th").count() == 0


def test_a_tenant_admin_cannot_give_a_client_platform_admin(client, as_):
    response = client.post("/admin/tenants/THA/clients", headers=as_("THA_admin"), json={
        "client_id": "tha-superuser", "name": "x", "grant_types": ["client_credentials"], "roles": ["platform_admin"]})
    assert response.status_code == 422


def test_a_duplicate_email_is_a_conflict(client, as_):
    response = client.post("/admin/tenants/THA/users", headers=as_("THA_admin"), json={
        "email": "officer@tha.example.org", "display_name": "Twin", "roles": ["case_officer"]})
    assert response.status_code == 409


@pytest.mark.parametrize(("method", "path", "body", "fields"), [
    ("post", "/admin/tenants/THA/users", {"email": "not-an-email", "display_name": "", "roles": ["wizard"]},
     {"email", "display_name", "roles.0"}),
    ("post", "/admin/tenants/THA/users", {"email": "a@b.org", "display_name": "A", "roles": [], "password": "short"},
     {"roles", "password"}),
    ("patch", "/admin/tenants/THA/users/{officer}", {"roles": "case_officer", "display_name": "x" * 201},
     {"roles", "display_name"}),
    ("post", "/admin/tenants/THA/clients", {"client_id": "A!", "name": "x", "grant_types": ["password"],
                                            "redirect_uris": ["not a url"]},
     {"client_id", "grant_types.0", "redirect_uris.0"}),
    ("post", "/admin/tenants/THA/clients", {"client_id": "tha-spa", "name": "SPA", "confidential": False,
                                            "grant_types": ["client_credentials"]}, {"grant_types"}),
    ("post", "/admin/tenants/THA/suspend", {"reason": ""}, {"reason"}),
    ("patch", "/admin/tenants/THA/clients/tha-case-system",
     {"name": "", "redirect_uris": ["javascript:alert(1)"], "roles": ["wizard"],
      "allowed_origins": ["https://*.example.org", "https://app.example.org/", "https://APP.example.org"]},
     {"name", "redirect_uris.0", "roles.0", "allowed_origins.0", "allowed_origins.1", "allowed_origins.2"}),
    ("patch", "/admin/tenants/THA/clients/tha-case-system", {"client_id": "renamed", "grant_types": ["x"]},
     {"client_id", "grant_types"}),
    ("patch", "/admin/tenants/THA/clients/tha-case-system", {}, {"_schema"}),
    ("put", "/admin/tenants/THA/password-policy", {"min_length": 8, "required_classes": ["emoji"],
                                                   "max_age_days": 0}, {"min_length", "required_classes.0",
                                                                        "max_age_days"}),
    ("patch", "/admin/tenants/THA", {"name": 42, "extra": True}, {"name", "extra"}),
])
def test_bad_input_is_a_422_naming_the_fields_and_writes_nothing(client, as_, world, method, path, body, fields):
    before = _snapshot()
    response = getattr(client, method)(path.format(officer=world["THA_officer"].id), json=body,
                                       headers=as_("platform_admin"))

    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    assert {error["field"] for error in response.get_json()["errors"]} == fields
    assert _snapshot() == before and emitted() == []


def test_the_audit_log_is_readable_per_tenant_and_cannot_be_changed(client, as_, world):
    client.post("/admin/tenants/THA/users", headers=as_("THA_admin"), json={
        "email": "a@police.go.th", "display_name": "A", "roles": ["case_officer"]})
    client.post("/admin/tenants/IDN/users", headers=as_("IDN_admin"), json={
        "email": "b@polri.go.id", "display_name": "B", "roles": ["case_officer"]})

    own = client.get("/admin/audit", headers=as_("THA_admin")).get_json()
    everything = client.get("/admin/audit", headers=as_("platform_admin")).get_json()

    assert {entry["target_tenant"] for entry in own} == {"THA"}
    assert {entry["target_tenant"] for entry in everything} == {"THA", "IDN"}
    entry_id = own[0]["id"]
    for method in ("put", "patch", "delete", "post"):
        assert getattr(client, method)("/admin/audit", headers=as_("platform_admin")).status_code == 405
        assert getattr(client, method)(f"/admin/audit/{entry_id}",
                                       headers=as_("platform_admin")).status_code in (404, 405)
    assert AuditEntry.objects.count() == 2


def test_a_tenant_admin_reactivates_a_deactivated_person_and_the_read_models_hear_it(client, as_, world):
    admin, user_id = as_("THA_admin"), str(world["THA_officer"].id)
    too_early = client.post(f"/admin/tenants/THA/users/{user_id}/reactivate", headers=admin)
    client.post(f"/admin/tenants/THA/users/{user_id}/deactivate", headers=admin)

    reactivated = client.post(f"/admin/tenants/THA/users/{user_id}/reactivate", headers=admin)
    again = client.post(f"/admin/tenants/THA/users/{user_id}/deactivate", headers=admin)

    assert too_early.status_code == 409 and too_early.get_json()["allowed_next_states"] == ["deactivated"]
    assert reactivated.status_code == 200 and reactivated.get_json()["status"] == "active"
    assert again.status_code == 200  # and deactivated once more
    # `identity.user.updated` is what the notification service's read model of people follows (docs/events.md)
    assert [event["data"]["status"] for event in emitted("identity.user.updated")] == ["active"]
    assert [event["type"] for event in emitted() if event["type"].startswith("identity.user.")] == [
        "identity.user.deactivated", "identity.user.updated", "identity.user.deactivated"]
    assert [entry.action for entry in AuditEntry.objects(target=user_id).order_by("seq")] == [
        "user.deactivated", "user.reactivated", "user.deactivated"]


def test_a_tenant_admin_edits_a_client_without_deleting_it(client, as_):
    admin = as_("THA_admin")
    client.post("/admin/tenants/THA/clients", headers=admin, json={
        "client_id": "tha-web", "name": "Web", "grant_types": ["authorization_code", "refresh_token"],
        "confidential": False, "redirect_uris": ["https://web.police.go.th/callback"]})

    edited = client.patch("/admin/tenants/THA/clients/tha-web", headers=admin, json={
        "name": "Case web", "redirect_uris": ["https://cases.police.go.th/callback"],
        "allowed_origins": ["https://cases.police.go.th", "http://127.0.0.1:3000"]})
    emptied = client.patch("/admin/tenants/THA/clients/tha-web", headers=admin, json={"redirect_uris": []})
    granted = client.patch("/admin/tenants/THA/clients/tha-case-system", headers=admin,
                           json={"roles": ["platform_admin"]})

    assert edited.status_code == 200, edited.get_json()
    assert {key: edited.get_json()[key] for key in ("name", "redirect_uris", "allowed_origins", "status")} == {
        "name": "Case web", "redirect_uris": ["https://cases.police.go.th/callback"],
        "allowed_origins": ["https://cases.police.go.th", "http://127.0.0.1:3000"], "status": "active"}
    assert emptied.status_code == 422 and emptied.get_json()["errors"][0]["field"] == "redirect_uris"
    assert granted.status_code == 422 and granted.get_json()["errors"][0]["field"] == "roles"
    entry = AuditEntry.objects.get(action="client.updated", target="tha-web")
    assert entry.details["before"]["name"] == "Web" and entry.details["after"]["name"] == "Case web"


# Every admin endpoint, as (method, path on tenant IDN's records, body).
def _admin_endpoints(world):
    user_id, client_id = str(world["IDN_officer"].id), "idn-case-system"
    return [
        ("get", "/admin/tenants/IDN", None),
        ("patch", "/admin/tenants/IDN", {"name": "Renamed"}),
        ("post", "/admin/tenants/IDN/suspend", {"reason": "x"}),
        ("post", "/admin/tenants/IDN/reactivate", None),
        ("get", "/admin/tenants/IDN/users", None),
        ("post", "/admin/tenants/IDN/users", {"email": "x@polri.go.id", "display_name": "X",
                                              "roles": ["case_officer"]}),
        ("get", f"/admin/tenants/IDN/users/{user_id}", None),
        ("patch", f"/admin/tenants/IDN/users/{user_id}", {"roles": ["tenant_admin"]}),
        ("post", f"/admin/tenants/IDN/users/{user_id}/deactivate", None),
        ("post", f"/admin/tenants/IDN/users/{user_id}/reactivate", None),
        ("get", "/admin/tenants/IDN/clients", None),
        ("post", "/admin/tenants/IDN/clients", {"client_id": "idn-x", "name": "X",
                                                "grant_types": ["client_credentials"]}),
        ("get", f"/admin/tenants/IDN/clients/{client_id}", None),
        ("patch", f"/admin/tenants/IDN/clients/{client_id}", {"name": "Renamed", "roles": ["requesting_officer"],
                                                             "allowed_origins": ["https://cases.polri.go.id"]}),
        ("get", "/admin/tenants/IDN/password-policy", None),
        ("put", "/admin/tenants/IDN/password-policy", {"min_length": 16, "required_classes": ["digit"]}),
        ("post", f"/admin/tenants/IDN/clients/{client_id}/rotate-secret", None),
        ("delete", f"/admin/tenants/IDN/clients/{client_id}", None),
    ]


def _snapshot():
    return (list(Tenant.objects.as_pymongo()), list(User.across_tenants("test").as_pymongo()),
            list(OAuthClient.across_tenants("test").as_pymongo()), list(PasswordPolicy.objects.as_pymongo()),
            AuditEntry.objects(outcome__ne="denied").count())


def test_isolation_matrix_other_tenant_admin_non_admin_and_anonymous(client, as_, world):
    before = _snapshot()
    for method, path, body in _admin_endpoints(world):
        call = getattr(client, method)
        other_admin = call(path, json=body, headers=as_("THA_admin"))
        non_admin = call(path, json=body, headers=as_("IDN_officer"))
        anonymous = call(path, json=body)
        assert other_admin.status_code in (403, 404), (method, path, other_admin.get_json())
        assert non_admin.status_code == 403, (method, path, non_admin.get_json())
        assert anonymous.status_code == 401, (method, path)
        assert "idn" not in str(other_admin.get_json()).lower().replace("/admin/tenants/idn", "").replace(
            "tenant idn", "")  # nothing of IDN's records leaks into the refusal
    assert _snapshot() == before  # nothing changed; only the refusals were recorded:
    assert {(entry.action, entry.actor_tenant) for entry in AuditEntry.objects(outcome="denied")} == {
        ("admin.refused", "THA")}
    assert [t["code"] for t in client.get("/admin/tenants", headers=as_("THA_admin")).get_json()] == ["THA"]


def test_a_tenant_admin_reaches_each_endpoint_of_their_own_tenant(client, as_, world):
    """The other side of the matrix: the same endpoints answer the right admin (tenant ones only)."""
    own = [(m, p, b) for m, p, b in _admin_endpoints(world) if "/users" in p or "/clients" in p]
    for method, path, body in own:
        response = getattr(client, method)(path, json=body, headers=as_("IDN_admin"))
        assert response.status_code in (200, 201, 204), (method, path, response.get_json())


# --- Stopping access at once, through the live gateway ---------------------------------------------------------


def _client_token(gateway, client_id, secret="s" * 32):
    return requests.post(f"{gateway.url}/oauth/token", data={"grant_type": "client_credentials"},
                         auth=(client_id, secret), timeout=10)


def _through_edge(gateway, token):
    """The edge's decision on the token (docs/adr/0090): 200 lets the request through, 401 refuses it."""
    return requests.get(f"{gateway.url}/edge/decision", headers={"Authorization": f"Bearer {token}"},
                        timeout=10).status_code


def test_suspending_a_tenant_stops_its_live_tokens_within_a_second(live_gateway, world, auth_headers):
    token = _client_token(live_gateway, "tha-case-system").json()["access_token"]
    assert _through_edge(live_gateway, token) == 200
    admin = world["platform_admin"]
    admin_headers = auth_headers(tenant="RSO", roles=["platform_admin"], sub=str(admin.id), iss=live_gateway.url)

    suspended = requests.post(f"{live_gateway.url}/admin/tenants/THA/suspend", json={"reason": "investigation"},
                              headers=admin_headers, timeout=10)
    time.sleep(1.0)

    assert suspended.status_code == 200
    assert _through_edge(live_gateway, token) == 401
    assert _client_token(live_gateway, "tha-case-system").json()["error"] == "invalid_client"
    assert _through_edge(live_gateway, _client_token(live_gateway, "idn-case-system").json()["access_token"]) == 200


def test_a_reactivation_does_not_revive_tokens_issued_before_the_suspension(live_gateway, world, auth_headers):
    """Issue 17 item 9."""
    issued_before = _client_token(live_gateway, "tha-case-system").json()["access_token"]
    admin_headers = auth_headers(tenant="RSO", roles=["platform_admin"], sub=str(world["platform_admin"].id),
                                 iss=live_gateway.url)
    for step, body in (("suspend", {"reason": "investigation"}), ("reactivate", None)):
        answer = requests.post(f"{live_gateway.url}/admin/tenants/THA/{step}", json=body, headers=admin_headers,
                               timeout=10)
        assert answer.status_code == 200, answer.text
    time.sleep(1.0)  # the deny list is re-read at most every half second; new tokens carry a later `iat`

    issued_after = _client_token(live_gateway, "tha-case-system").json()["access_token"]

    assert _through_edge(live_gateway, issued_before) == 401
    assert _through_edge(live_gateway, issued_after) == 200  # let through


def test_suspension_stops_people_too_refresh_and_sign_in_fail(live_gateway, world, auth_headers, sign_in,
                                                              register_app):
    register_app("rso-portal", tenant="RSO")  # the platform's portal: still active
    tokens = sign_in("rso-portal", "officer@tha.example.org")
    admin_headers = auth_headers(tenant="RSO", roles=["platform_admin"], sub=str(world["platform_admin"].id),
                                 iss=live_gateway.url)

    requests.post(f"{live_gateway.url}/admin/tenants/THA/suspend", json={"reason": "x"}, headers=admin_headers,
                  timeout=10)
    refreshed = requests.post(f"{live_gateway.url}/oauth/token", timeout=10, data={
        "grant_type": "refresh_token", "refresh_token": tokens["refresh_token"], "client_id": "rso-portal"})

    assert (refreshed.status_code, refreshed.json()["error"]) == (400, "invalid_grant")
    with pytest.raises(PermissionError, match="401"):
        sign_in("rso-portal", "officer@tha.example.org")


def test_a_deactivated_person_is_stopped_at_once(live_gateway, world, auth_headers, sign_in, register_app):
    register_app("tha-portal", tenant="THA")
    tokens = sign_in("tha-portal", "officer@tha.example.org")
    admin_headers = auth_headers(tenant="THA", roles=["tenant_admin"], sub=str(world["THA_admin"].id),
                                 iss=live_gateway.url)
    assert _through_edge(live_gateway, tokens["access_token"]) == 200

    requests.post(f"{live_gateway.url}/admin/tenants/THA/users/{world['THA_officer'].id}/deactivate",
                  headers=admin_headers, timeout=10)
    time.sleep(1.0)

    assert _through_edge(live_gateway, tokens["access_token"]) == 401
    refreshed = requests.post(f"{live_gateway.url}/oauth/token", timeout=10, data={
        "grant_type": "refresh_token", "refresh_token": tokens["refresh_token"], "client_id": "tha-portal"})
    assert refreshed.status_code == 400
    with pytest.raises(PermissionError, match="401"):
        sign_in("tha-portal", "officer@tha.example.org")


def test_deleting_a_client_and_rotating_a_secret(live_gateway, world, auth_headers):
    admin = world["THA_admin"]
    headers = auth_headers(tenant="THA", roles=["tenant_admin"], sub=str(admin.id), iss=live_gateway.url)
    created = requests.post(f"{live_gateway.url}/admin/tenants/THA/clients", headers=headers, timeout=10, json={
        "client_id": "tha-immigration", "name": "Immigration", "grant_types": ["client_credentials"],
        "roles": ["requesting_officer"]}).json()
    first_secret = created["client_secret"]
    assert _client_token(live_gateway, "tha-immigration", first_secret).status_code == 200

    rotated = requests.post(f"{live_gateway.url}/admin/tenants/THA/clients/tha-immigration/rotate-secret",
                            headers=headers, timeout=10).json()
    assert _client_token(live_gateway, "tha-immigration", first_secret).status_code == 401
    token = _client_token(live_gateway, "tha-immigration", rotated["client_secret"]).json()["access_token"]
    assert _through_edge(live_gateway, token) == 200

    deleted = requests.delete(f"{live_gateway.url}/admin/tenants/THA/clients/tha-immigration", headers=headers,
                              timeout=10)
    time.sleep(1.0)
    assert deleted.status_code == 204
    assert _through_edge(live_gateway, token) == 401
    assert _client_token(live_gateway, "tha-immigration", rotated["client_secret"]).status_code == 401


def test_a_reactivated_person_signs_in_again_but_their_old_tokens_stay_refused(live_gateway, world, auth_headers,
                                                                                sign_in, register_app):
    register_app("tha-portal", tenant="THA")
    old = sign_in("tha-portal", "officer@tha.example.org")
    admin_headers = auth_headers(tenant="THA", roles=["tenant_admin"], sub=str(world["THA_admin"].id),
                                 iss=live_gateway.url)
    for step in ("deactivate", "reactivate"):
        answer = requests.post(f"{live_gateway.url}/admin/tenants/THA/users/{world['THA_officer'].id}/{step}",
                               headers=admin_headers, timeout=10)
        assert answer.status_code == 200, answer.text
    time.sleep(1.0)  # the deny list is re-read at most every half second; new tokens carry a later `iat`

    new = sign_in("tha-portal", "officer@tha.example.org")

    assert _through_edge(live_gateway, old["access_token"]) == 401
    assert _through_edge(live_gateway, new["access_token"]) == 200  # let through
