"""A person chooses which notifications reach them by e-mail; the others still show in the portal."""

from __future__ import annotations

from chassis.messaging.consumer import Worker
from chassis.testing.events import running, wait_until
from notification_service.mail.models import PendingMail
from notification_service.messages import LABELS
from notification_service.notifications.models import Notification
from notification_service.subscriptions import subscriptions
from notification_service.tests.conftest import deployment, person, publish


def _by_email(answer) -> dict[str, bool]:
    return {row["kind"]: row["by_email"] for row in answer.get_json()["email"]}


def test_an_opted_out_kind_sends_no_mail_but_still_shows_in_the_portal(settings, client, auth_headers, smtp_server,
                                                                        mailbox):
    from notification_service.mail.sender import Mailer

    muted, other = person("u-muted", tenant="IDN"), person("u-other", tenant="IDN")
    me = auth_headers(tenant="IDN", roles=["expert"], sub="u-muted")
    everything_but_offers = [kind for kind in LABELS if kind != "offer_made"]
    chosen = client.put("/preferences", json={"by_email": everything_but_offers}, headers=me)
    assert chosen.status_code == 200 and not _by_email(chosen)["offer_made"]

    with running(Worker(settings, subscriptions)), running(Mailer(settings)):
        publish(settings, muted, other)
        publish(settings, deployment(muted), deployment(other))
        wait_until(lambda: mailbox(other["data"]["email"]), message="the other expert's mail")
        wait_until(lambda: Notification.across_tenants("test").filter(user_id="u-muted").first(),
                   message="the muted expert's portal notification")
    assert mailbox(muted["data"]["email"]) == []
    assert PendingMail.objects(to=muted["data"]["email"]).count() == 0
    assert client.get("/notifications/unread-count", headers=me).get_json() == {"unread": 1}


def test_every_kind_reaches_a_person_by_email_until_they_choose_and_labels_are_in_their_language(client,
                                                                                                   auth_headers):
    me = auth_headers(tenant="THA", roles=["expert"], sub="u-thai")
    assert set(_by_email(client.get("/preferences", headers=me)).values()) == {True}
    [offers] = [row for row in client.get("/preferences?language=th", headers=me).get_json()["email"]
                if row["kind"] == "offer_made"]
    assert offers["label"] == "ข้อเสนอการปฏิบัติงานถึงคุณ"
    assert set(_by_email(client.put("/preferences", json={"by_email": []}, headers=me)).values()) == {False}


def test_bad_choices_are_refused_naming_the_field_and_change_nothing(client, auth_headers):
    me = auth_headers(tenant="THA", roles=["expert"], sub="u-picky")
    client.put("/preferences", json={"by_email": ["case_shared"]}, headers=me)
    for body, field in (({"by_email": ["case_shared", "gossip"]}, "by_email.1"), ({}, "by_email"),
                        ({"by_email": "case_shared"}, "by_email")):
        refused = client.put("/preferences", json=body, headers=me)
        assert refused.status_code == 422 and refused.mimetype == "application/problem+json"
        assert [error["field"] for error in refused.get_json()["errors"]] == [field], body
    assert [kind for kind, on in _by_email(client.get("/preferences", headers=me)).items() if on] == ["case_shared"]
    assert client.get("/preferences").status_code == 401


def test_another_tenants_person_with_the_same_id_neither_sees_nor_changes_the_choice(client, auth_headers):
    idn = auth_headers(tenant="IDN", roles=["expert"], sub="u-same")
    tha = auth_headers(tenant="THA", roles=["expert"], sub="u-same")
    client.put("/preferences", json={"by_email": []}, headers=idn)
    assert set(_by_email(client.get("/preferences", headers=tha)).values()) == {True}
    client.put("/preferences", json={"by_email": list(LABELS)}, headers=tha)
    assert set(_by_email(client.get("/preferences", headers=idn)).values()) == {False}
