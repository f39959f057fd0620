"""The mailer: hands pending mail to the SMTP relay, after the transaction that queued it committed.

A relay that does not answer (or answers 4xx) only delays mail: each message waits, with a back-off doubling up
to `MAIL_RETRY_MAX_SECONDS`, and is tried again until the relay takes it. A permanent refusal of the recipient
(5xx) is recorded and not retried. Delivery is at-least-once: a crash between the relay's answer and the
`sent_at` mark sends that one message again, with the same Message-ID (docs/adr/0081).
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
import ssl
import threading
from email.message import EmailMessage
from email.utils import format_datetime

from chassis.backoff import DEPENDENCY_ERRORS, DependencyRetry
from chassis.clock import now
from notification_service.mail.models import PendingMail
from notification_service.settings import NotificationSettings

log = logging.getLogger(__name__)
BATCH = 50


def build_message(mail: PendingMail, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message["Date"] = format_datetime(mail.created_at.replace(tzinfo=dt.UTC))
    message["Message-ID"] = f"<{mail.id}@rso-platform>"
    message.set_content(mail.text)
    message.add_alternative(mail.html, subtype="html")
    message["Content-Language"] = mail.language  # after the parts: making them moves Content-* headers down
    return message


def _due(at: dt.datetime) -> list[PendingMail]:
    return list(PendingMail.objects(sent_at=None, refused_at=None, next_attempt_at__lte=at)
                .order_by("next_attempt_at").limit(BATCH))


class Mailer:
    def __init__(self, settings: NotificationSettings):
        self.settings = settings

    def _connect(self) -> smtplib.SMTP:
        settings = self.settings
        smtp = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=settings.smtp_timeout_seconds)
        try:
            if settings.smtp_starttls:
                smtp.starttls(context=ssl.create_default_context())
            if settings.smtp_username:
                smtp.login(settings.smtp_username, settings.smtp_password)
        except BaseException:
            smtp.close()
            raise
        return smtp

    def send_due(self) -> int:
        """Send every message that is due; return how many the relay took."""
        due = _due(now())
        if not due:
            return 0
        sent = 0
        try:
            smtp = self._connect()
        except (OSError, smtplib.SMTPException) as error:
            for mail in due:
                self._postpone(mail, error)
            return 0
        with smtp:
            for mail in due:
                try:
                    smtp.send_message(build_message(mail, self.settings.mail_from))
                except smtplib.SMTPRecipientsRefused as error:
                    self._refuse_or_postpone(mail, error, min(code for code, _ in error.recipients.values()))
                except smtplib.SMTPResponseException as error:
                    self._refuse_or_postpone(mail, error, error.smtp_code)
                except (OSError, smtplib.SMTPException) as error:
                    self._postpone(mail, error)  # the connection broke: the rest waits for the next round
                    break
                else:
                    PendingMail.objects(id=mail.id).update_one(set__sent_at=now(), inc__attempts=1)
                    sent += 1
        return sent

    def _refuse_or_postpone(self, mail: PendingMail, error: Exception, code: int) -> None:
        if code >= 500:
            log.warning("the relay refused a recipient for good", extra={"mail_id": mail.id, "code": code})
            PendingMail.objects(id=mail.id).update_one(set__refused_at=now(), set__last_error=str(error)[:500],
                                                       inc__attempts=1)
        else:
            self._postpone(mail, error)

    def _postpone(self, mail: PendingMail, error: Exception) -> None:
        attempts = mail.attempts + 1
        wait = min(2 ** (attempts - 1), self.settings.mail_retry_max_seconds)
        log.warning("mail not sent, will retry", extra={"mail_id": mail.id, "attempt": attempts,
                                                          "retry_in_seconds": wait, "error": str(error)[:200]})
        PendingMail.objects(id=mail.id).update_one(
            set__attempts=attempts, set__last_error=f"{type(error).__name__}: {error}"[:500],
            set__next_attempt_at=now() + dt.timedelta(seconds=wait))

    def run(self, stop: threading.Event) -> None:
        """Send until `stop`; a database that does not answer is waited out (ADR 0071)."""
        retry = DependencyRetry(log, self.settings.reconnect_max_backoff_seconds)
        while not stop.is_set():
            try:
                sent = self.send_due()
            except DEPENDENCY_ERRORS as error:
                retry.failed(error, stop)
                continue
            retry.succeeded()
            if sent:
                log.info("mail sent", extra={"count": sent})
                continue
            stop.wait(self.settings.mail_poll_seconds)
