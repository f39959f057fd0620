"""The demo data (infra/demo.py): loaded through the gateway into a running platform, complete, and loaded once
however often it runs (`infra/run` loading it is in test_runner.py)."""

from __future__ import annotations

import datetime as dt
import json
import secrets
from collections import Counter
from types import SimpleNamespace

import pytest

from chassis.vocabulary import FUNCTION_CODES
from infra import demo, devstack
from infra.platform import Api, Directory

pytestmark = pytest.mark.e2e
OWN_PLATFORM = True  # it counts everything the demo loads

MEMBER_STATES = ("AUS", "IDN", "THA", "MYS", "PHL")
ORGANISATIONS = ("IOM", "UNHCR", "UNODC")
LANGUAGES = ("ms", "id", "th", "my", "rhg", "bn", "prs", "tl", "en")


# --- the loader, twice, against the platform of this module ---------------------------------------------------


@pytest.fixture(scope="module")
def credentials(platform) -> dict[str, str]:
    return {**platform.credentials, devstack.DEMO_PASSWORD_KEY: secrets.token_urlsafe(12)}


@pytest.fixture(scope="module")
def directory(platform, credentials) -> Directory:
    """The admin API, and every demo person's sign-in with the demo password."""
    people = Directory(platform)
    people.passwords.update({person.email: credentials[devstack.DEMO_PASSWORD_KEY] for person in demo.demo_people()})
    return people


def census(directory: Directory) -> dict:
    """How many of each kind of record the platform holds, read through the gateway."""
    admin = directory.admin
    office, coordinator = directory.signed_in("roster@rso.example.org"), directory.signed_in("jpa@idn.example.org")
    tenants = [tenant["code"] for tenant in admin.get("/admin/tenants").json()]
    courses = office.get("/api/training/courses", params={"page_size": 100}).json()
    [jpa] = [jpa for jpa in coordinator.get("/api/joint-action/jpas").json() if jpa["name"] == demo.JPA["name"]]
    dashboard = coordinator.get(f"/api/joint-action/jpas/{jpa['id']}/dashboard").json()
    return {
        "tenants": len(tenants),
        "people": {code: len(admin.get(f"/admin/tenants/{code}/users").json()) for code in tenants},
        "clients": {code: len(admin.get(f"/admin/tenants/{code}/clients").json()) for code in tenants},
        "experts": total(office, "/api/roster/experts"),
        "courses": len(courses),
        "sessions": sum(total(office, f"/api/training/courses/{course['id']}/sessions") for course in courses),
        "jpas": total(coordinator, "/api/joint-action/jpas"),
        "cases": dashboard["cases_by_status"],
        "outcomes": dashboard["totals"],
    }


def total(api: Api, path: str, **params) -> int:
    response = api.get(path, params={**params, "page_size": 1})
    return json.loads(response.headers["X-Pagination"])["total"]


@pytest.fixture(scope="module")
def loaded(platform, credentials, directory):
    """The demo loaded twice into one platform: both reports, and the census after each."""
    first = demo.load_demo(platform.gateway, credentials)
    after_first = census(directory)
    second = demo.load_demo(platform.gateway, credentials)
    return SimpleNamespace(first=first, second=second, after_first=after_first, after_second=census(directory))


def test_the_demo_loads_completely_and_quickly(loaded):
    assert not loaded.first.warnings, "\n".join(loaded.first.warnings)
    assert not loaded.first.stopped
    assert loaded.first.seconds < 60, loaded.first.summary()


def test_a_second_run_adds_nothing_and_is_fast(loaded):
    assert not loaded.second.warnings, "\n".join(loaded.second.warnings)
    assert loaded.second.created == Counter(), loaded.second.summary()
    assert loaded.after_second == loaded.after_first
    assert loaded.second.seconds < 10, loaded.second.summary()


