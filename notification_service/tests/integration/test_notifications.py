"""Who is told about what, and a person's own notifications in the portal (tenant- and person-scoped)."""

from __future__ import annotations

import pytest

from chassis.testing.events import deliver, envelope
from notification_service.mail.models import PendingMail
from notification_service.notifications.models import Notification
from notification_service.subscriptions import subscriptions
from notification_service.tests.conftest import deployment, person


def _known(*people):
    for someone in people:
        deliver(subscriptions, someone)
    return people


def _mailed_to() -> list[str]:
    return sorted(mail.to for mail in PendingMail.objects)


@pytest.fixture
def offices(app):
    """A requesting officer in THA and in MYS, the roster office (RSO roster manager), a THA case officer."""
    return dict(zip(("tha", "mys", "office", "tha_cases"), _known(
        person("tha-officer", tenant="THA", roles=["requesting_officer"], language="th"),
        person("mys-officer", tenant="MYS", roles=["requesting_officer"]),
        person("rso-officer", tenant="RSO", roles=["roster_manager"]),
        person("tha-cases", tenant="THA", roles=["case_officer"]),
    ), strict=True))


def test_an_accepted_or_declined_offer_tells_the_requesters_and_the_roster_office(offices):
    deliver(subscriptions, deployment(event_type="roster.deployment.accepted", requesting_tenant="THA"))
    assert _mailed_to() == ["rso-officer@example.org", "tha-officer@example.org"]

    PendingMail.objects.delete()
    deliver(subscriptions, deployment(event_type="roster.deployment.cancelled", status="declined", reason="busy"))
    deliver(subscriptions, deployment(event_type="roster.deployment.cancelled", status="cancelled", reason="x"))
    assert _mailed_to() == ["rso-officer@example.org", "tha-officer@example.org"]
    assert {mail.language for mail in PendingMail.objects(to="tha-officer@example.org")} == {"th"}


def test_a_case_shared_tells_the_case_officers_of_that_state_only_and_quotes_nothing(offices):
    deliver(subscriptions, envelope("joint_action.case.shared", {
        "case_id": "case-1", "jpa_id": None, "lead_tenant": "IDN", "tenant": "THA", "permission": "contribute"},
        tenant="IDN"))
    [mail] = PendingMail.objects
    assert mail.to == "tha-cases@example.org" and "https://portal.example.org/cases/case-1" in mail.text


def test_a_certificate_expiring_reaches_its_holder_by_account_or_address(app):
    [holder] = _known(person(language="id"))
    certificate = {
        "certificate_id": "c1", "verification_code": "ABC",
        "verification_url": "https://rso.example.org/api/training/public/certificates/ABC",
        "course_code": "VOT-101", "course_title": "Victim identification", "issuer": {"tenant": "IOM", "name": "IOM"},
        "expires_on": "2027-01-31", "holder": {"user_id": holder["data"]["user_id"], "email": "old@example.org",
                                               "name": "S", "tenant": "IDN"}}
    deliver(subscriptions, envelope("training.certificate.expiring", certificate, tenant="IOM"))
    deliver(subscriptions, envelope("training.certificate.revoked", {
        **certificate, "holder": {"user_id": None, "email": "Nomad@Example.org", "name": "N", "tenant": "PHL"}},
        tenant="IOM"))

    expiring, revoked = PendingMail.objects.order_by("created_at")
    assert (expiring.to, expiring.language) == (holder["data"]["email"], "id")
    assert expiring.subject == "Sertifikat Anda VOT-101 berakhir pada 2027-01-31"
    assert "https://portal.example.org/verify/ABC" in expiring.text
    assert (revoked.to, revoked.language, revoked.kind) == ("Nomad@Example.org", "en", "certificate_revoked")
    assert Notification.across_tenants("test").count() == 1  # an address alone gets no portal notification


def test_a_suspended_tenant_tells_its_admins_and_a_deactivated_person_hears_nothing(app):
    admin, gone = _known(person(tenant="MYS", roles=["tenant_admin"]), person(tenant="MYS", roles=["tenant_admin"]))
    deliver(subscriptions, envelope("identity.user.deactivated", {"tenant": "MYS", "user_id": gone["data"]["user_id"]},
                                    tenant="MYS"))
    deliver(subscriptions, envelope("identity.tenant.suspended", {"tenant": "MYS", "reason": "audit"}, tenant="RSO"))
    assert _mailed_to() == [admin["data"]["email"]]


def test_a_person_changed_at_the_gateway_is_written_to_in_their_new_language(app):
    [trainee] = _known(person(tenant="THA", roles=["trainee"], language="th"))
    deliver(subscriptions, envelope("identity.user.updated", {**trainee["data"], "preferred_language": "id"},
                                    tenant="THA"))
    deliver(subscriptions, envelope("training.enrolment.promoted", {
        "enrolment_id": "e1", "session_id": "s1", "course_id": "c1", "status": "enrolled",
        "trainee": {"user_id": trainee["data"]["user_id"], "email": None, "name": "T", "tenant": "THA"}},
        tenant="IOM"))
    assert [mail.language for mail in PendingMail.objects] == ["id"]


