"""Bulk CSV enrolment: a per-row report; good rows enrolled, bad rows reported with reasons, none stop the rest."""

import io

import pytest

from chassis.testing.events import emitted
from training_service.enrolments.models import Enrolment
from training_service.tests.builders import build_course, ok, scheduled

pytestmark = pytest.mark.integration

CSV = (
    "Email,Name,user_id\n"
    "ana@tha.example.org,Ana Lim,u-ana\n"
    "not-an-email,Bad Mail,\n"
    "ben@tha.example.org,,\n"
    "chai@tha.example.org,Chai Wong,\n"
    "ANA@tha.example.org,Ana Again,\n"
    "dao@tha.example.org,Dao Nguyen,\n"
)


def test_good_rows_are_enrolled_bad_rows_reported_with_reasons(client, actors):
    provider = actors.coordinator()
    earlier = build_course(client, provider, code="EARLIER")
    for person in ("ana", "chai"):  # they have used training: it knows their accounts
        ok(client.post(f"/sessions/{earlier.session_id}/enrolments", headers=actors.person("THA", "trainee",
                                                                                           name=person)), 201)
    built = build_course(client, provider, session=scheduled(capacity=2))
    report = ok(client.post(f"/sessions/{built.session_id}/enrolments/bulk", data=CSV,
                            content_type="text/csv", headers=actors.coordinator("THA")))
    rows = {row["row"]: row for row in report["rows"]}
    assert [rows[n]["outcome"] for n in range(1, 7)] == [
        "enrolled", "failed", "failed", "enrolled", "failed", "invited"]
    assert rows[6]["status"] == "waitlisted"  # dao has a place on the waitlist, and no account training knows
    assert rows[2]["errors"][0]["field"] == "email"
    assert rows[3]["errors"][0]["field"] == "name"
    assert rows[5]["errors"][0]["message"] == "Already enrolled in this session"
    assert report["totals"] == {"enrolled": 2, "failed": 3, "invited": 1}

    enrolled = Enrolment.across_tenants("test").filter(session_id=built.session_id)
    assert sorted(e.trainee.email for e in enrolled) == [
        "ana@tha.example.org", "chai@tha.example.org", "dao@tha.example.org"]
    assert {e.tenant for e in enrolled} == {"THA"} and {e.source for e in enrolled} == {"bulk"}
    ana = enrolled.get(trainee__email="ana@tha.example.org").trainee
    assert (ana.user_id, ana.name) == ("user-ana", "Ana")  # her account's, not the file's "u-ana", "Ana Lim"
    assert enrolled.get(trainee__email="dao@tha.example.org").trainee.user_id is None
    assert len(emitted("training.enrolment.created")) == 2 + 3


def test_multipart_upload_works_the_same(client, actors):
    built = build_course(client, actors.coordinator())
    upload = {"file": (io.BytesIO(b"email,name\nana@tha.example.org,Ana Lim\n"), "people.csv")}
    report = ok(client.post(f"/sessions/{built.session_id}/enrolments/bulk", data=upload,
                            content_type="multipart/form-data", headers=actors.coordinator("THA")))
    assert report["totals"] == {"invited": 1}


@pytest.mark.parametrize(("body", "field"), [
    (b"mail,fullname\nana@tha.example.org,Ana\n", "file"),
    (b"email,name\n", "file"),
    ("email,name\nana@tha.example.org,Ana\u00efs\n".encode("latin-1"), "file"),
])
def test_an_unreadable_file_is_422_and_enrols_nobody(client, actors, body, field):
    built = build_course(client, actors.coordinator())
    response = client.post(f"/sessions/{built.session_id}/enrolments/bulk", data=body, content_type="text/csv",
                           headers=actors.coordinator("THA"))
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    assert [row["field"] for row in response.get_json()["errors"]] == [field]
    assert Enrolment.across_tenants("test").count() == 0


def test_multipart_without_the_file_field_is_422(client, actors):
    built = build_course(client, actors.coordinator())
    response = client.post(f"/sessions/{built.session_id}/enrolments/bulk", data={"other": "x"},
                           content_type="multipart/form-data", headers=actors.coordinator("THA"))
    assert response.status_code == 422


def test_a_json_body_is_415(client, actors):
    built = build_course(client, actors.coordinator())
    response = client.post(f"/sessions/{built.session_id}/enrolments/bulk", json=[{"email": "a@b.org"}],
                           headers=actors.coordinator("THA"))
    assert response.status_code == 415
    assert response.get_json()["accepted_media_types"] == ["multipart/form-data", "text/csv"]


def test_bulk_enrolment_needs_a_coordinator(client, actors):
    built = build_course(client, actors.coordinator())
    response = client.post(f"/sessions/{built.session_id}/enrolments/bulk", data=CSV, content_type="text/csv",
                           headers=actors.trainee())
    assert response.status_code == 403
