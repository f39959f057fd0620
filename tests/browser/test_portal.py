"""People using the portal in a real Chromium, against every process of the platform."""

from __future__ import annotations

import io
import re
import secrets
import time

import pyotp
import pytest
import zxingcpp
from PIL import Image
from playwright.sync_api import expect

from tests.browser.conftest import accessibility_violations

pytestmark = [pytest.mark.e2e, pytest.mark.browser]
NEW_PASSWORD = "a river, four lanterns and a kite"


def add_person(visitor, tenant: str, email: str, name: str, *roles: str):
    """Through the portal's form, as an administrator; the page that answers."""
    page = visitor.open(f"/organisations/{tenant}/people/new")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Full name").fill(name)
    for role in roles:
        page.get_by_label(role, exact=True).check()
    page.locator("main form button[type=submit]").click()
    return visitor.check()


def people_of(organisation) -> dict[str, dict]:
    return {user["email"]: user for user in organisation.admin.get(f"/admin/tenants/{organisation.code}/users").json()}


def test_an_administrator_adds_a_person_who_signs_in_chooses_a_password_and_signs_out(visit, organisation):
    tha = organisation()
    admin = visit()
    home = admin.sign_in(tha.admin_email, tha.admin_password)
    expect(home.locator("h1")).to_contain_text("Hello")
    admin.open(f"/organisations/{tha.code}/people")
    created = add_person(admin, tha.code, "somchai@example.org", "Somchai Wong", "Trainee")
    expect(created.locator("h1")).to_contain_text("Person added")
    one_time_password = created.locator("#one-time-password").inner_text().strip()
    assert len(one_time_password) >= 12
    assert people_of(tha)["somchai@example.org"]["roles"] == ["trainee"]
    admin.sign_out()

    person = visit()
    page = person.sign_in("somchai@example.org", one_time_password)
    assert "/oauth/" in page.url, "the gateway asks a person with a one-time password to choose their own"
    for field in page.locator("input[type=password]").all():
        field.fill(NEW_PASSWORD)
    page.locator("form button[type=submit]").click()
    page = person.check()
    expect(page.locator("h1")).to_contain_text("Hello, Somchai Wong")
    person.sign_out()
    expect(person.page.locator("h1")).to_contain_text("You have signed out")
    again = visit().sign_in("somchai@example.org", NEW_PASSWORD)
    expect(again.locator("h1")).to_contain_text("Hello, Somchai Wong")


def test_a_person_whose_organisation_requires_a_second_factor_enrols_by_qr_code_and_signs_in_with_a_code_in_thai(
        visit, organisation, directory):
    tha = organisation()
    tha.admin.call("PUT", f"/admin/tenants/{tha.code}/second-factor-policy", 200,
                   json={"required_for_roles": ["case_officer"]})
    email = f"officer.{tha.code.lower()}@example.org"
    directory.person(tha.code, email, "case_officer")
    person = visit()
    person.open("/").get_by_label("Language").select_option("th")
    person.page.locator("form.rso-language button").click()

    page = person.sign_in(email, directory.passwords[email])
    assert "/oauth/authorize" in page.url and page.locator("html").get_attribute("lang") == "th"
    expect(page.locator("h1")).to_have_text("ตั้งค่าแอปยืนยันตัวตนของคุณ")
    assert not accessibility_violations(page)
    scanned = zxingcpp.read_barcodes(Image.open(io.BytesIO(page.locator(".qr svg").screenshot())))
    totp = pyotp.parse_uri(scanned[0].text)  # what an authenticator app reads from the QR code
    assert totp.secret == page.locator("#totp-key").inner_text().replace(" ", "")
    page.locator("#code").focus()
    page.keyboard.type(totp.now())
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("รหัสกู้คืนของคุณ")
    assert len(page.locator("#recovery-codes code").all_inner_texts()) == 10
    assert not accessibility_violations(page)
    page.get_by_role("link", name="เก็บไว้แล้ว: ดำเนินการต่อ").click()
    expect(person.check().locator("h1")).to_contain_text("สวัสดี")
    person.sign_out()

    again = visit()
    again.open("/").get_by_label("Language").select_option("th")
    again.page.locator("form.rso-language button").click()
    page = again.sign_in(email, directory.passwords[email])
    expect(page.locator("h1")).to_have_text("กรอกรหัสของคุณ")
    accepted = {totp.at(time.time(), counter_offset=offset) for offset in (-1, 0, 1)}
    page.locator("#code").fill(next(code for code in ("000000", "111111", "222222") if code not in accepted))
    page.locator("form button[type=submit]").click()
    expect(page.locator(".error-summary a[href='#code']")).to_contain_text("รหัสไม่ถูกต้อง")
    assert page.locator("#code").get_attribute("aria-invalid") == "true"
    assert not accessibility_violations(page)
    page.locator("#code").fill(totp.at(time.time(), counter_offset=1))  # the enrolment used the current one
    page.locator("form button[type=submit]").click()
    expect(again.check().locator("h1")).to_contain_text("สวัสดี")