def test_enrolment_steps_tell_the_trainee(app):
    [trainee] = _known(person(tenant="THA", roles=["trainee"]))
    data = {"enrolment_id": "e1", "session_id": "s1", "course_id": "c1", "trainee": {
        "user_id": trainee["data"]["user_id"], "email": trainee["data"]["email"], "name": "T", "tenant": "THA"}}
    deliver(subscriptions, envelope("training.enrolment.promoted", {**data, "status": "enrolled"}, tenant="IOM"))
    deliver(subscriptions, envelope("training.enrolment.withdrawn", {**data, "status": "rejected"}, tenant="IOM"))
    deliver(subscriptions, envelope("training.enrolment.withdrawn", {**data, "status": "withdrawn"}, tenant="THA"))
    assert [mail.kind for mail in PendingMail.objects.order_by("created_at")] == [
        "enrolment_seat", "enrolment_rejected"]


def test_a_person_reads_and_dismisses_their_own_notifications_and_nobody_elses(client, auth_headers, app):
    expert, colleague = _known(person("u-expert", tenant="IDN", language="id"), person("u-colleague", tenant="IDN"))
    deliver(subscriptions, deployment(expert))
    deliver(subscriptions, deployment(expert))
    deliver(subscriptions, deployment(colleague))
    me = auth_headers(tenant="IDN", roles=["expert"], sub="u-expert")

    listed = client.get("/notifications", headers=me).get_json()
    assert listed["unread"] == 2 and len(listed["items"]) == 2
    first = listed["items"][0]
    assert first["title"].startswith("Tawaran penugasan") and first["link"].startswith("https://portal.example.org/")

    # the same user id in another tenant, and a colleague, see none of it and cannot touch it
    impostor = auth_headers(tenant="THA", roles=["expert"], sub="u-expert")
    someone = auth_headers(tenant="IDN", roles=["expert"], sub="u-colleague")
    assert client.get("/notifications", headers=impostor).get_json() == {"unread": 0, "items": []}
    assert client.get("/notifications", headers=someone).get_json()["unread"] == 1
    for headers in (impostor, someone):
        assert client.post(f"/notifications/{first['id']}/read", headers=headers).status_code == 404
        assert client.post(f"/notifications/{first['id']}/dismiss", headers=headers).status_code == 404
    assert client.get("/notifications", headers=me).get_json()["unread"] == 2

    assert client.post(f"/notifications/{first['id']}/read", headers=me).get_json()["read_at"]
    assert client.get("/notifications", headers=me).get_json()["unread"] == 1
    assert len(client.get("/notifications?include_read=true", headers=me).get_json()["items"]) == 2
    assert client.post(f"/notifications/{first['id']}/dismiss", headers=me).status_code == 204
    assert len(client.get("/notifications?include_read=true", headers=me).get_json()["items"]) == 1
    assert client.post("/notifications/read", headers=me).get_json() == {"marked": 1}
    assert client.get("/notifications", headers=me).get_json()["unread"] == 0
    assert client.post("/notifications/not-an-id/read", headers=me).status_code == 404
    assert client.get("/notifications").status_code == 401
    bad = client.get("/notifications?include_read=perhaps", headers=me)
    assert bad.status_code == 422 and bad.mimetype == "application/problem+json"
    assert [error["field"] for error in bad.get_json()["errors"]] == ["include_read"]


def test_the_header_count_is_the_callers_unread_count_alone(client, auth_headers, app):
    expert, = _known(person("u-counted", tenant="IDN"))
    deliver(subscriptions, deployment(expert))
    deliver(subscriptions, deployment(expert))
    assert client.get("/notifications/unread-count", headers=auth_headers(
        tenant="IDN", roles=["expert"], sub="u-counted")).get_json() == {"unread": 2}
    assert client.get("/notifications/unread-count", headers=auth_headers(
        tenant="THA", roles=["expert"], sub="u-counted")).get_json() == {"unread": 0}
    assert client.get("/notifications/unread-count").status_code == 401


def test_titles_come_in_the_language_asked_for(client, auth_headers, app):
    expert, = _known(person("u-thai", tenant="IDN", language="id"))
    deliver(subscriptions, deployment(expert))
    me = auth_headers(tenant="IDN", roles=["expert"], sub="u-thai")
    assert client.get("/notifications", headers=me).get_json()["items"][0]["title"].startswith("Tawaran")
    assert client.get("/notifications?language=th", headers=me).get_json()["items"][0]["title"].startswith("ข้อเสนอ")
    bad = client.get("/notifications?language=fr", headers=me)
    assert bad.status_code == 422 and [error["field"] for error in bad.get_json()["errors"]] == ["language"]
