"""Turn an event into notifications and mail, and let a person read and dismiss their own notifications."""

from __future__ import annotations

import uuid

from bson import ObjectId

from chassis import runtime
from chassis.clock import now
from chassis.messaging import Event
from chassis.problems import NotFound
from notification_service.mail.models import PendingMail
from notification_service.messages import language_of, render, title
from notification_service.notifications.models import Notification
from notification_service.preferences.service import muted_kinds
from notification_service.rules import RULES


def notify(event: Event) -> int:
    """Record every notice the rules draw from `event`: a portal notification for each known person and one
    pending mail per address, unless that person turned the kind off for e-mail. Runs in the handler's
    transaction with its inbox record, so a redelivered event records (and so sends) nothing twice. Returns the
    number of mails queued."""
    public_url = runtime.settings().public_url.rstrip("/")
    queued = 0
    for notice in RULES[event.type](event):
        link = notice.link if notice.link.startswith("https://") or notice.link.startswith("http://") \
            else public_url + notice.link
        mailed: set[str] = set()
        for recipient in notice.recipients:
            if recipient.user_id:
                Notification(tenant=recipient.tenant, user_id=recipient.user_id, kind=notice.kind,
                             params=notice.params, link=link, event_id=event.id).save(force_insert=True)
                if notice.kind in muted_kinds(recipient.tenant, recipient.user_id):
                    continue
            if recipient.email.lower() in mailed:
                continue
            mailed.add(recipient.email.lower())
            language = language_of(recipient.language)
            message = render(notice.kind, notice.params, language=language, name=recipient.name, link=link)
            PendingMail(id=uuid.uuid4().hex, tenant=recipient.tenant, to=recipient.email, language=language,
                        kind=notice.kind, subject=message.subject, text=message.text, html=message.html,
                        event_id=event.id).save(force_insert=True)
            queued += 1
    return queued


def mine(user_id: str, *, include_read: bool) -> list[Notification]:
    """The caller's notifications in their tenant (scoped by chassis tenancy), newest first; never dismissed."""
    found = Notification.objects(user_id=user_id, dismissed_at=None)
    if not include_read:
        found = found.filter(read_at=None)
    return list(found.order_by("-created_at"))


def unread_count(user_id: str) -> int:
    return Notification.objects(user_id=user_id, dismissed_at=None, read_at=None).count()


def _own(notification_id: str, user_id: str) -> Notification:
    """Another person's or another tenant's notification answers 404, as if it did not exist."""
    found = Notification.objects(id=notification_id, user_id=user_id, dismissed_at=None).first() \
        if ObjectId.is_valid(notification_id) else None
    if found is None:
        raise NotFound(f"No notification {notification_id}")
    return found


def mark_read(notification_id: str, user_id: str) -> Notification:
    notification = _own(notification_id, user_id)
    if notification.read_at is None:
        notification.read_at = now()
        notification.save()
    return notification


def mark_all_read(user_id: str) -> int:
    return Notification.objects(user_id=user_id, dismissed_at=None, read_at=None).update(set__read_at=now())


def dismiss(notification_id: str, user_id: str) -> None:
    notification = _own(notification_id, user_id)
    notification.dismissed_at = now()
    notification.save()


def present(notification: Notification, language: str | None) -> dict:
    """The notification as the API shows it, its title in `language`."""
    return {"id": str(notification.id), "kind": notification.kind, "params": notification.params,
            "title": title(notification.kind, notification.params, language), "link": notification.link,
            "created_at": notification.created_at, "read_at": notification.read_at}
