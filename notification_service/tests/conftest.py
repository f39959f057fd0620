import http.server
import json
import threading
import uuid
from pathlib import Path

import pytest

from chassis.messaging.connection import ConfirmingPublisher
from chassis.testing.events import envelope
from chassis.testing.infrastructure import free_port
from notification_service import SERVICE, create_app
from notification_service.mail.server import loopback_server, messages_to
from notification_service.settings import NotificationSettings


@pytest.fixture
def smtp_port() -> int:
    return free_port()


@pytest.fixture
def mail_store(tmp_path) -> Path:
    return tmp_path / "mail"


@pytest.fixture
def app(make_app, smtp_port, mail_store):
    return make_app(create_app, SERVICE, NotificationSettings, smtp_port=smtp_port, mail_store=str(mail_store),
                    mail_poll_seconds=0.05, mail_retry_max_seconds=0.2, public_url="https://portal.example.org")


@pytest.fixture
def smtp_server(app, smtp_port, mail_store):
    """A real SMTP server on loopback (the one `python -m notification_service mail` runs), for this test."""
    server = loopback_server(mail_store, "127.0.0.1", smtp_port)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def mailbox(mail_store):
    return lambda address: messages_to(mail_store, address)


def person(user_id=None, *, tenant="IDN", email=None, roles=("expert",), language=None, name="Siti Rahma"):
    user_id = user_id or f"user-{uuid.uuid4().hex[:8]}"
    return envelope("identity.user.created", {
        "tenant": tenant, "user_id": user_id, "email": email or f"{user_id}@example.org", "display_name": name,
        "roles": list(roles), "preferred_language": language, "status": "active"}, tenant="RSO")


def deployment(expert_person: dict | None = None, *, event_type="roster.deployment.offered", requesting_tenant="THA",
               **extra):
    data = expert_person["data"] if expert_person else {}
    return envelope(event_type, {
        "deployment_id": f"dep-{uuid.uuid4().hex[:8]}", "request_id": f"req-{uuid.uuid4().hex[:8]}",
        "case_id": None, "requesting_tenant": requesting_tenant, "function": "border_management",
        "country": "THA", "location": "Bangkok", "start_date": "2027-03-01", "end_date": "2027-04-30",
        "status": "offered",
        "expert": {"expert_id": "exp-1", "full_name": data.get("display_name", "Siti Rahma"),
                   "email": data.get("email", "siti@example.org"), "user_id": data.get("user_id"),
                   "nominating_tenant": data.get("tenant", "IDN")},
        **extra}, tenant="RSO")


def publish(settings, *envelopes) -> None:
    """On the real broker, as the producing services' relays would."""
    publisher = ConfirmingPublisher(settings.amqp_url, settings.events_exchange)
    try:
        for event in envelopes:
            publisher.publish(event["type"], json.dumps(event).encode(), message_id=event["id"])
    finally:
        publisher.close()


class Receiver:
    """A webhook receiver: a real HTTP server on loopback that keeps every request and answers `status`."""

    def __init__(self):
        received = self.received = []
        self.status = 204
        receiver = self

        class Handle(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("content-length") or 0))
                received.append(({key.lower(): value for key, value in self.headers.items()}, body.decode()))
                self.send_response(receiver.status)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handle)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks/rso"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receivers():
    """`receivers()` starts one more receiver; all stop after the test."""
    started = []

    def start() -> Receiver:
        started.append(Receiver())
        return started[-1]

    yield start
    for receiver in started:
        receiver.close()
