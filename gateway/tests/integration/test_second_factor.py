"""The second factor at sign-in (issue 17 item 2): a tenant's policy requiring TOTP for chosen roles, enrolment by
QR code with recovery codes, codes refused, counted and never replayed, `amr`/`acr` in the tokens, and the
administrators' reset, tenant-isolated and audited. Codes are computed with pyotp, as an authenticator app would."""

import base64
import html
import json
import re
from urllib.parse import parse_qs, urlsplit

import pyotp
import pytest
import requests
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session

from chassis import context
from chassis.testing import oauth
from gateway.identity import second_factor, throttle
from gateway.identity.models import AuditEntry, AuthorizationCode, LoginThrottle, Tenant, User, hash_secret

pytestmark = pytest.mark.integration

PASSWORD = "correct horse battery staple"
REDIRECT_URI = "https://app.example.org/callback"
OFFICER = "ana@police.go.th"
KEY = re.compile(r'<code id="totp-key" class="key">([A-Z2-7 ]+)</code>')
RECOVERY_CODE = re.compile(r"<li><code>([0-9a-f-]{19})</code></li>")


def claims(jwt: str) -> dict:
    payload = jwt.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


class SignIn:
    """One sign-in through a public app with PKCE and OpenID Connect, in a person's browser."""

    def __init__(self, gateway, browser: requests.Session | None = None, client_id: str = "tha-portal"):
        self.gateway, self.browser = gateway, browser or requests.Session()
        self.session = OAuth2Session(client_id, token_endpoint_auth_method="none", redirect_uri=REDIRECT_URI,
                                     scope="openid api", code_challenge_method="S256")
        self.verifier = generate_token(64)
        self.url, _ = self.session.create_authorization_url(f"{gateway.url}/oauth/authorize",
                                                            code_verifier=self.verifier, nonce=generate_token(16))
        self.last: requests.Response | None = None

    def password(self, email: str = OFFICER, password: str = PASSWORD) -> requests.Response:
        self.last = oauth.submit_sign_in(self.browser, self.url, email, password)
        return self.last

    def code(self, code: str, *, enrolling: bool = False) -> requests.Response:
        self.last = self.browser.post(self.url, allow_redirects=False, timeout=10, data={
            "csrf_token": oauth.csrf_token_of(self.last.text), "code": code,
            "step": "enrol_second_factor" if enrolling else "second_factor"})
        return self.last

    def open(self) -> requests.Response:
        self.last = self.browser.get(self.url, allow_redirects=False, timeout=10)
        return self.last

    def tokens(self, redirect: requests.Response | None = None) -> dict:
        redirect = redirect or self.last
        assert redirect.status_code == 302, redirect.text
        return self.session.fetch_token(f"{self.gateway.url}/oauth/token", code_verifier=self.verifier,
                                        authorization_response=redirect.headers["Location"])

    def enrol(self) -> tuple[pyotp.TOTP, list[str]]:
        """On the enrolment page: the key into an authenticator, its first code; the app and the recovery codes."""
        key = KEY.search(self.last.text)
        assert key, self.last.text
        totp = pyotp.TOTP(key.group(1).replace(" ", ""))
        shown = self.code(totp.now(), enrolling=True)
        assert shown.status_code == 200, shown.text
        return totp, RECOVERY_CODE.findall(shown.text)


@pytest.fixture
def officer(register_app, register_user):
    register_app("tha-portal", tenant="THA")
    return register_user(OFFICER, tenant="THA", roles=["case_officer"])


def require_for(*roles: str, tenant: str = "THA") -> None:
    Tenant.objects(code=tenant).update_one(set__second_factor_roles=list(roles))


def enrolled(live_gateway) -> tuple[pyotp.TOTP, list[str]]:
    """The officer enrols at a sign-in their tenant's policy forces; their authenticator and recovery codes."""
    first = SignIn(live_gateway)
    first.password()
    totp, recovery_codes = first.enrol()
    return totp, recovery_codes


def the_officer() -> User:
    return User.across_tenants("the test reads the officer back").filter(email=OFFICER).first()


def failures_of(email: str) -> int:
    throttle = LoginThrottle.objects(id=f"account:{email}").first()
    return len(throttle.failures) if throttle else 0


def test_a_person_whose_tenant_requires_totp_for_their_role_gets_no_code_without_it(live_gateway, officer):
    require_for("case_officer", "jpa_coordinator")
    sign_in = SignIn(live_gateway)

    page = sign_in.password()

    assert page.status_code == 200 and 'name="step" value="enrol_second_factor"' in page.text
    assert "<svg" in page.text and "Set up your authenticator app" in page.text
    assert sign_in.open().status_code == 200, "within the session, still no code before the second factor"
    assert AuthorizationCode.objects.count() == 0
    with pytest.raises(PermissionError):
        oauth.sign_in(live_gateway.url, "tha-portal", OFFICER, PASSWORD)