def test_a_suspended_organisations_person_lands_on_the_suspended_page_at_their_next_click(visit, organisation,
                                                                                          directory, platform):
    tha = organisation()
    person = visit()
    person.sign_in(tha.admin_email, tha.admin_password)
    operator = visit()
    operator.sign_in(platform.credentials["admin_email"], platform.credentials["admin_password"])
    page = operator.open(f"/tenants/{tha.code}")
    page.get_by_label("Reason").fill("Membership under review")
    page.get_by_role("button", name=f"Suspend {tha.code}").click()
    expect(operator.check().locator("#tenant-status")).to_have_text("Suspended")

    person.page.get_by_role("link", name="People", exact=True).click()
    page = person.check()
    expect(page.locator("h1")).to_have_text("Your organisation's access is suspended")
    assert person.session_cookie() is None
    person.open("/")
    expect(person.page.locator("main").get_by_role("button")).to_contain_text("Sign in")


@pytest.mark.parametrize(("locale", "heading", "language_label"), [
    ("th", "สวัสดี", "ภาษา"),
    ("id", "Halo", "Bahasa"),
])
def test_the_journey_in_thai_and_indonesian_is_translated_and_says_its_language(visit, organisation, locale,
                                                                                 heading, language_label):
    tha = organisation()
    visitor = visit()
    page = visitor.open("/")
    page.get_by_label("Language").select_option(locale)
    page.locator("form.rso-language button").click()
    page = visitor.check()
    assert page.locator("html").get_attribute("lang") == locale
    expect(page.locator("label[for=language]")).to_contain_text(language_label)
    page = visitor.sign_in(tha.admin_email, tha.admin_password)
    assert page.locator("html").get_attribute("lang") == locale
    expect(page.locator("h1")).to_contain_text(heading)
    page = visitor.open(f"/organisations/{tha.code}/people/new")
    assert page.locator("html").get_attribute("lang") == locale
    assert "Full name" not in page.locator("main").inner_text()


def test_a_form_is_usable_with_the_keyboard_alone_with_visible_focus(visit, organisation):
    tha = organisation()
    visitor = visit()
    visitor.sign_in(tha.admin_email, tha.admin_password)
    page = visitor.open(f"/organisations/{tha.code}/people/new")
    page.locator("body").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Skip to main content"
    while page.evaluate("document.activeElement.id") != "email":
        page.keyboard.press("Tab")
    focus = page.evaluate("(() => { const s = getComputedStyle(document.activeElement);"
                          " return [s.outlineStyle, s.boxShadow]; })()")
    assert focus[0] != "none" or focus[1] != "none", focus
    page.keyboard.type("nok@example.org")
    page.keyboard.press("Tab")
    page.keyboard.type("Nok Srisuk")
    page.keyboard.press("Tab")
    while page.evaluate("document.activeElement.value") != "trainer":
        page.keyboard.press("Tab")
    page.keyboard.press("Space")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page = visitor.check()
    expect(page.locator("h1")).to_contain_text("Person added")
    assert people_of(tha)["nok@example.org"]["roles"] == ["trainer"]


def test_invalid_values_show_the_apis_field_errors_keep_the_values_and_write_nothing(visit, organisation):
    tha = organisation()
    visitor = visit(width=360)
    visitor.sign_in(tha.admin_email, tha.admin_password)
    page = add_person(visitor, tha.code, "not an e-mail", "Malee")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("There is a problem")
    expect(summary.locator("a[href='#email']")).to_be_visible()
    expect(summary.locator("a[href='#roles']")).to_be_visible()
    expect(page.locator("#email-error")).to_be_visible()
    expect(page.get_by_label("E-mail address")).to_have_value("not an e-mail")
    expect(page.get_by_label("Full name")).to_have_value("Malee")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert set(people_of(tha)) == {tha.admin_email}


