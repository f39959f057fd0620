"""An event on the broker becomes one e-mail on a real SMTP server, in the recipient's language, once."""

from __future__ import annotations

from chassis.messaging.consumer import Worker
from chassis.testing.events import running, wait_until
from notification_service.mail.models import PendingMail
from notification_service.mail.sender import Mailer
from notification_service.subscriptions import subscriptions
from notification_service.tests.conftest import deployment, person, publish


def _text(message) -> str:
    return message.get_body(("plain",)).get_content()


def test_an_offer_reaches_the_expert_once_in_their_language_linking_to_the_offer(settings, smtp_server, mailbox):
    expert = person(tenant="IDN", language="id", name="Siti Rahma")
    other = person(tenant="PHL", language="en")
    offer = deployment(expert)
    with running(Worker(settings, subscriptions)), running(Mailer(settings)):
        publish(settings, expert, other)
        publish(settings, offer)
        publish(settings, offer)  # the broker redelivers: the inbox knows the event
        publish(settings, deployment(other))  # a later event: once it is mailed, the duplicate was handled
        wait_until(lambda: mailbox(other["data"]["email"]), message="the later offer's mail")

    received = mailbox(expert["data"]["email"])
    assert len(received) == 1
    message = received[0]
    assert message["Subject"] == "Tawaran penugasan: border_management di THA"
    assert message["Content-Language"] == "id"
    link = f"https://portal.example.org/roster/deployments/{offer['data']['deployment_id']}"
    assert "Halo Siti Rahma," in _text(message) and link in _text(message)
    assert f'href="{link}"' in message.get_body(("html",)).get_content()
    assert PendingMail.objects(to=expert["data"]["email"]).count() == 1


def test_an_smtp_server_down_for_a_while_delays_the_mail_and_loses_none(settings, app, smtp_port, mail_store,
                                                                         mailbox):
    from notification_service.mail.server import loopback_server

    expert = person(language="th", name="Somchai")
    offer = deployment(expert)
    with running(Worker(settings, subscriptions)), running(Mailer(settings)):
        publish(settings, expert)
        publish(settings, offer)
        wait_until(lambda: PendingMail.objects(to=expert["data"]["email"], attempts__gte=2).first(),
                   message="the mailer to have failed twice with nobody listening")
        assert mailbox(expert["data"]["email"]) == []
        server = loopback_server(mail_store, "127.0.0.1", smtp_port)
        server.start()
        try:
            wait_until(lambda: mailbox(expert["data"]["email"]), message="the delayed mail")
            wait_until(lambda: PendingMail.objects(to=expert["data"]["email"], sent_at__ne=None).first(),
                       message="the mail to be marked sent")
        finally:
            server.stop()

    received = mailbox(expert["data"]["email"])
    assert len(received) == 1 and received[0]["Content-Language"] == "th"
    assert received[0]["Subject"].startswith("ข้อเสนอการปฏิบัติงาน")


def test_a_password_reset_link_reaches_the_person_once_in_their_language_and_nowhere_else(settings, smtp_server,
                                                                                          mailbox):
    from chassis.testing.events import envelope
    from notification_service.notifications.models import Notification

    someone = person(tenant="THA", language="en", name="Somchai Kittisak")
    link = "https://rso.example.org/oauth/password-reset/new?token=abc123&ui_locales=th"
    reset = envelope("identity.password_reset.requested", {
        "tenant": "THA", "user_id": someone["data"]["user_id"], "email": someone["data"]["email"], "language": "th",
        "reset_link": link, "expires_at": "2026-11-29T10:00:00+00:00"}, tenant="THA")
    with running(Worker(settings, subscriptions)), running(Mailer(settings)):
        publish(settings, someone)
        publish(settings, reset)
        publish(settings, reset)  # redelivered: sent once
        wait_until(lambda: mailbox(someone["data"]["email"]), message="the reset mail")
        wait_until(lambda: PendingMail.objects(to=someone["data"]["email"], sent_at__ne=None).first(),
                   message="the mail to be marked sent")

    [message] = mailbox(someone["data"]["email"])
    assert message["Content-Language"] == "th"  # the language the event names
    assert message["Subject"] == "ตั้งรหัสผ่านแพลตฟอร์ม RSO ของคุณใหม่"
    assert link in _text(message) and f'href="{link.replace("&", "&amp;")}"' in message.get_body(
        ("html",)).get_content()
    assert "Somchai" not in message.as_string()  # nothing quoted but the link
    assert Notification.across_tenants("test").count() == 0  # the link is never shown in the portal
