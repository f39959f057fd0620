"""The webhook dispatcher (`rso-notification webhooks`): sends due deliveries, signed per Standard Webhooks.

Each thread claims one due delivery at a time by moving its `next_attempt_at` past the longest an attempt can
take (so two dispatchers never send it at once, and a dispatcher that dies mid-attempt leaves it due again),
signs the stored body with the subscription's secret (and the previous one during a rotation's grace), POSTs it
to a public address only (chassis.egress: no redirects followed, connect and answer timeouts), and records the
attempt with its outcome in one transaction: a 2xx answer is success; anything else is retried after a back-off
doubling from `WEBHOOK_RETRY_INITIAL_SECONDS` up to `WEBHOOK_RETRY_MAX_SECONDS`, until `WEBHOOK_MAX_ATTEMPTS`
(then `failed`); `WEBHOOK_PAUSE_AFTER_FAILURES` failed attempts in a row pause the subscription (docs/adr/0082).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time

import requests
from standardwebhooks import Webhook

from chassis import db
from chassis.access import system
from chassis.backoff import DEPENDENCY_ERRORS, DependencyRetry
from chassis.clock import now
from chassis.egress import public_session
from chassis.messaging.retention import expire
from notification_service.settings import NotificationSettings
from notification_service.webhooks.models import DeliveryAttempt, WebhookDelivery, WebhookSubscription
from notification_service.webhooks.service import pause_and_hold

log = logging.getLogger(__name__)
USER_AGENT = "RSO-Platform-Webhooks/1"
REASON = "the dispatcher sends every tenant's deliveries"


def signature(subscription: WebhookSubscription, message_id: str, at: dt.datetime, body: str) -> str:
    """`webhook-signature`: one `v1,...` per secret in use, space-separated, as the specification allows."""
    secrets = [subscription.secret]
    if subscription.previous_secret and subscription.previous_secret_expires_at and \
            subscription.previous_secret_expires_at > at:
        secrets.append(subscription.previous_secret)
    return " ".join(Webhook(secret).sign(message_id, at, body) for secret in secrets)


class WebhookDispatcher:
    def __init__(self, settings: NotificationSettings):
        self.settings = settings
        self.local = threading.local()
        self.crashed: BaseException | None = None

    @property
    def session(self) -> requests.Session:
        if not hasattr(self.local, "session"):
            self.local.session = public_session(allow_loopback=self.settings.webhook_allow_local)
        return self.local.session

    def _claim(self) -> WebhookDelivery | None:
        settings = self.settings
        lease = dt.timedelta(seconds=2 * (settings.webhook_connect_timeout_seconds + settings.webhook_timeout_seconds))
        at = now()
        return system(REASON).records(WebhookDelivery).filter(status="pending", next_attempt_at__lte=at).order_by(
            "next_attempt_at").modify(set__next_attempt_at=at + lease, new=True)

    def deliver_next(self) -> bool:
        """Make one attempt of one due delivery; False when none is due."""
        delivery = self._claim()
        if delivery is None:
            return False
        subscription = system(REASON).records(WebhookSubscription).filter(id=delivery.subscription_id).first()
        if subscription is None:  # deleted while the delivery waited: its log went with it
            delivery.delete()
            return True
        if subscription.status == "paused":  # paused since the delivery was claimed
            system(REASON).records(WebhookDelivery).filter(id=delivery.id, status="pending").update_one(
                set__status="held")
            return True
        started, at = time.monotonic(), now()
        headers = {"webhook-id": delivery.id, "webhook-timestamp": str(int(at.timestamp())),
                   "webhook-signature": signature(subscription, delivery.id, at, delivery.body),
                   "content-type": "application/json", "user-agent": USER_AGENT}
        status, error = None, None
        try:
            with self.session.post(subscription.url, data=delivery.body.encode(), headers=headers, stream=True,
                                   allow_redirects=False, timeout=(self.settings.webhook_connect_timeout_seconds,
                                                                   self.settings.webhook_timeout_seconds)) as answer:
                status = answer.status_code
        except requests.RequestException as failure:
            error = f"{type(failure).__name__}: {failure}"[:300]
        attempt = DeliveryAttempt(at=at, response_status=status, error=error,
                                  duration_ms=int((time.monotonic() - started) * 1000))
        db.transaction(lambda: self._record(delivery.id, attempt))
        return True

    def _record(self, delivery_id: str, attempt: DeliveryAttempt) -> None:
        delivery = system(REASON).records(WebhookDelivery).filter(id=delivery_id).first()
        subscription = system(REASON).records(WebhookSubscription).filter(
            id=delivery.subscription_id).first() if delivery else None
        if subscription is None:
            return
        settings = self.settings
        succeeded = attempt.response_status is not None and 200 <= attempt.response_status < 300
        tried = len(delivery.attempts) + 1
        if succeeded:
            changes = {"set__status": "succeeded", "set__finished_at": now()}
            subscription.update(set__consecutive_failures=0)
        else:
            log.warning("webhook delivery failed", extra={"delivery_id": delivery.id, "attempt": tried,
                                                          "response_status": attempt.response_status,
                                                          "error": attempt.error})
            wait = min(settings.webhook_retry_initial_seconds * 2 ** (tried - 1), settings.webhook_retry_max_seconds)
            changes = {"set__status": "failed", "set__finished_at": now()} if tried >= settings.webhook_max_attempts \
                else {"set__next_attempt_at": now() + dt.timedelta(seconds=wait)}
        system(REASON).records(WebhookDelivery).filter(id=delivery.id).update_one(push__attempts=attempt, **changes)
        if not succeeded:
            failing = system(REASON).records(WebhookSubscription).filter(id=subscription.id).modify(
                inc__consecutive_failures=1, new=True)
            if failing.status == "active" and failing.consecutive_failures >= settings.webhook_pause_after_failures:
                log.warning("webhook subscription paused: its receiver keeps failing",
                            extra={"subscription_id": failing.id, "failures": failing.consecutive_failures})
                pause_and_hold(failing, "failures")

    def _run_thread(self, stop: threading.Event) -> None:
        retry = DependencyRetry(log, self.settings.reconnect_max_backoff_seconds)
        while not stop.is_set():
            try:
                delivered = self.deliver_next()
            except DEPENDENCY_ERRORS as error:
                retry.failed(error, stop)
                continue
            except BaseException as error:  # a bug: the whole process ends, and its supervisor starts it again
                self.crashed = error
                stop.set()
                raise
            retry.succeeded()
            if not delivered:
                stop.wait(self.settings.webhook_poll_seconds)

    def _apply_retention(self, stop: threading.Event) -> None:
        """Finished deliveries are deleted `WEBHOOK_LOG_RETENTION_DAYS` after they finished (a TTL index)."""
        retry = DependencyRetry(log, self.settings.reconnect_max_backoff_seconds)
        while not stop.is_set():
            try:
                expire(WebhookDelivery._get_collection(), "finished_at", self.settings.webhook_log_retention_days)
            except DEPENDENCY_ERRORS as error:
                retry.failed(error, stop)
                continue
            retry.succeeded()
            return

    def run(self, stop: threading.Event) -> None:
        """Deliver until `stop`, `WEBHOOK_CONCURRENCY` attempts at a time; a database that does not answer is
        waited out (ADR 0071)."""
        self._apply_retention(stop)
        threads = [threading.Thread(target=self._run_thread, args=(stop,), name=f"webhooks-{number}", daemon=True)
                   for number in range(max(1, self.settings.webhook_concurrency))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if self.crashed is not None:
            raise self.crashed
