"""Reports per course (its provider) and per tenant (its own people; any tenant for the RSO's admins)."""

import datetime as dt

import pytest
from bson import ObjectId

from training_service.certificates.models import Certificate
from training_service.tests.builders import build_course, complete_course, ok, scheduled, stored_certificate

pytestmark = pytest.mark.integration


@pytest.fixture
def cohort(client, actors):
    """THA: one passed, one in progress, one withdrawn; IDN: one not started, one waitlisted."""
    provider = actors.coordinator("IOM")
    built = build_course(client, provider, session=scheduled(capacity=3))

    def enrol(tenant, number):
        return ok(client.post(f"/sessions/{built.session_id}/enrolments", headers=actors.trainee(tenant, number)), 201)

    passed = enrol("THA", 1)
    complete_course(client, actors.trainee("THA", 1), built, passed["id"])
    started = enrol("THA", 2)
    ok(client.post(f"/enrolments/{started['id']}/progress", json={"item_id": built.lesson_id},
                   headers=actors.trainee("THA", 2)))
    withdrawn = enrol("THA", 3)
    ok(client.post(f"/enrolments/{withdrawn['id']}/withdraw", json={}, headers=actors.trainee("THA", 3)))
    enrol("IDN", 1)
    enrol("IDN", 2)
    today = dt.date.today()
    for expires_on, status in [(today + dt.timedelta(days=10), "valid"), (today - dt.timedelta(days=1), "valid"),
                               (today - dt.timedelta(days=9), "expired"), (None, "revoked")]:
        stored_certificate(expires_on, status=status, course_id=ObjectId(built.course_id), provider_tenant="IOM")
    return built


def test_course_report_counts_enrolments_completion_pass_rate_and_certificates(client, actors, cohort):
    report = ok(client.get(f"/reports/courses/{cohort.course_id}", headers=actors.coordinator("IOM")))
    assert report["enrolments"] == {"enrolled": 3, "not_started": 1, "in_progress": 1, "completed": 1, "passed": 1,
                                    "pass_rate": 1.0, "pending_approval": 0, "waitlisted": 1, "withdrawn": 1,
                                    "rejected": 0}
    assert report["certificates"] == {"valid": 2, "expiring": 1, "expired": 2, "revoked": 1}
    by_tenant = {row["tenant"]: row["enrolments"] for row in report["by_tenant"]}
    assert (by_tenant["THA"]["completed"], by_tenant["THA"]["in_progress"], by_tenant["THA"]["withdrawn"]) == (1, 1, 1)
    assert (by_tenant["IDN"]["enrolled"], by_tenant["IDN"]["waitlisted"]) == (1, 1)
    assert ok(client.get(f"/reports/courses/{cohort.course_id}", headers=actors.person("IOM", "auditor", name="a")))


def test_tenant_report_counts_its_own_people_only(client, actors, cohort):
    report = ok(client.get("/reports/tenants/THA", headers=actors.coordinator("THA")))
    assert report["enrolments"]["enrolled"] == 2 and report["enrolments"]["completed"] == 1
    assert report["enrolments"]["waitlisted"] == 0
    [course] = report["by_course"]
    assert course["course"]["id"] == cohort.course_id and course["course"]["provider"] == "IOM"
    held = Certificate.across_tenants("test").filter(tenant="THA").count()
    assert sum(report["certificates"].values()) - report["certificates"]["expiring"] == held
    idn = ok(client.get("/reports/tenants/IDN", headers=actors.coordinator("IDN")))
    assert (idn["enrolments"]["enrolled"], idn["enrolments"]["waitlisted"]) == (1, 1)


def test_reports_of_other_tenants_are_hidden_except_to_the_rsos_platform_admins(client, actors, cohort):
    assert client.get("/reports/tenants/THA", headers=actors.coordinator("IDN")).status_code == 404
    assert client.get(f"/reports/courses/{cohort.course_id}", headers=actors.coordinator("THA")).status_code == 404
    assert client.get("/reports/tenants/THA",
                      headers=actors.person("IDN", "platform_admin", name="idn-admin")).status_code == 404
    rso_admin = actors.person("RSO", "platform_admin", name="rso-admin")
    assert ok(client.get("/reports/tenants/THA", headers=rso_admin))["enrolments"]["enrolled"] == 2
    assert client.get("/reports/tenants/THA", headers=actors.trainee("THA")).status_code == 403