def test_enrolling_with_the_first_code_completes_the_sign_in_with_a_second_factor(live_gateway, officer):
    require_for("case_officer")
    sign_in = SignIn(live_gateway)
    sign_in.password()

    totp, recovery_codes = sign_in.enrol()
    continue_to = html.unescape(re.search(r'class="button" href="([^"]+)"', sign_in.last.text).group(1))
    tokens = sign_in.tokens(sign_in.browser.get(f"{live_gateway.url}{continue_to}", allow_redirects=False,
                                                timeout=10))

    assert len(recovery_codes) == 10 and len(set(recovery_codes)) == 10
    assert claims(tokens["id_token"])["amr"] == ["pwd", "otp", "mfa"]
    assert claims(tokens["id_token"])["acr"] == second_factor.ACR_SECOND_FACTOR
    assert claims(tokens["access_token"])["amr"] == ["pwd", "otp", "mfa"]
    user = the_officer()
    assert user.totp_secret == totp.secret and user.second_factor_enrolled_at is not None
    assert all(code not in user.recovery_code_digests for code in recovery_codes), "stored only as digests"
    assert AuditEntry.objects(action="second_factor.enrolled", outcome="success", target=str(user.id)).count() == 1


def test_an_enrolled_person_signs_in_with_a_code_and_the_tokens_say_so(live_gateway, officer):
    require_for("case_officer")
    totp, _ = enrolled(live_gateway)
    sign_in = SignIn(live_gateway)

    asked = sign_in.password()
    tokens = sign_in.tokens(sign_in.code(_next_code(totp)))
    refreshed = sign_in.session.refresh_token(f"{live_gateway.url}/oauth/token",
                                              refresh_token=tokens["refresh_token"])

    assert 'name="step" value="second_factor"' in asked.text
    assert claims(tokens["id_token"])["amr"] == ["pwd", "otp", "mfa"]
    assert claims(tokens["access_token"])["acr"] == second_factor.ACR_SECOND_FACTOR
    assert claims(refreshed["access_token"])["amr"] == ["pwd", "otp", "mfa"]


def test_without_a_policy_the_tokens_say_a_password_was_used(live_gateway, officer):
    sign_in = SignIn(live_gateway)

    tokens = sign_in.tokens(sign_in.password())

    assert claims(tokens["id_token"])["amr"] == ["pwd"]
    assert claims(tokens["id_token"])["acr"] == second_factor.ACR_PASSWORD
    assert claims(tokens["access_token"])["amr"] == ["pwd"]


def test_a_wrong_code_is_refused_counted_and_audited(live_gateway, officer):
    require_for("case_officer")
    totp, _ = enrolled(live_gateway)
    sign_in = SignIn(live_gateway)
    sign_in.password()
    refused = sign_in.code(_wrong_code(totp))

    assert refused.status_code == 401 and 'name="step" value="second_factor"' in refused.text
    assert "The code is not right" in refused.text
    assert failures_of(OFFICER) == 1
    user = the_officer()
    assert AuditEntry.objects(action="second_factor", outcome="failure", target=str(user.id),
                              details__reason="wrong_code").count() == 1
    assert AuthorizationCode.objects.count() == 0, "no code was issued"


def test_the_right_password_does_not_clear_the_count_of_wrong_codes_and_the_right_code_does(live_gateway, officer):
    require_for("case_officer")
    totp, _ = enrolled(live_gateway)
    sign_in = SignIn(live_gateway)
    sign_in.password()
    for _ in range(3):
        sign_in.code(_wrong_code(totp))

    again = SignIn(live_gateway)
    again.password()
    counted = failures_of(OFFICER)
    again.code(_next_code(totp))

    assert counted == 3
    assert failures_of(OFFICER) == 0


def test_while_sign_in_is_paused_even_the_right_code_is_refused(live_gateway, officer):
    require_for("case_officer")
    totp, _ = enrolled(live_gateway)
    sign_in = SignIn(live_gateway)
    sign_in.password()
    for _ in range(12):  # as many wrong guesses as it takes to pause the account for 15 minutes
        throttle.count_failure(throttle.account_key(OFFICER), OFFICER)

    refused = sign_in.code(_next_code(totp))

    assert refused.status_code == 401
    assert AuditEntry.objects(action="second_factor", outcome="failure", details__reason="blocked").count() == 1
    assert the_officer().totp_last_step < int(second_factor.now().timestamp()) // 30 + 1, \
        "the code was not even checked, so not used up"


