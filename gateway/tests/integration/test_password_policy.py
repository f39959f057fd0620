"""A tenant's password policy: set by its administrators, applied to every password chosen from then on."""

import datetime as dt

import pytest
import requests
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session

from chassis import context
from chassis.testing import oauth
from gateway.identity.models import AuditEntry, PasswordPolicy, User, secret_matches

pytestmark = pytest.mark.integration

PASSWORD = "correct horse battery staple"
STRICT = {"min_length": 16, "required_classes": ["uppercase", "digit"], "max_age_days": 90}


@pytest.fixture
def people(register_user, register_app):
    register_app("tha-portal", tenant="THA")
    return {"admin": register_user("admin@police.go.th", roles=["tenant_admin"]),
            "officer": register_user("ana@police.go.th"),
            "idn_admin": register_user("admin@polri.go.id", tenant="IDN", roles=["tenant_admin"])}


@pytest.fixture
def as_(people, auth_headers, live_gateway):
    def headers(who):
        user = people[who]
        return auth_headers(tenant=user.tenant, roles=list(user.roles), sub=str(user.id), iss=live_gateway.url)

    return headers


def _policy(gateway, headers, tenant="THA", body=None):
    if body is None:
        return requests.get(f"{gateway.url}/admin/tenants/{tenant}/password-policy", headers=headers, timeout=10)
    return requests.put(f"{gateway.url}/admin/tenants/{tenant}/password-policy", json=body, headers=headers,
                        timeout=10)


def test_a_tenant_admin_sets_the_policy_and_reads_it_back(live_gateway, as_):
    platform_default = _policy(live_gateway, as_("admin")).json()
    stored = _policy(live_gateway, as_("admin"), body=STRICT)

    assert platform_default == {"tenant": "THA", "min_length": 12, "required_classes": [], "max_age_days": None,
                                "updated_at": None}
    assert stored.status_code == 200, stored.text
    assert {key: stored.json()[key] for key in STRICT} == STRICT
    assert _policy(live_gateway, as_("admin")).json()["min_length"] == 16
    assert AuditEntry.objects(action="password_policy.set", target_tenant="THA").count() == 1


def test_another_tenants_admin_neither_reads_nor_sets_it(live_gateway, as_):
    _policy(live_gateway, as_("admin"), body=STRICT)

    assert _policy(live_gateway, as_("idn_admin")).status_code == 404
    assert _policy(live_gateway, as_("idn_admin"), body={"min_length": 12}).status_code == 404
    assert _policy(live_gateway, as_("officer"), body={"min_length": 12}).status_code == 403
    assert PasswordPolicy.objects.get(tenant="THA").min_length == 16


def test_bad_policy_input_is_a_problem_naming_the_fields(live_gateway, as_):
    refused = _policy(live_gateway, as_("admin"), body={"min_length": 6, "required_classes": ["runes"],
                                                        "max_age_days": -1})

    assert refused.status_code == 422 and refused.headers["Content-Type"] == "application/problem+json"
    assert {error["field"] for error in refused.json()["errors"]} == {"min_length", "required_classes.0",
                                                                      "max_age_days"}
    assert PasswordPolicy.objects.count() == 0


def test_a_password_change_follows_the_tenants_policy(live_gateway, as_):
    _policy(live_gateway, as_("admin"), body=STRICT)
    token = oauth.sign_in(live_gateway.url, "tha-portal", "ana@police.go.th", PASSWORD)["access_token"]

    def change(new_password):
        return requests.post(f"{live_gateway.url}/account/password", timeout=10, headers={
            "Authorization": f"Bearer {token}"}, json={"current_password": PASSWORD, "new_password": new_password})

    weak = change("river lantern quietly")  # fine by the platform's rules: 21 characters
    common = change("Q1W2E3R4T5Y6U7I8")

    assert weak.status_code == 422
    assert {(error["field"], error["message"]) for error in weak.json()["errors"]} == {
        ("new_password", "Use at least one capital letter."), ("new_password", "Use at least one digit.")}
    assert [error["message"] for error in common.json()["errors"]] == [
        "This password is one of the most common ones. Choose another."]
    assert change("River lantern quietly 42").status_code == 204


