"""The loopback SMTP server of local runs and tests: takes every message and keeps it in a Maildir.

`python -m notification_service mail` serves on SMTP_HOST:SMTP_PORT and stores under MAIL_STORE (`var/mail`);
read it with any mail client that opens a Maildir, or `mailbox.Maildir("var/mail")`. Never for production.
"""

from __future__ import annotations

import email
import mailbox
import threading
from email import policy
from email.message import EmailMessage
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Mailbox


def loopback_server(store: Path, host: str, port: int) -> Controller:
    """An SMTP server (not yet started) keeping what it receives in the Maildir `store`."""
    store.parent.mkdir(parents=True, exist_ok=True)
    return Controller(Mailbox(str(store)), hostname=host, port=port)


def serve(store: Path, host: str, port: int, stop: threading.Event) -> None:
    server = loopback_server(store, host, port)
    server.start()
    print(f"loopback SMTP server on {host}:{port}; messages in {store.resolve()} (a Maildir)", flush=True)
    try:
        stop.wait()
    finally:
        server.stop()


def messages_to(store: Path, address: str) -> list[EmailMessage]:
    """The messages the store holds for `address`, oldest first."""
    if not store.exists():
        return []
    maildir = mailbox.Maildir(str(store), create=False,
                              factory=lambda file: email.message_from_binary_file(file, policy=policy.default))
    found = [message for message in maildir
             if address.lower() in message.get("To", "").lower()]
    return sorted(found, key=lambda message: message.get("Date", ""))
