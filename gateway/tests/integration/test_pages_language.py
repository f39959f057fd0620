"""The sign-in and password pages follow the person's language: `ui_locales`, then the portal's `rso_locale`
cookie, then the browser's; `<html lang>` says which, and the markup is accessible."""

import pytest
import requests

from chassis.i18n import LOCALE_COOKIE
from chassis.testing import oauth

pytestmark = pytest.mark.integration

PASSWORD = "correct horse battery staple"


@pytest.fixture
def authorize_url(live_gateway, register_app, register_user):
    register_user("ana@police.go.th", tenant="THA")
    register_user("budi@police.go.th", tenant="THA", password="one-time-Xy7pQ2rT", password_change_required=True)
    register_app("tha-portal", tenant="THA")

    def url(**params):
        query = {"response_type": "code", "client_id": "tha-portal", "redirect_uri": "https://app.example.org/callback",
                 "scope": "api", "code_challenge": "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
                 "code_challenge_method": "S256", **params}
        return requests.Request("GET", f"{live_gateway.url}/oauth/authorize", params=query).prepare().url

    return url


def test_ui_locales_chooses_thai(authorize_url):
    page = requests.get(authorize_url(ui_locales="th-TH en"), timeout=10)

    assert '<html lang="th">' in page.text and "เข้าสู่ระบบ" in page.text and "รหัสผ่าน" in page.text


def test_the_portals_cookie_chooses_bahasa_indonesia(authorize_url):
    page = requests.get(authorize_url(), cookies={LOCALE_COOKIE: "id"}, timeout=10,
                        headers={"Accept-Language": "th"})

    assert '<html lang="id">' in page.text and "Kata sandi" in page.text


def test_without_a_choice_the_browsers_language_and_then_english(authorize_url):
    thai = requests.get(authorize_url(), headers={"Accept-Language": "th,en;q=0.5"}, timeout=10)
    other = requests.get(authorize_url(), headers={"Accept-Language": "de"}, timeout=10)

    assert '<html lang="th">' in thai.text
    assert '<html lang="en">' in other.text and "Password" in other.text


def test_a_refusal_is_shown_in_the_persons_language_in_an_error_summary(authorize_url):
    refused = oauth.submit_sign_in(requests.Session(), authorize_url(ui_locales="id"), "ana@police.go.th", "wrong")

    assert refused.status_code == 401
    assert 'role="alert"' in refused.text and 'href="#email"' in refused.text
    assert "Email atau kata sandi tidak benar" in refused.text


def test_the_password_page_is_translated_and_names_each_field_in_error(authorize_url):
    browser = requests.Session()
    url = authorize_url(ui_locales="th")
    asked = oauth.submit_sign_in(browser, url, "budi@police.go.th", "one-time-Xy7pQ2rT")
    weak = browser.post(url, allow_redirects=False, timeout=10, data={
        "csrf_token": oauth.csrf_token_of(asked.text), "step": "change_password", "new_password": "short",
        "confirm_password": "short"})

    assert '<html lang="th">' in asked.text and "ตั้งรหัสผ่านของคุณ" in asked.text
    assert weak.status_code == 422 and "ใช้อย่างน้อย 12 ตัวอักษร" in weak.text
    assert 'href="#new_password"' in weak.text and 'aria-invalid="true"' in weak.text


def test_every_field_has_a_label(authorize_url):
    page = requests.get(authorize_url(), timeout=10).text

    assert '<label for="email">' in page and '<label for="password">' in page
    assert 'id="email"' in page and 'id="password"' in page