def test_a_code_cannot_be_replayed_within_its_window(live_gateway, officer):
    require_for("case_officer")
    totp, _ = enrolled(live_gateway)
    code = _next_code(totp)
    first = SignIn(live_gateway)
    first.password()
    assert first.code(code).status_code == 302

    second = SignIn(live_gateway)
    second.password()
    replayed = second.code(code)

    assert replayed.status_code == 401


def test_a_recovery_code_works_once(live_gateway, officer):
    require_for("case_officer")
    _, recovery_codes = enrolled(live_gateway)
    first = SignIn(live_gateway)
    first.password()

    tokens = first.tokens(first.code(recovery_codes[0].upper()))
    second = SignIn(live_gateway)
    second.password()
    refused = second.code(recovery_codes[0])

    assert claims(tokens["id_token"])["amr"] == ["pwd", "otp", "mfa"]
    assert refused.status_code == 401
    assert second.code(recovery_codes[1]).status_code == 302
    user = the_officer()
    assert len(user.recovery_code_digests) == 8
    assert AuditEntry.objects(action="second_factor", outcome="success", details__method="recovery_code").count() == 2


def test_a_wrong_first_code_does_not_enrol_and_is_counted(live_gateway, officer):
    require_for("case_officer")
    sign_in = SignIn(live_gateway)
    sign_in.password()

    refused = sign_in.code("12345x", enrolling=True)

    assert refused.status_code == 401 and KEY.search(refused.text), "the same key is offered again"
    assert the_officer().totp_secret is None
    assert failures_of(OFFICER) == 1


def test_a_sign_in_made_before_the_policy_cannot_be_refreshed_after_it(live_gateway, officer):
    sign_in = SignIn(live_gateway)
    tokens = sign_in.tokens(sign_in.password())
    require_for("case_officer")

    refreshed = requests.post(f"{live_gateway.url}/oauth/token", timeout=10, data={
        "grant_type": "refresh_token", "refresh_token": tokens["refresh_token"], "client_id": "tha-portal"})
    again = SignIn(live_gateway, sign_in.browser).open()

    assert refreshed.status_code == 400
    assert again.status_code == 200 and 'value="enrol_second_factor"' in again.text, \
        "the gateway session asks for the second factor now required"


def test_people_of_roles_the_policy_does_not_name_sign_in_with_a_password(live_gateway, officer):
    require_for("jpa_coordinator")

    tokens = oauth.sign_in(live_gateway.url, "tha-portal", OFFICER, PASSWORD)

    assert claims(tokens["access_token"])["amr"] == ["pwd"]


# --- the administration API ----------------------------------------------------------------------------------


@pytest.fixture
def admin_of(app, auth_headers):
    """`admin_of(code, iss=None)`: headers of a token of a tenant admin of THA or IDN (for the live gateway: its
    issuer as `iss`)."""
    people = {}
    for code in ("THA", "IDN"):
        if Tenant.objects(code=code).first() is None:
            Tenant(code=code, name=f"Tenant {code}", kind="member_state").save()
        with context.bound(tenant=code):
            people[code] = User(email=f"admin@{code.lower()}.example.org", display_name="Admin",
                                roles=["tenant_admin"], password_hash=hash_secret(PASSWORD)).save()

    def headers(code: str, **claims) -> dict:
        user = people[code]
        return auth_headers(tenant=user.tenant, roles=list(user.roles), sub=str(user.id), **claims)

    return headers


def test_a_tenant_admin_sets_the_policy_and_it_is_audited(client, admin_of):
    answer = client.put("/admin/tenants/THA/second-factor-policy", headers=admin_of("THA"),
                        json={"required_for_roles": ["jpa_coordinator", "case_officer", "case_officer"]})

    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json() == {"required_for_roles": ["case_officer", "jpa_coordinator"]}
    assert Tenant.objects.get(code="THA").second_factor_roles == ["case_officer", "jpa_coordinator"]
    assert client.get("/admin/tenants/THA/second-factor-policy", headers=admin_of("THA")).get_json() == {
        "required_for_roles": ["case_officer", "jpa_coordinator"]}
    entry = AuditEntry.objects.get(action="tenant.second_factor_policy_changed")
    assert entry.target_tenant == "THA" and entry.details["after"] == ["case_officer", "jpa_coordinator"]


