"""Sending pushes: a queue task per member, and a sweep each minute for what is still due.

`send_pushes(user_id)` looks at each of her devices and pushes what is due there (forum/services/
push.py decides what that is and what it says). It is safe to run twice: a device's
`last_push_at` moves on only once its push service has taken the push, so a lost task loses
nothing and the sweep finds the work again; a push sent twice replaces itself on the device
(the same `Topic` at the push service, the same tag on the phone).

A push service that answers 404 or 410 has forgotten the subscription: it is deleted. One that
asks us to wait (429) or fails (5xx, or no answer) is tried again later, waiting longer each
time (or as long as its Retry-After says).
"""

import json
import logging
from datetime import datetime, timedelta

from flask import current_app, g, has_app_context
from flask_babel import gettext
from sqlalchemy import delete, func, or_, select, true, update

from forum import queue
from forum.database import db, utcnow
from forum.i18n import written_for
from forum.models import Notification, PushChoices, PushSubscription, User
from forum.push_transport import NotAllowedEndpoint, send
from forum.services import push

log = logging.getLogger(__name__)

FIRST_RETRY = timedelta(seconds=30)
LONGEST_RETRY = timedelta(hours=1)
GONE = (404, 410)


def push_later(user: User) -> None:
    """Ask the worker to push what is now due for the member, once this transaction commits.
    Reads and writes nothing here (the task finds out whether she has any devices), and the
    members told in one transaction (a thread's followers) go in one task."""
    waiting = g.get("queue_waiting", []) if has_app_context() else []
    batch = next((args[0] for work, args in waiting if work is send_pushes_to), None)
    if batch is None:
        queue.after_commit(send_pushes_to, [user.id])
    elif user.id not in batch:
        batch.append(user.id)


@queue.task()
def send_pushes_to(user_ids: list[int]) -> None:
    for user_id in user_ids:
        _push_member(user_id)


@queue.task()
def send_pushes(user_id: int) -> None:
    _push_member(user_id)


def _push_member(user_id: int) -> None:
    user = db.session.get(User, user_id)
    if user is None or user.is_deleted or user.is_banned:
        return
    now = utcnow()
    devices = [sub for sub in push.devices_of(user) if sub.retry_at is None or sub.retry_at <= now]
    if not devices:
        return
    choices = push.choices_of(user)
    if push.in_quiet_hours(choices, now) or push.is_active(user.id, now):
        return  # the sweep comes back when she is away and her quiet hours are over
    for sub in devices:
        if sub.last_push_at is not None and now - sub.last_push_at < push.BURST:
            continue  # one push per burst: the sweep sends what came meanwhile, as one
        due = push.due_for(sub, choices, now)
        if due:
            with written_for(user):  # her language, whoever caused it
                message = push.payload(sub, due, user.country)
            _send(sub, message, now)


def _send(sub: PushSubscription, message: push.Payload, now: datetime) -> None:
    config = current_app.config
    subscription = {"endpoint": sub.endpoint, "keys": {"p256dh": sub.p256dh, "auth": sub.auth}}
    headers = {"Topic": message.tag, "Urgency": "high" if message.support_url else "normal"}
    vapid = {"private_key": config["VAPID_PRIVATE_KEY"], "subject": config["VAPID_SUBJECT"]}
    sub_id, user_id, failures = sub.id, sub.user_id, sub.failures
    try:
        answer = send(
            subscription, json.dumps(message.as_dict()).encode(), headers, vapid,
            config["PUSH_ALLOWED_HOSTS"], ttl=config["PUSH_TTL"],
        )  # fmt: skip
        status, wait = answer.status_code, answer.retry_after
    except NotAllowedEndpoint as error:
        log.warning("Push subscription %s dropped: %s", sub_id, error)
        status, wait = 410, None  # never posted to again
    except (ConnectionError, OSError, TimeoutError) as error:
        log.warning("Push to subscription %s failed: %s", sub_id, error)
        status, wait = 503, None
    db.session.rollback()  # what was read stays read; the rows below are changed in one statement
    if status in GONE:
        db.session.execute(delete(PushSubscription).where(PushSubscription.id == sub_id))
    elif status != 429 and status < 500:
        # Taken, or refused for good (a redirect, which is never followed, or a payload it
        # won't take): either way not sent again.
        if status >= 300:
            log.warning("Push service refused a push to subscription %s: %s", sub_id, status)
        db.session.execute(
            update(PushSubscription)
            .where(PushSubscription.id == sub_id)
            .values(last_push_at=now, retry_at=None, failures=0)
        )
    else:
        failures += 1
        delay = min(FIRST_RETRY * 2 ** (failures - 1), LONGEST_RETRY)
        if wait is not None:
            delay = min(max(timedelta(seconds=wait), FIRST_RETRY), LONGEST_RETRY)
        db.session.execute(
            update(PushSubscription)
            .where(PushSubscription.id == sub_id)
            .values(retry_at=utcnow() + delay, failures=failures)
        )
        send_pushes.schedule(args=(user_id,), delay=delay.total_seconds())
    db.session.commit()


def members_due(now: datetime | None = None) -> list[int]:
    """Members with a device that has something due: unread notifications newer than its last
    push, of kinds she chose, not waiting for a retry. One query."""
    now = now or utcnow()
    since = func.coalesce(PushSubscription.last_push_at, PushSubscription.created_at)

    def choice(topic: str):
        column = PushChoices.__table__.c[topic]
        return func.coalesce(column, column.default.arg) == true()

    return list(
        db.session.scalars(
            select(PushSubscription.user_id)
            .distinct()
            .join(Notification, Notification.user_id == PushSubscription.user_id)
            .outerjoin(PushChoices, PushChoices.user_id == PushSubscription.user_id)
            .where(
                Notification.read_at.is_(None),
                Notification.updated_at > since,
                Notification.updated_at > now - push.MAX_AGE,
                or_(PushSubscription.retry_at.is_(None), PushSubscription.retry_at <= now),
                push.chosen(choice),
            )
        )
    )


@queue.periodic_task(queue.crontab(minute="*"))
def sweep_pushes() -> int:
    """Every minute: push what is still due (after quiet hours, a burst, a visit to the site,
    a retry, or a task that was lost)."""
    members = members_due()
    for user_id in members:
        send_pushes(user_id)
    return len(members)


def send_test(sub: PushSubscription) -> None:
    """ "Send a test": a push to this one device now, whatever the hour."""
    queue.after_commit(send_test_push, sub.id)


@queue.task()
def send_test_push(subscription_id: int) -> None:
    sub = db.session.get(PushSubscription, subscription_id)
    if sub is None:
        return
    name = current_app.config["APP_NAME"]
    with written_for(db.session.get(User, sub.user_id)):
        text = gettext(
            "This is a test from %(name)s. Notifications work on this device.", name=name
        )
    message = push.Payload(name, text, "/", "test")
    _send(sub, message, sub.last_push_at or sub.created_at)
