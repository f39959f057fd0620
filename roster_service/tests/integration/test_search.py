"""Search on a generated roster of 2,000 experts: the database query and the per-expert rules agree,
and the edges (touching dates, open-ended unavailability, proficiency thresholds, certificates
expiring the day before a deployment ends) fall on the right side."""

import datetime as dt
import json
import random

import pytest
from bson import ObjectId

from chassis.vocabulary import PROFICIENCY_LEVELS
from roster_service.experts.models import Booking, Certification, Expert, LanguageSkill, Period
from roster_service.experts.readiness import qualifying_certificate
from roster_service.search.criteria import LanguageNeed, SearchCriteria, build_criteria, first_failure
from roster_service.search.service import search
from roster_service.tests.generated_roster import (
    FUNCTIONS,
    LANGUAGES,
    generate_roster,
    generated_expert,
    insert_experts,
)
from roster_service.vocabulary import CLEARANCE_LEVELS

pytestmark = pytest.mark.integration

BASE = dt.date.today() + dt.timedelta(days=100)  # the generated roster's dates cluster around this day
START, END = BASE, BASE + dt.timedelta(days=14)
FUNCTION = "border_management"


def days(offset: int) -> dt.date:
    return BASE + dt.timedelta(days=offset)


def planted(name: str, **changes) -> Expert:
    """An expert who matches a search for FUNCTION, English (professional), START..END, unless changed."""
    expert = generated_expert(random.Random(name), BASE)
    expert.full_name = name
    expert.tenant, expert.status, expert.nationality = "IDN", "active", "IDN"
    expert.functions[0].code, expert.functions_awaiting_vetting = FUNCTION, []
    expert.languages = [LanguageSkill(code="en", level="professional")]
    expert.certifications = [Certification(certificate_id=f"C-{name}", source="training", title="Border course",
                                           function=FUNCTION, qualifies_for=[FUNCTION], expires_on=None)]
    expert.unavailability, expert.bookings = [], []
    for field, value in changes.items():
        setattr(expert, field, value)
    return expert


def ids_of(experts) -> set[str]:
    return {str(expert.id) for expert in experts}


def search_names(client, headers, **query) -> set[str]:
    names = set()
    page = 1
    while True:
        response = client.get("/search", query_string={**query, "page": page, "page_size": 100}, headers=headers)
        assert response.status_code == 200, response.get_json()
        names |= {item["expert_id"] for item in response.get_json()}
        if page >= json.loads(response.headers["X-Pagination"])["total_pages"]:
            return names
        page += 1


def part_points(match, rule: str) -> int:
    return next(part.points for part in match.score_parts if part.rule == rule)


def test_the_query_and_the_rules_agree_on_every_expert_of_a_generated_roster(app):
    generated = generate_roster(2000, seed=20261122, base=BASE)
    stored = list(Expert.across_tenants("test: the whole generated roster"))
    assert len(stored) == len(generated)
    rng = random.Random(7)
    nonempty = 0
    for _ in range(40):
        start = days(rng.randint(-40, 40))
        criteria = SearchCriteria(
            function=rng.choice(FUNCTIONS),
            languages=tuple(LanguageNeed(code, rng.choice(PROFICIENCY_LEVELS))
                            for code in rng.sample(LANGUAGES, rng.choice((0, 0, 1, 2)))),
            start_date=start if rng.random() < 0.8 else None,
            end_date=start + dt.timedelta(days=rng.randint(0, 30)) if rng.random() < 0.8 else None,
            min_readiness=rng.choice(("vetted", "ready")), country=rng.choice(("THA", "IDN", "MMR")),
            exclude_nationals=rng.random() < 0.5, min_clearance=rng.choice(CLEARANCE_LEVELS))
        if bool(criteria.start_date) != bool(criteria.end_date):
            criteria = SearchCriteria(criteria.function, criteria.languages, min_readiness=criteria.min_readiness,
                                      min_clearance=criteria.min_clearance)
        today = dt.date.today()
        rules = build_criteria(criteria, suspended_tenants=set(), today=today)
        expected = {str(expert.id) for expert in stored if first_failure(rules, expert) is None}
        matches = search(criteria)
        assert ids_of(match.expert for match in matches) == expected, criteria
        for match in matches:  # the certificate's points, worked out from the stored profile, follow the rule
            certified = qualifying_certificate(match.expert, criteria.function, criteria.ready_through(today))
            assert (part_points(match, "certificate") > 0) == (certified is not None), (criteria, match.expert.id)
        assert [match.score for match in matches] == sorted((match.score for match in matches), reverse=True)
        nonempty += bool(expected)
    assert nonempty >= 20  # the comparison was not vacuous