def test_a_form_sent_without_its_csrf_token_is_refused(visit, organisation):
    tha = organisation()
    visitor = visit()
    visitor.sign_in(tha.admin_email, tha.admin_password)
    refused = visitor.context.request.post(visitor.url(f"/organisations/{tha.code}/people/new"), form={
        "email": "forged@example.org", "display_name": "Forged", "roles": "tenant_admin"})
    assert refused.status == 400
    assert "security code" in refused.text()
    assert "forged@example.org" not in people_of(tha)


def test_a_script_typed_into_a_name_is_shown_as_text(visit, organisation):
    tha = organisation()
    visitor = visit()
    visitor.sign_in(tha.admin_email, tha.admin_password)
    name = "<script>window.pwned = 1</script>Mali"
    add_person(visitor, tha.code, "mali@example.org", name, "Trainee")
    page = visitor.open(f"/organisations/{tha.code}/people")
    expect(page.get_by_role("link", name=name)).to_be_visible()
    assert page.evaluate("typeof window.pwned") == "undefined"


def test_a_session_cookie_replayed_after_sign_out_opens_nothing(visit, organisation, browser):
    tha = organisation()
    visitor = visit()
    visitor.sign_in(tha.admin_email, tha.admin_password)
    stolen = visitor.session_cookie()
    assert stolen["httpOnly"] and stolen["sameSite"] == "Lax"
    visitor.sign_out()

    thief = visit()
    thief.context.add_cookies([stolen])
    page = thief.open(f"/organisations/{tha.code}/people")
    assert "/oauth/authorize" in page.url or page.locator("input[name=password]").count()
    assert tha.admin_email not in page.content()


def test_an_administrator_editing_the_address_to_another_organisations_person_gets_not_found(visit, organisation,
                                                                                            directory):
    tha, idn = organisation(), organisation()
    other = people_of(idn)[idn.admin_email]["id"]
    visitor = visit()
    visitor.sign_in(tha.admin_email, tha.admin_password)
    for path in (f"/organisations/{idn.code}/people/{other}", f"/organisations/{tha.code}/people/{other}",
                 f"/organisations/{idn.code}/people"):
        response = visitor.page.goto(visitor.url(path))
        assert response.status == 404, path
        visitor.check()
        expect(visitor.page.locator("h1")).to_have_text("Page not found")
        assert idn.admin_email not in visitor.page.content()


