"""The portal's shell: probes, security headers on every page, pages (not problem documents) for errors."""

import pytest

from portal import CONTENT_SECURITY_POLICY

pytestmark = pytest.mark.integration


def test_ready_needs_the_database_only(client):
    ready = client.get("/health/ready")
    assert ready.status_code == 200 and set(ready.get_json()["checks"]) == {"database"}


def test_pages_forbid_inline_scripts_framing_and_caching(client):
    page = client.get("/")
    assert page.status_code == 200 and page.mimetype == "text/html"
    assert page.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert "script-src 'self';" in CONTENT_SECURITY_POLICY and "unsafe-inline" not in CONTENT_SECURITY_POLICY
    assert page.headers["X-Frame-Options"] == "DENY" and page.headers["Cache-Control"] == "no-store"
    assert "<script>" not in page.get_data(as_text=True)


def test_an_unknown_page_is_a_page_in_the_readers_language(client):
    page = client.get("/no-such-page", headers={"Accept-Language": "th"})
    assert page.status_code == 404 and page.mimetype == "text/html"
    text = page.get_data(as_text=True)
    assert '<html lang="th"' in text and "ไม่พบหน้านี้" in text


def test_a_signed_out_visitor_of_a_signed_in_page_is_sent_to_sign_in_and_back(client):
    response = client.get("/organisations/THA/people?page=2")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/sign-in?next=/organisations/THA/people?page%3D2")


def test_a_form_without_its_csrf_token_is_refused(client):
    refused = client.post("/sign-out", data={})
    assert refused.status_code == 400 and "security code" in refused.get_data(as_text=True)


def test_an_offers_link_opens_the_experts_roster_page_at_that_offer(client):
    """The link an offer's e-mail and notification carry (/roster/deployments/<id>)."""
    response = client.get("/roster/deployments/dep-42")
    assert response.status_code == 302 and response.headers["Location"] == "/roster/me#offer-dep-42"
