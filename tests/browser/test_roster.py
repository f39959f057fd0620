"""The roster's journeys in the portal (issue 14), in a real Chromium against every process of the platform.

Each test makes the organisations, people and experts it needs through the API (as `infra/demo.py` does for the
demo), then goes through its journey page by page; every portal page visited passes axe-core (`Visitor.check`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
import secrets
from pathlib import Path

import pytest
from playwright.sync_api import expect

from infra.platform import Api, Directory

pytestmark = [pytest.mark.e2e, pytest.mark.browser]
FUNCTION = "victim_identification"
RARE_LANGUAGE = "km"  # Khmer at native level: narrows every search to this module's experts
TODAY = dt.date.today()


def _day(days: int) -> str:
    return (TODAY + dt.timedelta(days=days)).isoformat()


@dataclasses.dataclass
class Roster:
    """The roster office, and ways to make what a journey starts from."""

    directory: Directory
    office: Api

    def state(self, prefix: str) -> str:
        """A member state of its own, with a roster manager and a requesting officer."""
        code = prefix + secrets.token_hex(2).upper()
        self.directory.tenant(code)
        self.directory.person(code, f"roster.{code.lower()}@example.org", "roster_manager", "tenant_admin")
        self.directory.person(code, f"requests.{code.lower()}@example.org", "requesting_officer")
        return code

    def manager(self, state: str) -> Api:
        return self.directory.signed_in(f"roster.{state.lower()}@example.org")

    def officer(self, state: str) -> Api:
        return self.directory.signed_in(f"requests.{state.lower()}@example.org")

    def nominate(self, state: str, name: str, *, certificate: bool = True) -> dict:
        email = f"{name.lower().replace(' ', '.')}.{secrets.token_hex(2)}@example.org"
        return self.manager(state).post("/api/roster/experts", expect=201, json={
            "full_name": name, "email": email, "nationality": "KHM", "clearance_level": "restricted",
            "consent_given_on": _day(-30), "languages": [{"code": RARE_LANGUAGE, "level": "native"},
                                                         {"code": "en", "level": "professional"}],
            "functions": [{"code": FUNCTION, "experience_level": "senior", "years": 9}],
            "external_certifications": [{
                "title": "Victim identification practitioner", "function": FUNCTION, "issuer": "IOM",
                "evidence_reference": f"CERT-{secrets.token_hex(3)}", "issued_on": _day(-100),
                "expires_on": _day(700)}] if certificate else []}).json()

    def ready_expert(self, state: str, name: str, *, login: bool = False) -> dict:
        """Vetted, its certificate verified, active: found by a search for ready experts."""
        profile = self.nominate(state, name)
        expert_id = profile["expert_id"]
        self.office.post(f"/api/roster/experts/{expert_id}/transitions", json={"to": "vetted"})
        for certificate in profile["certifications"]:
            self.office.post(f"/api/roster/experts/{expert_id}/certifications/{certificate['certificate_id']}"
                             "/verification")
        self.manager(state).post(f"/api/roster/experts/{expert_id}/transitions", json={"to": "active"})
        if login:
            self.directory.person(state, profile["email"], "expert", "trainee")
        return profile

    def request(self, state: str, **changes) -> dict:
        """A submitted request of `state` for this module's kind of expert."""
        officer = self.officer(state)
        created = officer.post("/api/roster/requests", expect=201, json={
            "function": FUNCTION, "languages": [{"code": RARE_LANGUAGE, "min_level": "professional"}],
            "country": "THA", "location": "Bangkok", "start_date": _day(40), "end_date": _day(50),
            "justification": "Screening of arrivals", **changes}).json()
        officer.post(f"/api/roster/requests/{created['request_id']}/transitions", json={"to": "submitted"})
        return created

    def offer(self, request_id: str, expert_id: str) -> dict:
        self.office.post(f"/api/roster/requests/{request_id}/transitions", expect=(200, 409),
                         json={"to": "under_review"})
        return self.office.post(f"/api/roster/requests/{request_id}/offers", expect=201,
                                json={"expert_id": expert_id}).json()


@pytest.fixture(scope="module")
def roster(directory) -> Roster:
    email = f"office.{secrets.token_hex(3)}@rso.example.org"
    directory.person("RSO", email, "roster_manager")
    return Roster(directory, directory.signed_in(email))


def sign_in(visit, roster: Roster, email: str, locale: str | None = None):
    visitor = visit(locale=locale)
    visitor.sign_in(email, roster.directory.passwords[email])
    return visitor


def submit(visitor, form_selector: str = "main form[method=post]"):
    visitor.page.locator(f"{form_selector} button[type=submit]").last.click()
    return visitor.check()