def test_availability_edges_touching_dates_and_open_ended_unavailability(app, client, auth_headers):
    generate_roster(2000, seed=1, base=BASE)
    cases = {
        "free": (planted("free"), True),
        "unavailable until the day before": (planted("a", unavailability=[
            Period(period_id="p", start_date=days(-30), end_date=START - dt.timedelta(days=1))]), True),
        "unavailable until the first day": (planted("b", unavailability=[
            Period(period_id="p", start_date=days(-30), end_date=START)]), False),
        "unavailable from the last day": (planted("c", unavailability=[
            Period(period_id="p", start_date=END, end_date=days(60))]), False),
        "unavailable from the day after": (planted("d", unavailability=[
            Period(period_id="p", start_date=END + dt.timedelta(days=1), end_date=days(60))]), True),
        "open-ended since long before": (planted("e", unavailability=[
            Period(period_id="p", start_date=days(-300), end_date=None)]), False),
        "open-ended from the day after": (planted("f", unavailability=[
            Period(period_id="p", start_date=END + dt.timedelta(days=1), end_date=None)]), True),
        "open-ended from the last day": (planted("g", unavailability=[
            Period(period_id="p", start_date=END, end_date=None)]), False),
        "booked, ending the day before": (planted("h", bookings=[
            Booking(deployment_id="x", start_date=days(-20), end_date=START - dt.timedelta(days=1))]), True),
        "booked, ending on the first day": (planted("i", bookings=[
            Booking(deployment_id="x", start_date=days(-20), end_date=START)]), False),
        "booked inside the window": (planted("j", bookings=[
            Booking(deployment_id="x", start_date=days(3), end_date=days(4))]), False),
        "booked, starting the day after": (planted("k", bookings=[
            Booking(deployment_id="x", start_date=END + dt.timedelta(days=1), end_date=days(40))]), True),
    }
    insert_experts([expert for expert, _ in cases.values()])
    found = search_names(client, auth_headers(tenant="THA", roles=["requesting_officer"]), function=FUNCTION,
                         language="en:professional", start_date=START.isoformat(), end_date=END.isoformat())
    outcome = {name: str(expert.id) in found for name, (expert, _) in cases.items()}
    assert outcome == {name: expected for name, (_, expected) in cases.items()}


def test_language_proficiency_is_a_minimum(app, client, auth_headers):
    generate_roster(2000, seed=2, base=BASE)
    levels = {level: planted(level, languages=[LanguageSkill(code="en", level=level)])
              for level in PROFICIENCY_LEVELS}
    no_english = planted("none", languages=[LanguageSkill(code="th", level="native")])
    insert_experts([*levels.values(), no_english])
    headers = auth_headers(tenant="THA", roles=["requesting_officer"])
    for asked, expected in (("basic", PROFICIENCY_LEVELS), ("professional", ("professional", "native")),
                            ("native", ("native",))):
        found = search_names(client, headers, function=FUNCTION, language=f"en:{asked}")
        assert {level for level, expert in levels.items() if str(expert.id) in found} == set(expected), asked
        assert str(no_english.id) not in found
    both = search_names(client, headers, function=FUNCTION, language=["en:intermediate", "th:basic"])
    assert str(no_english.id) not in both and str(levels["native"].id) not in both


def test_a_certificate_must_stay_valid_until_the_deployment_ends(app, client, auth_headers):
    generate_roster(2000, seed=3, base=BASE)

    def certified(name, **certificate):
        return planted(name, certifications=[Certification(
            certificate_id=f"C-{name}", source=certificate.pop("source", "training"), title="Course",
            function=FUNCTION, qualifies_for=[FUNCTION], **certificate)])

    cases = {
        "expires the day before the end": (certified("a", expires_on=END - dt.timedelta(days=1)), False),
        "expires on the last day": (certified("b", expires_on=END), True),
        "never expires": (certified("c", expires_on=None), True),
        "revoked": (certified("d", expires_on=None, status="revoked"), False),
        "external, not verified": (certified("e", source="external", expires_on=None), False),
        "external, verified": (certified("f", source="external", expires_on=None,
                                         verified_at=dt.datetime(2026, 1, 1)), True),
    }
    insert_experts([expert for expert, _ in cases.values()])
    headers = auth_headers(tenant="THA", roles=["requesting_officer"])
    ready = search_names(client, headers, function=FUNCTION, start_date=START.isoformat(), end_date=END.isoformat())
    assert {name: str(expert.id) in ready for name, (expert, _) in cases.items()} == \
        {name: expected for name, (_, expected) in cases.items()}
    vetted = search_names(client, headers, function=FUNCTION, start_date=START.isoformat(),
                          end_date=END.isoformat(), min_readiness="vetted")
    assert all(str(expert.id) in vetted for expert, _ in cases.values())

    day_before = cases["expires the day before the end"][0]
    explained = client.get(f"/search/explanations/{day_before.id}", headers=headers, query_string={
        "function": FUNCTION, "start_date": START.isoformat(), "end_date": END.isoformat()}).get_json()
    assert explained["matched"] is False
    assert explained["first_failure"]["criterion"] == "readiness"
    assert END.isoformat() in explained["first_failure"]["reason"]


