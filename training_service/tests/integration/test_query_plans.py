"""Every query the training service's API makes on a collection that grows is served by an index (`explain` on
the server; docs/indexes.md lists them)."""

import mongoengine
import pytest

from chassis.testing.query_plans import collection_scans, plans, recorded_queries
from training_service.tests.builders import build_course, complete_course, ok

pytestmark = pytest.mark.integration

BOUNDED: dict[str, str] = {}


def test_the_training_lists_reports_and_certificates_are_served_by_indexes(client, actors):
    coordinator, trainee = actors.coordinator("IOM"), actors.trainee("THA")
    built = build_course(client, coordinator)
    enrolment = ok(client.post(f"/sessions/{built.session_id}/enrolments", headers=trainee), 201)
    certificate_id = complete_course(client, trainee, built, enrolment["id"])["certificate_id"]
    code = ok(client.get(f"/certificates/{certificate_id}", headers=trainee))["verification_code"]
    calls = [
        (coordinator, "/modules"), (coordinator, "/assessments"), (coordinator, "/courses"), (trainee, "/courses"),
        (coordinator, f"/courses/{built.course_id}"),
        (coordinator, f"/courses/{built.course_id}/sessions"), (coordinator, f"/sessions/{built.session_id}"),
        (coordinator, f"/sessions/{built.session_id}/enrolments"), (coordinator, "/enrolments"),
        (trainee, "/me/enrolments"), (trainee, f"/enrolments/{enrolment['id']}"),
        (trainee, f"/enrolments/{enrolment['id']}/content"),
        (coordinator, "/certificates"), (trainee, "/me/certificates"), (trainee, f"/certificates/{certificate_id}"),
        (None, f"/public/certificates/{code}"),
        (coordinator, "/recommendations"), (trainee, "/me/recommendations"),
        (coordinator, f"/reports/courses/{built.course_id}"), (actors.coordinator("THA"), "/reports/tenants/THA"),
    ]
    with recorded_queries() as queries:
        for headers, path in calls:
            response = client.get(path, headers=headers or {})
            assert response.status_code == 200, (path, response.get_json())

    database = mongoengine.get_db()
    assert {plan.query.collection for plan in plans(queries, database.client)} >= {
        "courses", "enrolments", "certificates"}
    scans = [str(plan) for plan in collection_scans(queries, database.client, BOUNDED)]
    assert not scans, "\n".join(scans)