def test_a_requesting_officer_searches_requests_follows_and_sees_the_contact_only_once_accepted(visit, roster):
    tha, idn = roster.state("T"), roster.state("I")
    expert = roster.ready_expert(tha, "Sokha Chan")
    others = roster.request(idn, location="Jakarta")  # another state's request: never shown to THA's officer
    officer = sign_in(visit, roster, f"requests.{tha.lower()}@example.org")

    page = officer.open("/roster/search")
    page.get_by_label("Function").select_option(FUNCTION)
    page.locator("#language_code-0").select_option(RARE_LANGUAGE)
    page.locator("#language_level-0").select_option("professional")
    page.get_by_label("First day").fill(_day(40))
    page.get_by_label("Last day").fill(_day(50))
    page.locator("main form button[type=submit]").click()
    page = officer.check()
    result = page.locator(".rso-result").filter(has=page.locator(f"a[href$='{expert['expert_id']}']"))
    expect(result).to_contain_text("Certificate qualifying for the function")
    expect(result).to_contain_text("20 points")
    expect(result).to_contain_text("Years of experience in the function: 18 points")

    result.get_by_role("link").first.click()
    page = officer.check()
    expect(page.locator("main")).to_contain_text("Shown once the expert accepts")
    assert expert["email"] not in page.content() and "Sokha" not in page.content()

    page = officer.open("/roster/requests/new")
    page.get_by_label("Function").select_option(FUNCTION)
    page.locator("#language_code-0").select_option(RARE_LANGUAGE)
    page.get_by_label("Deployment country", exact=True).fill("THA")
    page.get_by_label("Location").fill("Mae Sot")
    page.get_by_label("First day").fill(_day(60))
    page.get_by_label("Last day").fill(_day(55))  # before the first day: the API says so, beside the field
    page.get_by_label("Number of experts").fill("1")
    page.get_by_label("Why the experts are needed").fill("Joint screening at the border")
    page = submit(officer)
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    expect(page.locator(".govuk-form-group--error")).not_to_have_count(0)
    expect(page.get_by_label("Location")).to_have_value("Mae Sot")
    expect(page.get_by_label("Why the experts are needed")).to_have_value("Joint screening at the border")
    page.get_by_label("Last day").fill(_day(65))
    page = submit(officer)
    expect(page.locator("#request-status")).to_contain_text("Draft")
    page.get_by_role("button", name="Submit to the roster office").click()
    page = officer.check()
    expect(page.locator("#request-status")).to_contain_text("Submitted")
    request_path = page.url.removeprefix(officer.url(""))
    request_id = request_path.rsplit("/", 1)[1]

    deployment = roster.offer(request_id, expert["expert_id"])
    page = officer.open(request_path)
    expect(page.locator("#deployments")).to_contain_text("contact details once accepted")
    assert expert["email"] not in page.content()
    roster.manager(tha).post(f"/api/roster/deployments/{deployment['deployment_id']}/transitions",
                             json={"to": "accepted"})
    page = officer.open(request_path)
    expect(page.locator("#deployments")).to_contain_text(expert["email"])
    expect(page.locator("#request-status")).to_contain_text("Accepted")
    expect(page.locator("main ol")).to_contain_text("Submitted")  # the history

    # Withdrawing is offered while the request waits; the office rejects it meanwhile: the 409 says what is next.
    waiting = roster.request(tha)
    page = officer.open(f"/roster/requests/{waiting['request_id']}")
    roster.office.post(f"/api/roster/requests/{waiting['request_id']}/transitions", json={"to": "rejected"})
    page.get_by_role("button", name="Withdraw the request").click()
    page = officer.check()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Nothing more can be done")

    # Another state's requests: not listed, not reachable, not in any report.
    page = officer.open("/roster/requests")
    assert set(page.locator("#requests tbody tr td:nth-child(2)").all_inner_texts()) == {tha}
    assert others["request_id"] not in page.content()
    assert "Jakarta" not in page.content()
    page = officer.open(f"/roster/requests/{others['request_id']}")
    expect(page.locator("h1")).to_have_text("Page not found")
    page = officer.open("/")
    assert others["request_id"] not in page.content()
    for report in ("/roster/reports", "/roster/reports/open-requests.csv"):
        response = officer.context.request.get(officer.url(report))
        assert response.status == 403 and others["request_id"] not in response.text()


