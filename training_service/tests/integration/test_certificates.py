"""Certificates: expiry job exactly once, reminders 30 days ahead, renewal, revocation, printable page, CLI."""

import datetime as dt
import os
import subprocess
import sys
import threading

import pytest
from pymongo.uri_parser import parse_uri

from chassis.tenant_status import KnownTenant
from chassis.testing.events import emitted, wait_until
from chassis.testing.faults import TcpProxy
from training_service.certificates import expiry
from training_service.certificates.models import Certificate
from training_service.commands import add_parsers, certificate_expiry
from training_service.tests.builders import build_course, complete_course, ok, stored_certificate

pytestmark = pytest.mark.integration
TODAY = dt.date(2030, 6, 1)


def test_a_certificate_past_expiry_expires_once_even_if_the_job_runs_twice(app):
    past = stored_certificate(TODAY - dt.timedelta(days=1))
    due_today = stored_certificate(TODAY)
    stored_certificate(TODAY + dt.timedelta(days=200))
    stored_certificate(None)

    assert expiry.run(TODAY).expired == 2
    assert expiry.run(TODAY).expired == 0
    assert {c.id for c in Certificate.across_tenants("test").filter(status="expired")} == {past.id, due_today.id}
    events = emitted("training.certificate.expired")
    assert sorted(event["data"]["certificate_id"] for event in events) == sorted([str(past.id), str(due_today.id)])
    assert {event["data"]["status"] for event in events} == {"expired"}
    assert {event["tenantid"] for event in events} == {"THA"}
    assert Certificate.across_tenants("test").get(id=past.id).history[-1].to_state == "expired"