def test_nationals_of_the_deployment_country_are_left_out_when_asked(app, client, auth_headers):
    thai, indonesian = planted("thai", nationality="THA"), planted("indonesian", nationality="IDN")
    insert_experts([thai, indonesian])
    headers = auth_headers(tenant="THA", roles=["requesting_officer"])
    assert search_names(client, headers, function=FUNCTION, country="THA", exclude_nationals="true") == \
        {str(indonesian.id)}
    assert search_names(client, headers, function=FUNCTION, country="THA") == {str(indonesian.id), str(thai.id)}


def test_results_are_ranked_summaries_with_reasons_and_no_contact_details(app, client, auth_headers):
    junior = planted("junior")
    junior.functions[0].experience_level, junior.functions[0].years = "junior", 1
    senior = planted("senior")
    senior.functions[0].experience_level, senior.functions[0].years = "senior", 15
    insert_experts([junior, senior])
    response = client.get("/search", headers=auth_headers(tenant="THA", roles=["requesting_officer"]),
                          query_string={"function": FUNCTION, "language": "en", "page_size": 1})
    assert json.loads(response.headers["X-Pagination"])["total"] == 2
    [first] = response.get_json()
    assert first["expert_id"] == str(senior.id)
    assert first["nominating_tenant"] == "IDN" and first["readiness_for_need"]["level"] == "ready"
    assert "Offers the function 'border_management', vetted by the roster office" in first["reasons"]
    assert not {"full_name", "email", "phone", "user_id"} & set(first)


def test_explaining_a_matching_expert_lists_every_reason(app, client, auth_headers):
    expert = planted("match")
    insert_experts([expert])
    explained = client.get(f"/search/explanations/{expert.id}",
                           headers=auth_headers(tenant="THA", roles=["requesting_officer"]),
                           query_string={"function": FUNCTION, "language": "en:professional",
                                         "start_date": START.isoformat(), "end_date": END.isoformat(),
                                         "country": "THA", "exclude_nationals": "true"}).get_json()
    assert explained["matched"] is True and explained["first_failure"] is None
    assert len(explained["reasons"]) == 6
    unknown = client.get(f"/search/explanations/{ObjectId()}", query_string={"function": FUNCTION},
                         headers=auth_headers(tenant="THA", roles=["requesting_officer"]))
    assert unknown.status_code == 404


def test_a_search_finds_an_expert_by_the_functions_and_languages_of_the_last_edit(roster, client):
    expert_id = roster.ready_expert("IDN")["expert_id"]
    headers = roster.requester("THA")

    def found(function: str, language: str | None = None) -> bool:
        return expert_id in search_names(client, headers, function=function, language=language or [],
                                         min_readiness="vetted")

    assert found("border_management", "en:professional")
    edited = client.patch(f"/experts/{expert_id}", headers=roster.nominator("IDN"), json={
        "languages": [{"code": "th", "level": "native"}],
        "functions": [{"code": "interpretation_translation", "experience_level": "senior", "years": 8}]})
    assert edited.status_code == 200, edited.get_json()
    vetted = client.post(f"/experts/{expert_id}/functions/interpretation_translation/vetting",
                         json={"comment": "Checked"}, headers=roster.office())
    assert vetted.status_code == 200, vetted.get_json()
    assert not found("border_management") and not found("interpretation_translation", "en:basic")
    assert found("interpretation_translation", "th:professional")


def test_a_profile_stored_before_function_languages_existed_is_found_once_indexes_are_ensured(app, client,
                                                                                               auth_headers):
    older = planted("older")
    insert_experts([older])
    Expert._get_collection().update_one({"_id": older.id}, {"$unset": {"function_languages": ""},
                                                           "$set": {"spoken_levels": ["en:basic"]}})
    headers = auth_headers(tenant="THA", roles=["requesting_officer"])
    assert str(older.id) not in search_names(client, headers, function=FUNCTION, language="en:basic")
    assert Expert.ensure_derived_fields() == 1
    assert Expert.ensure_derived_fields() == 0  # safe to run at every release
    assert str(older.id) in search_names(client, headers, function=FUNCTION, language="en:basic")
    stored = Expert._get_collection().find_one({"_id": older.id})
    assert "spoken_levels" not in stored
    assert stored["function_languages"] == [f"{function.code}|en:professional" for function in older.functions]
