"""The roster's rules as pure functions: readiness, request roll-up, certificate status, overlaps, identity."""

import datetime as dt

import pytest

from chassis.auth import Principal
from roster_service.access import is_person
from roster_service.certificates.service import later_status, qualifies_for
from roster_service.deployments.service import rolled_up_status
from roster_service.experts.models import Certification, Expert, FunctionExperience
from roster_service.experts.readiness import readiness
from roster_service.search.criteria import overlaps

TODAY = dt.date(2027, 3, 1)


def expert(status="active", certificates=()):
    return Expert(tenant="IDN", status=status, vetted_at=dt.datetime(2027, 1, 5, tzinfo=dt.UTC),
                  functions=[FunctionExperience(code="border_management", experience_level="senior", years=5)],
                  certifications=list(certificates))


def certificate(**fields):
    values = {"certificate_id": "C1", "source": "training", "title": "Border course",
              "qualifies_for": ["border_management"], "expires_on": dt.date(2027, 6, 30), **fields}
    return Certification(**values)


@pytest.mark.parametrize(("status", "certificates", "through", "level"), [
    ("nominated", [certificate()], TODAY, "not_ready"),
    ("suspended", [certificate()], TODAY, "not_ready"),
    ("active", [], TODAY, "vetted"),
    ("inactive", [certificate()], TODAY, "ready"),
    ("active", [certificate()], dt.date(2027, 6, 30), "ready"),
    ("active", [certificate()], dt.date(2027, 7, 1), "vetted"),
    ("active", [certificate(status="revoked")], TODAY, "vetted"),
    ("active", [certificate(source="external")], TODAY, "vetted"),
    ("active", [certificate(source="external", verified_at=dt.datetime(2027, 1, 1))], TODAY, "ready"),
    ("active", [certificate(qualifies_for=["age_determination"])], TODAY, "vetted"),
])
def test_readiness_follows_vetting_and_valid_certificates(status, certificates, through, level):
    assert readiness(expert(status, certificates), "border_management", through=through).level == level


def test_readiness_explains_itself():
    ready = readiness(expert(certificates=[certificate()]), "border_management", through=TODAY)
    assert ready.explanation == ("Vetted on 2027-01-05; certificate C1 'Border course' qualifies for "
                                 "'border_management', valid until 2027-06-30")
    missing = readiness(expert(), "border_management", through=TODAY)
    assert "no valid certificate" in missing.explanation
    assert readiness(expert(), "age_determination", through=TODAY).level == "not_ready"


@pytest.mark.parametrize(("current", "states", "places", "expected"), [
    ("under_review", ["offered"], 1, "offered"),
    ("offered", ["declined"], 1, "under_review"),
    ("offered", ["accepted"], 1, "accepted"),
    ("offered", ["accepted", "offered"], 2, "offered"),
    ("offered", ["accepted", "accepted"], 2, "accepted"),
    ("accepted", ["deployed", "accepted"], 2, "accepted"),
    ("accepted", ["deployed", "deployed"], 2, "deployed"),
    ("accepted", ["cancelled"], 1, "under_review"),
    ("deployed", ["completed", "deployed"], 2, "deployed"),
    ("deployed", ["completed", "cancelled"], 2, "completed"),
    ("withdrawn", ["cancelled"], 1, "withdrawn"),
])
def test_a_request_follows_its_deployments(current, states, places, expected):
    assert rolled_up_status(current, states, places) == expected


def test_certificate_status_only_moves_forward():
    assert later_status(None, "valid") == "valid"
    assert later_status("revoked", "valid") == "revoked"
    assert later_status("expired", "revoked") == "revoked"
    assert later_status("expired", "valid") == "expired"


def test_a_certificate_qualifies_for_its_function_and_for_functions_listing_its_course():
    courses = {"border_management": {"BM-1"}, "age_determination": set(), "interview_techniques": {"BM-1"}}
    assert qualifies_for("age_determination", "BM-1", courses) == [
        "age_determination", "border_management", "interview_techniques"]
    assert qualifies_for("unknown_function", None, courses) == []


@pytest.mark.parametrize(("period", "expected"), [
    ((dt.date(2027, 1, 1), dt.date(2027, 1, 9)), False),   # ends the day before
    ((dt.date(2027, 1, 1), dt.date(2027, 1, 10)), True),   # ends on the first day
    ((dt.date(2027, 1, 20), dt.date(2027, 1, 30)), True),  # starts on the last day
    ((dt.date(2027, 1, 21), None), False),                 # open-ended, from the day after
    ((dt.date(2026, 1, 1), None), True),                   # open-ended, from long before
])
def test_periods_include_both_ends(period, expected):
    assert overlaps(*period, dt.date(2027, 1, 10), dt.date(2027, 1, 20)) is expected


def test_an_expert_is_recognised_by_user_id_or_by_e_mail_within_the_own_tenant():
    def caller(tenant, sub="u-1", email=None, roles=("expert",)):
        return Principal(sub=sub, tenant=tenant, roles=frozenset(roles), scopes=frozenset(), email=email)

    assert is_person(caller("IDN"), user_id="u-1", email=None, tenant="IDN")
    assert is_person(caller("IDN", sub="x", email="A@b.org"), user_id=None, email="a@b.org", tenant="IDN")
    assert not is_person(caller("THA", sub="x", email="a@b.org"), user_id=None, email="a@b.org", tenant="IDN")
    assert not is_person(caller("IDN", roles=("tenant_admin",)), user_id="u-1", email=None, tenant="IDN")