def test_concurrent_runs_of_the_job_expire_each_certificate_once(app):
    due = [stored_certificate(TODAY - dt.timedelta(days=n)) for n in range(1, 9)]
    start = threading.Barrier(4)
    counts = []

    def run_job():
        start.wait()
        counts.append(expiry.run(TODAY).expired)

    threads = [threading.Thread(target=run_job) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert sum(counts) == len(due)
    assert sorted(event["data"]["certificate_id"] for event in emitted("training.certificate.expired")) == sorted(
        str(certificate.id) for certificate in due)


def test_the_reminder_goes_out_once_30_days_before_expiry(app):
    in_30_days = stored_certificate(TODAY + dt.timedelta(days=30))
    in_31_days = stored_certificate(TODAY + dt.timedelta(days=31))
    assert expiry.run(TODAY).reminded == 1
    assert expiry.run(TODAY).reminded == 0
    assert expiry.run(TODAY + dt.timedelta(days=1)).reminded == 1
    assert expiry.run(TODAY + dt.timedelta(days=2)).reminded == 0
    reminder, later = emitted("training.certificate.expiring")
    assert (reminder["data"]["certificate_id"], later["data"]["certificate_id"]) == (
        str(in_30_days.id), str(in_31_days.id))
    assert reminder["data"]["expires_on"] == (TODAY + dt.timedelta(days=30)).isoformat()
    assert reminder["data"]["status"] == "valid"


def test_the_certificate_names_the_organisation_that_ran_the_course_everywhere(client, actors):
    KnownTenant.objects(code="IOM").update_one(set__name="International Organization for Migration")
    built = build_course(client, actors.coordinator("IOM"))
    trainee = actors.trainee("THA")
    enrolment = ok(client.post(f"/sessions/{built.session_id}/enrolments", headers=trainee), 201)
    certificate_id = complete_course(client, trainee, built, enrolment["id"])["certificate_id"]
    name = "International Organization for Migration"

    certificate = ok(client.get(f"/certificates/{certificate_id}", headers=trainee))
    assert (certificate["provider"], certificate["issuer"]) == ("IOM", name)
    assert ok(client.get(f"/public/certificates/{certificate['verification_code']}"))["issuer"] == name
    page = client.get(f"/public/certificates/{certificate['verification_code']}/printable").get_data(as_text=True)
    assert name in page
    [issued] = emitted("training.certificate.issued")
    assert issued["data"]["issuer"] == {"tenant": "IOM", "name": name}

    KnownTenant.objects(code="IOM").update_one(set__name="IOM renamed later")
    assert ok(client.get(f"/certificates/{certificate_id}", headers=trainee))["issuer"] == name  # as issued


def test_the_reminder_carries_what_a_notification_to_the_holder_needs(client, actors, settings):
    built = build_course(client, actors.coordinator("IOM"))
    trainee = actors.trainee("THA")
    enrolment = ok(client.post(f"/sessions/{built.session_id}/enrolments", headers=trainee), 201)
    certificate_id = complete_course(client, trainee, built, enrolment["id"])["certificate_id"]
    certificate = ok(client.get(f"/certificates/{certificate_id}", headers=trainee))
    expires_on = dt.date.fromisoformat(certificate["expires_on"])
    assert expiry.run(expires_on - dt.timedelta(days=10)).reminded == 1

    [reminder] = emitted("training.certificate.expiring")
    data = reminder["data"]
    assert data["holder"] == {"user_id": "user-trainee1-THA", "email": "trainee1-tha@tha.example.org",
                              "name": "Trainee1 Tha", "tenant": "THA", "expert_id": None}
    assert (data["course_id"], data["course_code"], data["course_title"]) == (
        built.course_id, "RSD-101", "Course RSD-101")
    assert data["issuer"] == {"tenant": "IOM", "name": certificate["issuer"]}
    assert (data["certificate_id"], data["expires_on"]) == (certificate["id"], certificate["expires_on"])
    assert data["verification_url"] == (f"{settings.oauth_issuer}/api/training/public/certificates/"
                                        f"{certificate['verification_code']}")
    assert reminder["tenantid"] == "THA"


def test_a_renewed_certificate_gets_no_reminder_but_still_expires(app):
    old = stored_certificate(TODAY + dt.timedelta(days=10))
    stored_certificate(TODAY + dt.timedelta(days=375), renews=old.id)
    assert expiry.run(TODAY).reminded == 0
    assert emitted("training.certificate.expiring") == []
    assert expiry.run(TODAY + dt.timedelta(days=10)).expired == 1


def test_revoked_certificates_do_not_expire(app):
    stored_certificate(TODAY - dt.timedelta(days=3), status="revoked", reason="fraud")
    assert expiry.run(TODAY).expired == 0


def test_the_command_runs_the_job_once(app, settings, capsys):
    import argparse

    stored_certificate(TODAY - dt.timedelta(days=1))
    parser = argparse.ArgumentParser()
    add_parsers(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["certificate-expiry", "--on", TODAY.isoformat()])
    assert certificate_expiry(settings, args) == 0
    assert certificate_expiry(settings, args) == 0
    assert capsys.readouterr().out.splitlines() == ["expired 1, reminded 0", "expired 0, reminded 0"]
    assert len(emitted("training.certificate.expired")) == 1


def test_the_public_check_says_expired_on_the_expiry_date_before_the_job_runs(client, app):
    certificate = stored_certificate(dt.date.today())
    assert ok(client.get(f"/public/certificates/{certificate.verification_code}"))["status"] == "expired"


def test_renewal_by_completing_again_issues_a_new_certificate(client, actors):
    provider, trainee = actors.coordinator(), actors.trainee()
    built = build_course(client, provider)
    first_enrolment = ok(client.post(f"/sessions/{built.session_id}/enrolments", headers=trainee), 201)
    first = complete_course(client, trainee, built, first_enrolment["id"])["certificate_id"]

    again = ok(client.post(f"/sessions/{built.session_id}/enrolments", headers=trainee), 201)
    second = complete_course(client, trainee, built, again["id"])["certificate_id"]
    assert second != first
    renewed = ok(client.get(f"/certificates/{second}", headers=trainee))
    assert renewed["renews"] == first and renewed["status"] == "valid"
    assert {c["id"] for c in ok(client.get("/me/certificates", headers=trainee))} == {first, second}
    assert len(emitted("training.certificate.issued")) == 2


def test_only_the_issuing_provider_revokes_with_a_reason(client, actors):
    provider, trainee = actors.coordinator(), actors.trainee()
    built = build_course(client, provider)
    enrolment = ok(client.post(f"/sessions/{built.session_id}/enrolments", headers=trainee), 201)
    certificate_id = complete_course(client, trainee, built, enrolment["id"])["certificate_id"]

    no_reason = client.post(f"/certificates/{certificate_id}/revoke", json={}, headers=provider)
    assert no_reason.status_code == 422 and no_reason.get_json()["errors"][0]["field"] == "reason"
    holder_side = client.post(f"/certificates/{certificate_id}/revoke", json={"reason": "we say so"},
                              headers=actors.coordinator("THA"))
    assert holder_side.status_code == 404
    assert Certificate.across_tenants("test").get(id=certificate_id).status == "valid"
    ok(client.post(f"/certificates/{certificate_id}/revoke", json={"reason": "Exam misconduct"}, headers=provider))
    twice = client.post(f"/certificates/{certificate_id}/revoke", json={"reason": "again"}, headers=provider)
    assert twice.status_code == 409 and twice.get_json()["current_state"] == "revoked"
    assert len(emitted("training.certificate.revoked")) == 1


def test_printable_certificate_is_html_with_the_verification_link(client, app):
    certificate = stored_certificate(dt.date.today() + dt.timedelta(days=100))
    certificate.holder.name = "Ana <script>alert(1)</script> Lim"
    certificate.save()
    page = client.get(f"/public/certificates/{certificate.verification_code}/printable")
    assert page.status_code == 200 and page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    assert "&lt;script&gt;" in html and "<script>" not in html
    assert f"/public/certificates/{certificate.verification_code}" in html
    assert "Refugee status determination" in html


def test_coordinators_list_held_and_issued_certificates(client, actors):
    provider, trainee = actors.coordinator(), actors.trainee()
    built = build_course(client, provider)
    enrolment = ok(client.post(f"/sessions/{built.session_id}/enrolments", headers=trainee), 201)
    certificate_id = complete_course(client, trainee, built, enrolment["id"])["certificate_id"]
    held = ok(client.get("/certificates", headers=actors.coordinator("THA")))
    issued = ok(client.get("/certificates?scope=issued", headers=provider))
    assert [c["id"] for c in held] == [certificate_id] == [c["id"] for c in issued]
    assert ok(client.get("/certificates", headers=provider)) == []
    assert ok(client.get("/certificates?scope=issued", headers=actors.coordinator("THA"))) == []
    bad = client.get("/certificates?scope=everything", headers=provider)
    assert bad.status_code == 422 and bad.get_json()["errors"][0]["location"] == "query"


def test_the_command_with_every_repeats_until_sigterm(app, settings):
    certificate = stored_certificate(dt.date.today() - dt.timedelta(days=1))
    environment = {**os.environ, "MONGODB_URI": settings.mongodb_uri, "MONGODB_DATABASE": settings.mongodb_database,
                   "LOG_JSON": "false", "LOG_LEVEL": "WARNING"}
    job = subprocess.Popen([sys.executable, "-m", "training_service", "certificate-expiry", "--every", "0.2"],
                           env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        wait_until(lambda: Certificate.across_tenants("test").get(id=certificate.id).status == "expired",
                   timeout=60, message="the looping job to expire the certificate")
        stored_certificate(dt.date.today() - dt.timedelta(days=2), email="ben@tha.example.org")
        wait_until(lambda: len(emitted("training.certificate.expired")) == 2, timeout=30,
                   message="the next round to expire the second certificate")
    finally:
        job.terminate()
        output = job.communicate(timeout=30)[0].decode()
    assert job.returncode == 0, output
    assert len(emitted("training.certificate.expired")) == 2



def test_the_looping_job_survives_the_database_going_away_at_its_tick_and_carries_on_when_it_is_back(
        app, settings, tmp_path):
    """The job reaches the database through a proxy this test cuts before the first tick (docs/adr/0071)."""
    certificate = stored_certificate(dt.date.today() - dt.timedelta(days=1))
    log_path = tmp_path / "job.log"
    with TcpProxy(parse_uri(settings.mongodb_uri)["nodelist"][0]) as database, open(log_path, "wb") as log:
        database.cut()
        environment = {**os.environ, "MONGODB_URI": f"mongodb://127.0.0.1:{database.port}/?directConnection=true",
                       "MONGODB_DATABASE": settings.mongodb_database, "MONGODB_TIMEOUT_MS": "300",
                       "LOG_JSON": "false", "LOG_LEVEL": "WARNING"}
        job = subprocess.Popen([sys.executable, "-m", "training_service", "certificate-expiry", "--every", "3600"],
                               env=environment, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
        try:
            wait_until(lambda: "database unavailable" in log_path.read_text() or job.poll() is not None, timeout=60,
                       message="the job's first tick against the cut database")
            assert job.poll() is None, f"the job ended when the database went away:\n{log_path.read_text()}"
            database.restore()
            wait_until(lambda: Certificate.across_tenants("test").get(id=certificate.id).status == "expired",
                       timeout=60, message="the job to expire the certificate once the database is back")
            assert job.poll() is None, log_path.read_text()
        finally:
            job.terminate()
            job.wait(30)
    assert job.returncode == 0, log_path.read_text()
    assert "Traceback" not in log_path.read_text()


def test_the_holder_is_reminded_again_7_days_before_and_only_once_when_first_found_that_close(app):
    in_30_days = stored_certificate(TODAY + dt.timedelta(days=30))
    in_5_days = stored_certificate(TODAY + dt.timedelta(days=5))
    assert expiry.run(TODAY).reminded == 2
    assert expiry.run(TODAY + dt.timedelta(days=22)).reminded == 0
    assert expiry.run(TODAY + dt.timedelta(days=23)).reminded == 1
    assert expiry.run(TODAY + dt.timedelta(days=24)).reminded == 0
    assert [(event["data"]["certificate_id"], event["data"]["reminder_days"])
            for event in emitted("training.certificate.expiring")] == [
        (str(in_5_days.id), 7), (str(in_30_days.id), 30), (str(in_30_days.id), 7)]