def test_a_policy_naming_an_unknown_role_is_refused_and_changes_nothing(client, admin_of):
    answer = client.put("/admin/tenants/THA/second-factor-policy", headers=admin_of("THA"),
                        json={"required_for_roles": ["case_officer", "sheriff"]})

    assert answer.status_code == 422
    assert answer.headers["Content-Type"] == "application/problem+json"
    assert "required_for_roles" in json.dumps(answer.get_json())
    assert Tenant.objects.get(code="THA").second_factor_roles == []
    assert AuditEntry.objects(action="tenant.second_factor_policy_changed").count() == 0


def test_another_tenants_admin_can_neither_read_nor_set_the_policy(client, admin_of):
    read = client.get("/admin/tenants/THA/second-factor-policy", headers=admin_of("IDN"))
    written = client.put("/admin/tenants/THA/second-factor-policy", headers=admin_of("IDN"),
                         json={"required_for_roles": []})

    assert read.status_code == written.status_code == 404
    assert AuditEntry.objects(action="admin.refused", target_tenant="THA").count() == 2


def test_a_tenant_admin_resets_a_persons_second_factor_and_they_enrol_again(live_gateway, officer, admin_of):
    require_for("case_officer")
    enrolled(live_gateway)
    user = the_officer()
    admin = requests.Session()
    admin.headers.update(admin_of("THA", iss=live_gateway.url))

    answer = admin.post(f"{live_gateway.url}/admin/tenants/THA/users/{user.id}/reset-second-factor", timeout=10)
    again = admin.post(f"{live_gateway.url}/admin/tenants/THA/users/{user.id}/reset-second-factor", timeout=10)
    sign_in = SignIn(live_gateway)

    assert answer.status_code == 200 and answer.json()["second_factor_enrolled"] is False
    assert again.status_code == 409
    assert the_officer().recovery_code_digests == []
    assert 'value="enrol_second_factor"' in sign_in.password().text
    entry = AuditEntry.objects.get(action="user.second_factor_reset")
    assert entry.target == str(user.id) and entry.target_tenant == "THA" and entry.actor_tenant == "THA"


def test_another_tenants_admin_cannot_reset_a_persons_second_factor(live_gateway, officer, admin_of):
    require_for("case_officer")
    enrolled(live_gateway)
    user = the_officer()

    headers = admin_of("IDN", iss=live_gateway.url)
    answer = requests.post(f"{live_gateway.url}/admin/tenants/THA/users/{user.id}/reset-second-factor",
                           headers=headers, timeout=10)
    own_path = requests.post(f"{live_gateway.url}/admin/tenants/IDN/users/{user.id}/reset-second-factor",
                             headers=headers, timeout=10)

    assert answer.status_code == own_path.status_code == 404
    assert the_officer().totp_secret is not None
    assert AuditEntry.objects(action="user.second_factor_reset").count() == 0
    assert AuditEntry.objects(action="admin.refused", target_tenant="THA").count() == 1


def _next_code(totp: pyotp.TOTP) -> str:
    """A code of the next 30-second step (accepted: one step of drift either way), so that a code of the current
    step used a moment ago by the test's enrolment does not make this one a replay."""
    return totp.at(second_factor.now(), counter_offset=1)


def _wrong_code(totp: pyotp.TOTP) -> str:
    """Six digits that are none of the codes accepted now."""
    accepted = {totp.at(second_factor.now(), counter_offset=offset) for offset in (-1, 0, 1, 2)}
    return next(code for code in ("000000", "111111", "222222", "333333", "444444") if code not in accepted)


def test_a_session_awaiting_the_second_factor_answers_prompt_none_with_login_required(live_gateway, officer):
    require_for("case_officer")
    sign_in = SignIn(live_gateway)
    sign_in.password()

    silent = SignIn(live_gateway, sign_in.browser)
    silent.url += "&prompt=none"
    answer = silent.open()

    assert answer.status_code == 302
    assert parse_qs(urlsplit(answer.headers["Location"]).query)["error"] == ["login_required"]


@pytest.mark.parametrize(("locale", "heading", "refusal"), [
    ("th", "ตั้งค่าแอปยืนยันตัวตนของคุณ", "รหัสไม่ถูกต้อง"),
    ("id", "Siapkan aplikasi autentikator Anda", "Kode tidak benar"),
])
def test_the_second_factor_pages_speak_the_persons_language(live_gateway, officer, locale, heading, refusal):
    require_for("case_officer")
    browser = requests.Session()
    browser.headers["Accept-Language"] = locale
    sign_in = SignIn(live_gateway, browser)

    page = sign_in.password()
    refused = sign_in.code("12345", enrolling=True)

    assert f'<html lang="{locale}">' in page.text and heading in page.text
    assert refusal in refused.text and 'href="#code"' in refused.text
