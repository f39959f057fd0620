"""Browser tests: Playwright for Python driving the system's Chromium against the whole running platform.

Playwright's own browser download is not used: `infra/test` installs Debian's `chromium` when it is missing, and
the tests start it at CHROMIUM. Every portal page a test visits is checked with axe-core (from the portal's npm
packages), and none may have a serious or critical violation of WCAG 2.2 A/AA.
"""

from __future__ import annotations

import dataclasses
import secrets
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from infra.platform import Api, Directory, Platform

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
AXE = Path(__file__).resolve().parents[2] / "portal" / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING_IMPACTS = {"serious", "critical"}


@pytest.fixture(scope="session")
def browser() -> Browser:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: infra/test installs it (apt-get install chromium)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def accessibility_violations(page: Page) -> list[str]:
    """axe-core's serious and critical findings on the page as it is now (evaluated through the DevTools
    protocol, so the page's Content-Security-Policy, which forbids inline scripts, stays in force)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text())
    results = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS)
    return [f"{violation['id']} ({violation['impact']}): {violation['help']} at "
            f"{[node['target'] for node in violation['nodes']][:3]}"
            for violation in results["violations"] if violation["impact"] in BLOCKING_IMPACTS]


@dataclasses.dataclass
class Visitor:
    """One person's browser (its own cookies), checking every portal page it lands on with axe-core."""

    context: BrowserContext
    page: Page
    gateway: str
    checked: list[str] = dataclasses.field(default_factory=list)

    def url(self, path: str) -> str:
        return f"{self.gateway}{path}"

    def open(self, path: str) -> Page:
        self.page.goto(self.url(path))
        return self.check()

    def check(self) -> Page:
        """axe-core on the page now shown, if it is the portal's (the gateway's own pages are not this layer's)."""
        self.page.wait_for_load_state()
        if "/oauth/" not in self.page.url:
            violations = accessibility_violations(self.page)
            assert not violations, f"{self.page.url}: {violations}"
            self.checked.append(self.page.url)
        return self.page

    def sign_in(self, email: str, password: str) -> Page:
        """From the portal's welcome page, through the gateway's sign-in page, back to the portal."""
        self.open("/")
        self.page.locator("main").get_by_role("button").click()
        self.page.wait_for_url("**/oauth/authorize**")
        self.page.fill("input[name=email]", email)
        self.page.fill("input[name=password]", password)
        self.page.locator("form button[type=submit]").click()
        self.page.wait_for_load_state()
        return self.check()

    def sign_out(self) -> None:
        self.page.locator("header").get_by_role("button").click()
        self.page.wait_for_load_state()

    def session_cookie(self) -> dict | None:
        return next((cookie for cookie in self.context.cookies() if cookie["name"] == "rso_portal_session"), None)


@pytest.fixture
def visit(browser, platform):
    """`visit(locale=None, width=1024)`: a fresh browser context (no cookies) on the running platform."""
    contexts = []

    def open_context(locale: str | None = None, width: int = 1024) -> Visitor:
        context = browser.new_context(locale=locale or "en-GB", viewport={"width": width, "height": 800})
        contexts.append(context)
        return Visitor(context, context.new_page(), platform.gateway)

    yield open_context
    for context in contexts:
        context.close()


@pytest.fixture(scope="module")
def directory(platform: Platform) -> Directory:
    return Directory(platform)


@dataclasses.dataclass
class Organisation:
    """A tenant of its own for one test, with an administrator whose password is known."""

    code: str
    admin_email: str
    admin_password: str
    admin: Api


@pytest.fixture
def organisation(directory: Directory):
    def make() -> Organisation:
        code = "B" + secrets.token_hex(3).upper()
        directory.tenant(code)
        email = f"admin.{code.lower()}@example.org"
        directory.person(code, email, "tenant_admin")
        return Organisation(code, email, directory.passwords[email], directory.signed_in(email))

    return make