def test_the_roster_office_vets_verifies_reviews_offers_and_reads_a_calendar_in_indonesian(visit, roster):
    phl = roster.state("P")
    nominee = roster.nominate(phl, "Maria Santos")
    expert = roster.ready_expert(phl, "Jose Reyes")
    request = roster.request(phl)
    office = sign_in(visit, roster, next(email for email in roster.directory.passwords
                                         if email.startswith("office.")), locale="id-ID")

    page = office.open("/roster/office")
    assert page.locator("html").get_attribute("lang") == "id"
    expect(page.locator("main")).to_contain_text("Maria Santos")
    page.locator(f"form[action='/roster/experts/{nominee['expert_id']}/vetting'] button").click()
    page = office.check()
    expect(page.locator(".govuk-notification-banner")).to_be_visible()
    roster_profile = roster.office.get(f"/api/roster/experts/{nominee['expert_id']}").json()
    assert roster_profile["status"] == "vetted"
    certificate = nominee["certifications"][0]["certificate_id"]
    page.locator(f"form[action$='/certifications/{certificate}/verification'] button").click()
    page = office.check()
    roster_profile = roster.office.get(f"/api/roster/experts/{nominee['expert_id']}").json()
    assert roster_profile["certifications"][0]["verified_at"]

    page.locator(f"a[href='/roster/requests/{request['request_id']}']").click()
    page = office.check()
    page.locator("form[action$='/transitions'] input[value=under_review] ~ button").click()
    page = office.check()
    candidate = page.locator("#candidates li").filter(has=page.locator(f"a[href$='{expert['expert_id']}']"))
    expect(candidate).to_contain_text("20")  # the certificate's points, with the API's explanation
    candidate.locator("form button").click()
    page = office.check()
    expect(page.locator("#deployments")).to_contain_text(phl)
    assert roster.office.get(f"/api/roster/requests/{request['request_id']}").json()["status"] == "offered"

    roster.manager(phl).post(f"/api/roster/deployments/{_deployment_of(roster, request)}/transitions",
                             json={"to": "accepted"})
    page = office.open(f"/roster/experts/{expert['expert_id']}/calendar?month={_day(40)[:7]}")
    expect(page.locator("#bookings li")).to_have_count(1)
    expect(page.locator("table tbody tr").nth(int(_day(40)[8:]) - 1).locator("td").first).not_to_be_empty()
    assert "Booking calendar" not in page.locator("h1").inner_text()


def _deployment_of(roster: Roster, request: dict) -> str:
    [deployment] = roster.office.get("/api/roster/deployments", params={"request_id": request["request_id"]}).json()
    return deployment["deployment_id"]


def _csv(rows: list[str]) -> bytes:
    header = "full_name,email,phone,nationality,clearance_level,consent_given_on,languages,functions"
    return "\n".join([header, *rows]).encode()


def test_a_roster_manager_nominates_one_then_500_from_a_file_and_a_malformed_file_creates_nobody(visit, roster):
    mys = roster.state("M")
    manager = sign_in(visit, roster, f"roster.{mys.lower()}@example.org")
    page = manager.open("/roster/nominations/new")
    page.get_by_label("Full name").fill("Aisyah Rahman")
    page.get_by_label("E-mail address").fill("not an e-mail")
    page.get_by_label("Nationality").fill("MYS")
    page.locator("#language_code-0").select_option("ms")
    page.locator("#language_level-0").select_option("native")
    page.locator("#function_code-0").select_option(FUNCTION)
    page.locator("#function_level-0").select_option("experienced")
    page.locator("#function_years-0").fill("4")
    page = submit(manager)
    expect(page.locator("#email-error")).to_be_visible()
    expect(page.get_by_label("Full name")).to_have_value("Aisyah Rahman")
    page.get_by_label("E-mail address").fill(f"aisyah.{mys.lower()}@example.org")
    page = submit(manager)
    expect(page.locator("h1")).to_have_text("Expert nominated")

    def experts_of_state() -> int:
        paging = roster.manager(mys).get("/api/roster/experts", params={"page_size": 1}).headers["X-Pagination"]
        return json.loads(paging)["total"]

    page = manager.open("/roster/nominations/upload")
    good = f"Ok Person,ok.{mys.lower()}@example.org,,MYS,none,{_day(-1)},ms:native,{FUNCTION}:junior:1"
    page.locator("#file").set_input_files(files=[{"name": "broken.csv", "mimeType": "text/csv", "buffer": _csv([
        good, f"Bad Level,bad@example.org,,MYS,none,{_day(-1)},ms:fluent,{FUNCTION}:junior:1",
        "Too,few,cells"])}])
    page = submit(manager)
    expect(page.locator("#file-problems")).to_contain_text("Line 3, column languages")
    expect(page.locator("#file-problems")).to_contain_text("Line 4")
    assert experts_of_state() == 1

    rows = [f"Expert {number},expert{number}.{mys.lower()}@example.org,,MYS,none,{_day(-1)},ms:native;en:basic,"
            f"{FUNCTION}:experienced:{number % 30}" for number in range(499)]
    rows.append(f"Unknown Function,unknown.{mys.lower()}@example.org,,MYS,none,{_day(-1)},ms:native,"
                "no_such_function:junior:1")
    page.locator("#file").set_input_files(files=[{"name": "experts.csv", "mimeType": "text/csv",
                                                  "buffer": _csv(rows)}])
    page.locator("main form button[type=submit]").click()
    page.wait_for_function("() => { const bar = document.querySelector('#nomination-progress');"
                           " return bar && bar.value > 0 && bar.value < bar.max; }")
    manager.check()
    expect(page.locator("#nomination-report")).to_be_visible(timeout=240_000)
    manager.check()
    expect(page.locator("#nomination-status")).to_contain_text("500 of 500 rows done: 499 created, 1 failed")
    failed = page.locator("#nomination-report tr").filter(has_text="unknown.")
    expect(failed).to_contain_text("Failed")
    expect(failed).to_contain_text("functions")
    assert experts_of_state() == 1 + 499


