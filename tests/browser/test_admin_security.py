"""A tenant administrator's sign-in security in the portal: the second-factor policy and a person's reset."""

from __future__ import annotations

import pyotp
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import accessibility_violations

pytestmark = [pytest.mark.e2e, pytest.mark.browser]


def policy_of(organisation) -> list[str]:
    return organisation.admin.get(f"/admin/tenants/{organisation.code}/second-factor-policy").json()[
        "required_for_roles"]


def person_of(organisation, email: str) -> dict:
    users = organisation.admin.get(f"/admin/tenants/{organisation.code}/users").json()
    return next(user for user in users if user["email"] == email)


def tab_to(page, value: str) -> None:
    while page.evaluate("document.activeElement.value") != value:
        page.keyboard.press("Tab")


def test_an_administrator_sets_the_second_factor_policy_with_the_keyboard_in_english_indonesian_and_thai(
        visit, organisation):
    tha = organisation()
    admin = visit()
    admin.sign_in(tha.admin_email, tha.admin_password)
    admin.page.get_by_role("link", name="Manage your organisation's sign-in security").click()
    page = admin.check()
    expect(page.locator("h1")).to_have_text(f"Sign-in security of {tha.code}")
    page.locator("body").focus()
    tab_to(page, "case_officer")
    page.keyboard.press("Space")
    tab_to(page, "jpa_coordinator")
    page.keyboard.press("Space")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page = admin.check()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("The changes are saved.")
    assert policy_of(tha) == ["case_officer", "jpa_coordinator"]
    expect(page.get_by_label("Case officer", exact=True)).to_be_checked()

    # A role the gateway does not know (a tampered form): its 422 is shown beside the field, nothing changes.
    page.locator("input[value=trainee]").evaluate("box => { box.value = 'sorcerer'; box.checked = true; }")
    with page.expect_navigation() as sent:
        page.get_by_role("button", name="Save the policy").click()
    assert sent.value.status == 422
    page = admin.check()
    expect(page.locator("#required_for_roles-error")).to_be_visible()
    expect(page.locator(".govuk-error-summary a[href='#required_for_roles']")).to_be_visible()
    assert policy_of(tha) == ["case_officer", "jpa_coordinator"]

    for locale, heading in (("id", "Keamanan masuk"), ("th", "ความปลอดภัยในการเข้าสู่ระบบ")):
        page = admin.open(f"/organisations/{tha.code}/sign-in-security")
        page.locator("#language").select_option(locale)
        page.locator("form.rso-language button").click()
        page = admin.check()
        assert page.locator("html").get_attribute("lang") == locale
        expect(page.locator("h1")).to_contain_text(heading)
        assert "Require a second factor" not in page.locator("main").inner_text()
        page.locator("input[value=case_officer]").uncheck()
        page.locator("main form button[type=submit]").click()
        expect(admin.check().locator(".govuk-notification-banner--success")).to_be_visible()
        assert policy_of(tha) == ["jpa_coordinator"]
        page.locator("input[value=case_officer]").check()
        page.locator("main form button[type=submit]").click()
        admin.check()
        assert policy_of(tha) == ["case_officer", "jpa_coordinator"]


def test_an_administrator_resets_a_persons_second_factor_which_another_organisations_administrator_cannot_reach(
        visit, organisation, directory):
    tha, idn = organisation(), organisation()
    tha.admin.call("PUT", f"/admin/tenants/{tha.code}/second-factor-policy", 200,
                   json={"required_for_roles": ["case_officer"]})
    email = f"officer.{tha.code.lower()}@example.org"
    directory.person(tha.code, email, "case_officer")
    officer = visit()
    page = officer.sign_in(email, directory.passwords[email])
    page.locator("#code").fill(pyotp.TOTP(page.locator("#totp-key").inner_text().replace(" ", "")).now())
    page.locator("form button[type=submit]").click()
    expect(page.locator("h1")).to_have_text("Your recovery codes")
    person = person_of(tha, email)
    assert person["second_factor_enrolled"]
    person_path = f"/organisations/{tha.code}/people/{person['id']}"

    stranger = visit()
    stranger.sign_in(idn.admin_email, idn.admin_password)
    own = stranger.open(f"/organisations/{idn.code}/people/{person_of(idn, idn.admin_email)['id']}")
    token = own.locator("main form input[name=csrf_token]").first.input_value()
    assert stranger.page.goto(stranger.url(person_path)).status == 404
    assert email not in stranger.page.content()
    refused = stranger.context.request.post(stranger.url(f"{person_path}/reset-second-factor"),
                                            form={"csrf_token": token})
    assert refused.status == 404
    assert person_of(tha, email)["second_factor_enrolled"]

    admin = visit()
    admin.sign_in(tha.admin_email, tha.admin_password)
    page = admin.open(person_path)
    expect(page.locator("#second-factor")).to_have_text("Set up: an authenticator app")
    stale = admin.context.new_page()  # the same page open in another tab, reset meanwhile
    stale.goto(admin.url(person_path))
    page.get_by_role("button", name=f"Reset the second factor of {person['display_name']}").click()
    page = admin.check()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        f"The second factor of {person['display_name']} is reset.")
    expect(page.locator("#second-factor")).to_have_text("Not set up")
    expect(page.get_by_role("button", name=f"Reset the second factor of {person['display_name']}")).to_have_count(0)
    assert not person_of(tha, email)["second_factor_enrolled"]

    with stale.expect_navigation() as sent:
        stale.get_by_role("button", name=f"Reset the second factor of {person['display_name']}").click()
    assert sent.value.status == 409
    expect(stale.locator(".govuk-error-summary")).to_contain_text("This person has no second factor to reset.")
    assert not accessibility_violations(stale)