def test_tenants_and_their_people(loaded, directory):
    tenants = {tenant["code"]: tenant["kind"] for tenant in directory.admin.get("/admin/tenants").json()}
    assert tenants["RSO"] == "platform"
    assert all(tenants[code] == "international_organisation" for code in ORGANISATIONS), tenants
    assert all(tenants[code] == "member_state" for code in MEMBER_STATES), tenants

    def roles_of(code: str) -> set[str]:
        return {role for user in directory.admin.get(f"/admin/tenants/{code}/users").json() for role in user["roles"]}

    for code in MEMBER_STATES:
        assert {"tenant_admin", "requesting_officer", "case_officer", "training_coordinator"} <= roles_of(code), code
    assert {"roster_manager", "training_coordinator", "trainer"} <= roles_of("RSO")
    assert all("tenant_admin" in roles_of(code) for code in ORGANISATIONS)
    assert all("training_coordinator" in roles_of(code) for code in ("IOM", "UNODC"))
    assert {"jpa_coordinator"} <= roles_of("IDN") & roles_of("AUS")


def test_a_demo_person_signs_in_with_the_demo_password(loaded, directory):
    officer = directory.signed_in("requests@tha.example.org")
    assert officer.get("/api/roster/functions").status_code == 200
    expert = directory.signed_in("expert@tha.example.org")
    [profile] = expert.get("/api/roster/experts/me").json()
    assert profile["status"] == "active"


def test_two_hundred_experts_across_every_function_and_the_regions_languages_are_searchable(loaded, directory):
    officer = directory.signed_in("requests@aus.example.org")
    found: dict[str, dict] = {}
    for function in FUNCTION_CODES:
        matches = officer.get("/api/roster/search", params={
            "function": function, "min_readiness": "vetted", "page_size": 100}).json()
        assert matches, f"nobody offers {function}"
        found.update({match["expert_id"]: match for match in matches})
    assert len(found) >= 200
    assert {match["nominating_tenant"] for match in found.values()} == {*MEMBER_STATES, *ORGANISATIONS}
    spoken = {language["code"] for match in found.values() for language in match["languages"]}
    assert set(LANGUAGES) <= spoken, set(LANGUAGES) - spoken
    ready = [match for match in found.values()
             if any(readiness["level"] == "ready" for readiness in match["readiness"])]
    assert len(ready) >= 20, "experts with a verified certificate are ready"


def test_published_courses_with_modules_quizzes_and_sessions(loaded, directory):
    trainee_side = directory.signed_in("training@phl.example.org")
    courses = trainee_side.get("/api/training/courses").json()
    assert {(course["provider"], course["code"]) for course in courses} >= {
        (course.provider, course.code) for course in demo.COURSES}
    for course in courses:
        kinds = [item["kind"] for module in course["modules"] for item in module["items"]]
        assert course["status"] == "published" and "lesson" in kinds and "assessment" in kinds, course
        assert trainee_side.get(f"/api/training/courses/{course['id']}/sessions").json(), course["code"]


def test_an_active_jpa_with_cases_at_different_milestones_shared_with_its_participants(loaded, directory):
    coordinator = directory.signed_in("jpa@idn.example.org")
    [jpa] = [jpa for jpa in coordinator.get("/api/joint-action/jpas").json() if jpa["name"] == demo.JPA["name"]]
    assert jpa["status"] == "active"
    assert set(jpa["participating_tenants"]) == set(MEMBER_STATES)
    cases = coordinator.get("/api/joint-action/cases", params={"jpa_id": jpa["id"]}).json()
    assert len(cases) == len(demo.CASES)
    assert len({case["status"] for case in cases}) >= 3, [case["status"] for case in cases]
    assert {case["lead_tenant"] for case in cases} == set(MEMBER_STATES)
    participant = directory.signed_in("cases@phl.example.org")
    seen = participant.get("/api/joint-action/cases", params={"jpa_id": jpa["id"]}).json()
    assert {case["lead_tenant"] for case in seen} == set(MEMBER_STATES), "every case is shared with PHL"
    totals = coordinator.get(f"/api/joint-action/jpas/{jpa['id']}/dashboard").json()["totals"]
    assert totals["arrests"] > 0 and totals["charges"] > 0 and totals["convictions"] > 0, totals


def test_the_experts_are_generated_deterministically():
    day = dt.date(2025, 3, 1)
    experts = demo.generate_experts(day)
    assert experts == demo.generate_experts(day)
    assert len(experts) >= 200 and len({expert.email for expert in experts}) == len(experts)
    assert sum(expert.status == "active" for expert in experts) >= 200