def test_an_expert_keeps_a_calendar_answers_an_offer_and_withdraws_consent_in_thai(visit, roster):
    tha = roster.state("E")
    expert = roster.ready_expert(tha, "Malai Sok", login=True)
    request = roster.request(roster.state("R"))
    roster.offer(request["request_id"], expert["expert_id"])
    person = sign_in(visit, roster, expert["email"], locale="th-TH")

    page = person.open("/roster/me")
    assert page.locator("html").get_attribute("lang") == "th"
    expect(page.locator("main")).to_contain_text("Malai Sok")
    expect(page.locator("#offers li")).to_have_count(1)
    page.locator("main form[action$='/unavailability'] input[name=start_date]").fill(_day(10))
    page.locator("main form[action$='/unavailability'] input[name=end_date]").fill(_day(12))
    page.locator("main form[action$='/unavailability'] input[name=reason]").fill("ลาพักร้อน")
    page.locator("main form[action$='/unavailability'] button").click()
    page = person.check()
    expect(page.locator("#unavailability li")).to_have_count(1)
    expect(page.locator("main table")).to_contain_text("ลาพักร้อน")
    page.locator("#unavailability form button").click()
    page = person.check()
    expect(page.locator("#unavailability li")).to_have_count(0)

    page.locator("#offers form").filter(has=page.locator("input[value=accepted]")).locator("button").click()
    page = person.check()
    expect(page.locator("#offers li")).to_have_count(0)
    expect(page.locator("#my-deployments")).to_contain_text("Bangkok")
    expect(page.locator("#recommendations")).to_be_visible()

    page.locator(f"a[href='/roster/experts/{expert['expert_id']}/consent-withdrawal']").click()
    page = person.check()
    expect(page.locator("#erased li")).to_have_count(3)
    page.locator("main form button[type=submit]").click()  # not confirmed: nothing erased
    page = person.check()
    expect(page.locator("#confirm-error")).to_be_visible()
    assert roster.office.get(f"/api/roster/experts/{expert['expert_id']}").json()["status"] == "active"
    page.locator("#confirm").check()
    page.locator("main form button[type=submit]").click()
    person.check()
    assert roster.office.get(f"/api/roster/experts/{expert['expert_id']}").json()["status"] == "anonymised"


def test_reports_show_charts_with_the_same_figures_in_tables_and_csv_of_the_states_own_scope(visit, roster):
    aus, nzl = roster.state("A"), roster.state("Z")
    roster.ready_expert(aus, "Jack Wilson")
    own, others = roster.request(aus), roster.request(nzl)
    manager = sign_in(visit, roster, f"roster.{aus.lower()}@example.org")

    page = manager.open("/roster/reports")
    for chart in ("coverage", "per-state", "per-function", "by-age"):
        expect(page.locator(f"#chart-{chart}-title")).to_be_attached()
        expect(page.locator(f"#table-{chart}")).to_be_visible()
    ready = page.locator("#table-coverage tr").filter(has_text="Victim-of-trafficking identification")
    expect(ready.locator("td")).to_have_text("1")
    expect(page.locator("#gaps")).to_contain_text("have no ready expert")
    expect(page.locator("#chart-coverage-title")).to_contain_text("Victim-of-trafficking identification: 1")
    ages = page.locator("#table-by-age td")
    assert sum(int(cell) for cell in ages.all_inner_texts()) == 1  # its own open request only

    with page.expect_download() as download:
        page.get_by_role("link", name="Download the open requests as CSV").click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert own["request_id"] in text and others["request_id"] not in text
    coverage = manager.context.request.get(manager.url("/roster/reports/coverage.csv"))
    assert coverage.status == 200 and coverage.headers["content-type"].startswith("text/csv")
    assert re.search(rf"{FUNCTION},,1", coverage.text())