def test_every_administration_page_of_a_platform_administrator_passes_axe(visit, platform, organisation):
    tha = organisation()
    operator = visit(width=360)
    operator.sign_in(platform.credentials["admin_email"], platform.credentials["admin_password"])
    for path in ("/", "/tenants", "/tenants/new", f"/tenants/{tha.code}", f"/organisations/{tha.code}/people",
                 f"/organisations/{tha.code}/clients", f"/organisations/{tha.code}/clients/new", "/audit",
                 f"/audit?tenant={tha.code}", "/password"):
        page = operator.open(path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 360, path
    page = operator.open(f"/organisations/{tha.code}/clients/new")
    page.get_by_label("Client id").fill(f"{tha.code.lower()}-case-system")
    page.get_by_label("Name", exact=True).fill("Case system")
    page.locator("main form button[type=submit]").click()
    secret = operator.check().locator("#client-secret").inner_text()
    assert re.fullmatch(r"[A-Za-z0-9_-]{40,}", secret.strip())
    page = operator.open(f"/organisations/{tha.code}/clients/{tha.code.lower()}-case-system")
    page.get_by_role("button", name="Give it a new secret").click()
    assert operator.check().locator("#client-secret").inner_text() != secret
    page = operator.open(f"/audit?action=client.secret_rotated&tenant={tha.code}")
    expect(page.locator("table tbody tr")).to_have_count(1)


def test_the_portal_renews_access_tokens_silently_and_revokes_them_at_sign_out(visit, organisation, directory):
    """The test platform's portal renews before every API call (tests/conftest.py): pages keep working on
    rotated refresh tokens, and signing out revokes the family, so the gateway refuses its last refresh token."""
    tha = organisation()
    visitor = visit()
    visitor.sign_in(tha.admin_email, tha.admin_password)
    for _ in range(3):
        expect(visitor.open(f"/organisations/{tha.code}/people").locator("h1")).to_contain_text("People of")
    person_id = people_of(tha)[tha.admin_email]["id"]
    issued = directory.admin.get("/admin/audit", params={"action": "token.issued", "tenant": tha.code,
                                                        "page_size": 100}).json()
    renewals = [entry for entry in issued
                if entry["actor"] == person_id and entry["details"].get("grant_type") == "refresh_token"]
    assert len(renewals) >= 3
    visitor.sign_out()
    revoked = directory.admin.get("/admin/audit", params={"action": "refresh_token.family_revoked",
                                                         "page_size": 100}).json()
    assert any(entry["details"].get("reason") == "revoked by its client" for entry in revoked)


def test_a_person_changes_their_password_and_a_wrong_current_one_is_shown_beside_its_field(visit, organisation):
    tha = organisation()
    visitor = visit()
    visitor.sign_in(tha.admin_email, tha.admin_password)
    page = visitor.open("/password")
    page.get_by_label("Current password").fill("not my password at all")
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("New password again").fill(NEW_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page = visitor.check()
    expect(page.locator(".govuk-error-summary a[href='#current_password']")).to_be_visible()
    assert page.get_by_label("New password", exact=True).input_value() == ""  # passwords are never sent back
    page.get_by_label("Current password").fill(tha.admin_password)
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("New password again").fill(NEW_PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(visitor.check().locator("h1")).to_have_text("Your password is changed")
    visitor.sign_out()
    expect(visit().sign_in(tha.admin_email, NEW_PASSWORD).locator("h1")).to_contain_text("Hello")


def test_a_deactivated_person_cannot_be_deactivated_again_and_the_page_says_what_is_allowed(visit, organisation,
                                                                                           directory):
    tha = organisation()
    directory.person(tha.code, "lek@example.org", "trainee")
    visitor = visit()
    visitor.sign_in(tha.admin_email, tha.admin_password)
    lek = people_of(tha)["lek@example.org"]["id"]
    page = visitor.open(f"/organisations/{tha.code}/people/{lek}")
    token = page.locator("main form input[name=csrf_token]").first.input_value()
    page.get_by_role("button", name="Deactivate Lek").click()
    expect(visitor.check().locator("main dl")).to_contain_text("Deactivated")

    again = visitor.context.request.post(visitor.url(f"/organisations/{tha.code}/people/{lek}/deactivate"),
                                         form={"csrf_token": token})
    assert again.status == 409
    assert "What can be done next: Active" in again.text()
    assert people_of(tha)["lek@example.org"]["status"] == "deactivated"


def test_an_administrator_reactivates_a_deactivated_person_with_the_keyboard(visit, organisation, directory):
    tha = organisation()
    email = f"dao.{tha.code.lower()}@example.org"  # an address is unique on the whole platform
    directory.person(tha.code, email, "trainee")
    dao, name = people_of(tha)[email]["id"], people_of(tha)[email]["display_name"]
    tha.admin.post(f"/admin/tenants/{tha.code}/users/{dao}/deactivate")
    visitor = visit()
    visitor.sign_in(tha.admin_email, tha.admin_password)
    page = visitor.open(f"/organisations/{tha.code}/people/{dao}")
    expect(page.locator("main dl")).to_contain_text("Deactivated")

    button = page.get_by_role("button", name=f"Reactivate {name}")
    button.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")

    expect(visitor.check().locator("main dl")).to_contain_text("Active")
    assert people_of(tha)[email]["status"] == "active"
    expect(visitor.page.get_by_role("button", name=f"Deactivate {name}")).to_be_visible()
    assert directory.signed_in(email)  # and they sign in again


def test_an_administrator_edits_a_machine_client_and_a_bad_origin_is_shown_beside_its_field(visit, organisation):
    tha = organisation()
    tha.admin.post(f"/admin/tenants/{tha.code}/clients", json={
        "client_id": f"{tha.code.lower()}-cases", "name": "Cases", "grant_types": ["client_credentials"],
        "roles": ["trainee"]})
    visitor = visit(width=360)
    visitor.sign_in(tha.admin_email, tha.admin_password)
    page = visitor.open(f"/organisations/{tha.code}/clients/{tha.code.lower()}-cases")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    page.get_by_label("Name", exact=True).fill("Case system")
    page.get_by_label("Case officer", exact=True).check()
    page.get_by_label("Allowed browser origins").fill("https://cases.police.go.th/app")
    page.get_by_role("button", name="Save changes").click()
    page = visitor.check()
    expect(page.locator(".govuk-error-summary a[href='#allowed_origins']")).to_be_visible()
    expect(page.locator("#allowed_origins-error")).to_be_visible()
    assert page.get_by_label("Name", exact=True).input_value() == "Case system"  # what was typed is kept
    assert tha.admin.get(f"/admin/tenants/{tha.code}/clients/{tha.code.lower()}-cases").json()["name"] == "Cases"

    page.get_by_label("Allowed browser origins").fill("https://cases.police.go.th\nhttp://127.0.0.1:3000")
    page.get_by_role("button", name="Save changes").click()
    expect(visitor.check().locator(".govuk-notification-banner")).to_contain_text("The changes are saved.")
    client = tha.admin.get(f"/admin/tenants/{tha.code}/clients/{tha.code.lower()}-cases").json()
    assert (client["name"], client["roles"], client["allowed_origins"]) == (
        "Case system", ["trainee", "case_officer"], ["https://cases.police.go.th", "http://127.0.0.1:3000"])


@pytest.mark.parametrize(("locale", "legend"), [("th", "ต้นทางเบราว์เซอร์ที่อนุญาต"),
                                                ("id", "Asal peramban yang diizinkan")])
def test_the_client_and_reactivation_pages_speak_thai_and_indonesian(visit, organisation, directory, locale, legend):
    tha = organisation()
    tha.admin.post(f"/admin/tenants/{tha.code}/clients", json={
        "client_id": f"{tha.code.lower()}-cases", "name": "Cases", "grant_types": ["client_credentials"]})
    email = f"dao.{tha.code.lower()}@example.org"
    directory.person(tha.code, email, "trainee")
    dao = people_of(tha)[email]["id"]
    tha.admin.post(f"/admin/tenants/{tha.code}/users/{dao}/deactivate")
    visitor = visit(locale=locale)
    visitor.sign_in(tha.admin_email, tha.admin_password)

    page = visitor.open(f"/organisations/{tha.code}/clients/{tha.code.lower()}-cases")
    assert page.locator("html").get_attribute("lang") == locale
    expect(page.locator("label[for=allowed_origins]")).to_have_text(legend)
    page = visitor.open(f"/organisations/{tha.code}/people/{dao}")
    assert "Reactivate" not in page.locator("main").inner_text()


def test_a_platform_administrator_adds_renames_suspends_and_reactivates_an_organisation(visit, platform, directory):
    code = "N" + secrets.token_hex(3).upper()
    operator = visit()
    operator.sign_in(platform.credentials["admin_email"], platform.credentials["admin_password"])
    page = operator.open("/tenants/new")
    page.get_by_label("Code").fill(code)
    page.get_by_label("Name").fill("Nauru Police")
    page.get_by_label("Member state").check()
    page.locator("main form button[type=submit]").click()
    page = operator.check()
    expect(page.locator("h1")).to_have_text(f"Nauru Police ({code})")
    page.get_by_label("Name").fill("Nauru Police Force")
    page.get_by_role("button", name="Rename").click()
    expect(operator.check().locator("h1")).to_have_text(f"Nauru Police Force ({code})")
    operator.page.get_by_label("Reason").fill("Membership under review")
    operator.page.get_by_role("button", name=f"Suspend {code}").click()
    expect(operator.check().locator("main dl")).to_contain_text("Membership under review")
    operator.page.get_by_role("button", name=f"Reactivate {code}").click()
    expect(operator.check().locator("#tenant-status")).to_have_text("Active")
    tenant = directory.admin.get(f"/admin/tenants/{code}").json()
    assert (tenant["name"], tenant["status"]) == ("Nauru Police Force", "active")


def test_an_administrator_deletes_a_machine_client(visit, organisation):
    tha = organisation()
    visitor = visit()
    visitor.sign_in(tha.admin_email, tha.admin_password)
    page = visitor.open(f"/organisations/{tha.code}/clients/new")
    page.get_by_label("Client id").fill("tha-sync")
    page.get_by_label("Name", exact=True).fill("Sync")
    page.locator("main form button[type=submit]").click()
    expect(visitor.check().locator("#client-secret")).to_be_visible()
    page = visitor.open(f"/organisations/{tha.code}/clients/tha-sync")
    page.get_by_role("button", name="Delete the client").click()
    expect(visitor.check().locator(".govuk-notification-banner")).to_contain_text("tha-sync")
    assert tha.admin.get(f"/admin/tenants/{tha.code}/clients").json() == []


def test_the_home_page_lists_what_needs_a_persons_attention_for_their_roles(visit, organisation, directory):
    tha = organisation()
    directory.person(tha.code, "ploy@example.org", "trainee", "requesting_officer")
    visitor = visit()
    page = visitor.sign_in("ploy@example.org", directory.passwords["ploy@example.org"])
    attention = page.locator("main ul").first
    for line in ("Courses you are enrolled in: 0", "Your draft requests: 0"):
        expect(attention).to_contain_text(line)
    expect(page.locator("main")).not_to_contain_text("Nominated experts to vet")