def test_the_platforms_policy_refuses_common_passwords_and_a_short_one_says_the_tenants_minimum(live_gateway, as_):
    created = requests.post(f"{live_gateway.url}/admin/tenants/THA/users", headers=as_("admin"), timeout=10, json={
        "email": "budi@police.go.th", "display_name": "Budi", "roles": ["case_officer"], "password": "password1234"})
    _policy(live_gateway, as_("admin"), body=STRICT)
    short = requests.post(f"{live_gateway.url}/admin/tenants/THA/users", headers=as_("admin"), timeout=10, json={
        "email": "budi@police.go.th", "display_name": "Budi", "roles": ["case_officer"],
        "password": "Fifteen chars 1"})

    assert created.status_code == 422
    assert [(error["field"], error["message"]) for error in created.json()["errors"]] == [
        ("password", "This password is one of the most common ones. Choose another.")]
    assert short.status_code == 422 and [error["message"] for error in short.json()["errors"]] == [
        "Use at least 16 characters."]
    with context.bound(tenant="THA"):
        assert User.objects(email="budi@police.go.th").count() == 0


def test_the_forced_first_change_follows_the_policy(live_gateway, as_):
    _policy(live_gateway, as_("admin"), body=STRICT)
    invited = requests.post(f"{live_gateway.url}/admin/tenants/THA/users", headers=as_("admin"), timeout=10, json={
        "email": "budi@police.go.th", "display_name": "Budi", "roles": ["case_officer"]}).json()

    with pytest.raises(PermissionError):  # the page asks again: no capital letter, no digit
        oauth.sign_in(live_gateway.url, "tha-portal", "budi@police.go.th", invited["initial_password"],
                      new_password="river lantern quietly")
    tokens = oauth.sign_in(live_gateway.url, "tha-portal", "budi@police.go.th", invited["initial_password"],
                           new_password="River lantern quietly 42")
    assert tokens["access_token"]


def test_the_forced_change_page_names_the_missing_classes_in_the_persons_language(live_gateway, as_):
    _policy(live_gateway, as_("admin"), body=STRICT)
    invited = requests.post(f"{live_gateway.url}/admin/tenants/THA/users", headers=as_("admin"), timeout=10, json={
        "email": "budi@police.go.th", "display_name": "Budi", "roles": ["case_officer"]}).json()
    browser = requests.Session()
    url, _ = OAuth2Session("tha-portal", redirect_uri=oauth.DEFAULT_REDIRECT_URI, code_challenge_method="S256",
                           scope="api").create_authorization_url(f"{live_gateway.url}/oauth/authorize",
                                                                 code_verifier=generate_token(64), ui_locales="id")
    asked = oauth.submit_sign_in(browser, url, "budi@police.go.th", invited["initial_password"])

    refused = browser.post(url, allow_redirects=False, timeout=10, data={
        "csrf_token": oauth.csrf_token_of(asked.text), "step": "change_password",
        "new_password": "river lantern quietly", "confirm_password": "river lantern quietly"})

    assert "Minimal 16 karakter" in asked.text
    assert refused.status_code == 422
    assert "Gunakan minimal satu huruf kapital." in refused.text and "Gunakan minimal satu angka." in refused.text


def test_a_password_older_than_the_maximum_age_is_replaced_at_sign_in(live_gateway, as_, people):
    _policy(live_gateway, as_("admin"), body=STRICT)
    User.across_tenants("test").filter(id=people["officer"].id).update(
        set__password_changed_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=91))

    with pytest.raises(PermissionError):
        oauth.sign_in(live_gateway.url, "tha-portal", "ana@police.go.th", PASSWORD)
    tokens = oauth.sign_in(live_gateway.url, "tha-portal", "ana@police.go.th", PASSWORD,
                           new_password="River lantern quietly 42")

    assert tokens["access_token"]
    assert secret_matches(User.across_tenants("test").get(id=people["officer"].id).password_hash,
                          "River lantern quietly 42")
    assert AuditEntry.objects(action="password.changed", details__reason="expired").count() == 1
