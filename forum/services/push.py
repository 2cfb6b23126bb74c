"""Web push, discreet by construction: the devices a member turned it on for, her choices, and
what a push may say.

A push reads like the email does ("New reply on Blossom" / "There's a new reply in a thread you
follow.") and opens the member's own `/notifications/<id>`, behind the sign-in: never a thread
title, a name, an anonymous label or a post's words, unless she chose to see more on that
device. What is due for a device is worked out from the notifications themselves (unread,
newer than the device's last push), so the notifications stay the record and nothing else is
written when one is made.
"""

import base64
import binascii
import hashlib
import re
import zoneinfo
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from cryptography.hazmat.primitives.asymmetric import ec
from flask import current_app, url_for
from flask_babel import gettext, lazy_gettext, ngettext
from sqlalchemy import ColumnElement, and_, delete, false, func, or_, select

from forum.database import db, utcnow
from forum.models import (
    TOPIC_OF,
    EmailTopic,
    LoginSession,
    Notification,
    NotificationKind,
    PushChoices,
    PushSubscription,
    QuietDays,
    User,
)
from forum.push_transport import NotAllowedEndpoint, check_endpoint
from forum.services import links, safety
from forum.services.errors import ServiceError
from forum.services.notifications import AT_RISK_SEEN, Shown, describe, preloaded

# Kinds a member chooses about, in the order the settings page shows them.
TOPICS = {
    EmailTopic.REPLIES: lazy_gettext("Replies, mentions and private messages"),
    EmailTopic.REACTIONS: lazy_gettext("Reactions to your posts"),
    EmailTopic.HELPED: lazy_gettext("When your reply helped someone"),
    EmailTopic.MODERATION: lazy_gettext("Messages from the moderators and about your reports"),
    EmailTopic.HELPING: lazy_gettext("Someone is waiting for a reply (when you help)"),
}
# The kinds each choice covers: the same grouping as the email choices.
KINDS_OF = {topic: tuple(kind for kind, of in TOPIC_OF.items() if of == topic) for topic in TOPICS}
# She is on the site if any of her sign-ins was used this recently (sign-ins record their use
# every five minutes): the bell tells her, and her phone stays still.
ACTIVE_WITHIN = timedelta(minutes=6)
# One push per burst: after a push, a device hears nothing more for this long; what came
# meanwhile goes in one push when it is over.
BURST = timedelta(minutes=3)
# Notifications older than this are not pushed any more (quiet hours end within a day).
MAX_AGE = timedelta(hours=24)
MAX_DEVICES = 10


class PushRefused(ServiceError):
    status_code = 400


@dataclass(frozen=True)
class Payload:
    """What the device shows: the words on the lock screen, where a tap goes, and the tag under
    which a later push replaces this one."""

    title: str
    body: str
    url: str
    tag: str
    support_url: str | None = None  # a button to the support resources, for at-risk news

    def as_dict(self) -> dict:
        data = {"title": self.title, "body": self.body, "url": self.url, "tag": self.tag}
        if self.support_url:
            data["support_url"] = self.support_url
        return data


def choices_of(user: User) -> PushChoices:
    """The member's choices; the defaults (not stored) if she has never changed them."""
    found = db.session.get(PushChoices, user.id)
    if found is not None:
        return found
    defaults = PushChoices(user_id=user.id)
    for column in PushChoices.__table__.columns:
        if getattr(defaults, column.key) is None and column.default is not None:
            setattr(defaults, column.key, column.default.arg)
    return defaults


@cache
def time_zones() -> tuple[str, ...]:
    return tuple(sorted(zoneinfo.available_timezones()))


def save_choices(user: User, kinds: dict[str, bool], quiet_days: str, quiet_from: int,
                 quiet_until: int, time_zone: str) -> PushChoices:  # fmt: skip
    if time_zone not in time_zones():
        raise PushRefused(gettext("Choose your time zone from the list."), "time_zone")
    if quiet_days not in set(QuietDays) or not (0 <= quiet_from < 24 and 0 <= quiet_until < 24):
        raise PushRefused(gettext("Choose the hours from the list."), "quiet_from")
    if quiet_days != QuietDays.OFF and quiet_from == quiet_until:
        raise PushRefused(
            gettext("Quiet hours need to start and end at different times."), "quiet_until"
        )
    choices = db.session.get(PushChoices, user.id) or PushChoices(user_id=user.id)
    db.session.add(choices)
    for topic in TOPICS:
        setattr(choices, topic, bool(kinds.get(topic)))
    choices.quiet_days, choices.quiet_from, choices.quiet_until = (
        quiet_days,
        quiet_from,
        quiet_until,
    )
    choices.time_zone = time_zone
    return choices


def in_quiet_hours(choices: PushChoices, now: datetime) -> bool:
    """Whether `now` (UTC) falls in her quiet hours, read on her own clock."""
    if choices.quiet_days == QuietDays.OFF:
        return False
    local = now.replace(tzinfo=zoneinfo.ZoneInfo("UTC")).astimezone(
        zoneinfo.ZoneInfo(choices.time_zone)
    )
    start, end, hour = choices.quiet_from, choices.quiet_until, local.hour
    # Hours that run past midnight (21 to 7) belong to the day they started on.
    if start < end:
        inside, day = start <= hour < end, local.weekday()
    else:
        inside = hour >= start or hour < end
        day = local.weekday() if hour >= start else (local.weekday() - 1) % 7
    return inside and (choices.quiet_days == QuietDays.EVERY_DAY or day < 5)


def _decode(value: str, length: int) -> bytes | None:
    if not re.fullmatch(r"[A-Za-z0-9_-]{1,100}={0,2}", value):
        return None
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError):
        return None
    return raw if len(raw) == length else None


def subscribe(
    user: User, login: LoginSession, endpoint: str, p256dh: str, auth: str
) -> PushSubscription:
    """Turn push on for the browser she is using now. A browser that was subscribed for someone
    else (a shared tablet) now belongs to her alone."""
    endpoint, p256dh, auth = (endpoint or "").strip(), (p256dh or "").strip(), (auth or "").strip()
    try:
        check_endpoint(endpoint, current_app.config["PUSH_ALLOWED_HOSTS"])
    except NotAllowedEndpoint:
        raise PushRefused(
            gettext("This browser's notification service isn't one Blossom can use."), "endpoint"
        ) from None
    point, secret = _decode(p256dh, 65), _decode(auth, 16)
    if point is None or secret is None:
        raise PushRefused(gettext("This browser sent keys Blossom can't use."), "keys")
    try:
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point)
    except ValueError:
        raise PushRefused(gettext("This browser sent keys Blossom can't use."), "keys") from None
    key = hashlib.sha256(endpoint.encode()).hexdigest()
    found = db.session.scalar(select(PushSubscription).where(PushSubscription.endpoint_key == key))
    if found is None:
        count = db.session.scalar(select(func.count()).where(PushSubscription.user_id == user.id))
        if count >= MAX_DEVICES:
            raise PushRefused(
                gettext(
                    "Notifications are on for %(count)d devices already: remove one first.",
                    count=MAX_DEVICES,
                )
            )
        found = PushSubscription(endpoint=endpoint, endpoint_key=key, failures=0)
        db.session.add(found)
    elif found.user_id != user.id:
        found.show_more = False
    found.user_id, found.login_session_id, found.device = user.id, login.id, login.device
    found.p256dh, found.auth, found.retry_at, found.failures = p256dh, auth, None, 0
    # Turned on now: what came before isn't pushed, and the first thing after it is, at once.
    found.created_at, found.last_push_at = utcnow(), None
    db.session.flush()
    return found


def devices_of(user: User) -> list[PushSubscription]:
    return list(
        db.session.scalars(
            select(PushSubscription)
            .where(PushSubscription.user_id == user.id)
            .order_by(PushSubscription.created_at.desc(), PushSubscription.id.desc())
        )
    )


def own_device(user: User, subscription_id: int) -> PushSubscription | None:
    found = db.session.get(PushSubscription, subscription_id)
    return found if found is not None and found.user_id == user.id else None


def remove(user: User, subscription_id: int) -> bool:
    return bool(
        db.session.execute(
            delete(PushSubscription).where(
                PushSubscription.id == subscription_id, PushSubscription.user_id == user.id
            )
        ).rowcount
    )


def reaches(user: User) -> bool:
    """Whether replies reach her by push: a device turned on, and replies chosen."""
    if not choices_of(user).replies:
        return False
    found = select(PushSubscription.id).where(PushSubscription.user_id == user.id).limit(1)
    return db.session.scalar(found) is not None


def is_active(user_id: int, now: datetime) -> bool:
    recent = select(LoginSession.id).where(
        LoginSession.user_id == user_id, LoginSession.last_seen_at >= now - ACTIVE_WITHIN
    )
    return db.session.scalar(recent.limit(1)) is not None


def chosen(choices_column) -> ColumnElement[bool]:
    """Notifications of the kinds the member chose, with `choices_column(topic)` reading her
    choice for a topic (a column of PushChoices, perhaps NULL for the defaults)."""
    return or_(
        false(),
        *(
            and_(Notification.kind.in_(list(kinds)), choices_column(topic))
            for topic, kinds in KINDS_OF.items()
        ),
    )


def due_for(
    subscription: PushSubscription, choices: PushChoices, now: datetime
) -> list[Notification]:
    """The member's unread notifications this device has not been pushed, newest first."""
    since = max(subscription.last_push_at or subscription.created_at, now - MAX_AGE)
    kinds = [kind for topic, many in KINDS_OF.items() if getattr(choices, topic) for kind in many]
    return list(
        db.session.scalars(
            preloaded(select(Notification))
            .where(
                Notification.user_id == subscription.user_id,
                Notification.read_at.is_(None),
                Notification.updated_at > since,
                Notification.kind.in_(kinds),
            )
            .order_by(Notification.updated_at.desc(), Notification.id.desc())
            .limit(20)
        )
    )


def payload(
    subscription: PushSubscription, due: list[Notification], country: str | None = None
) -> Payload:
    """The push for a device: the newest thing due, in the email's discreet words, or a count
    if several came at once; who and where only if she chose it on this device."""
    title = current_app.config["APP_NAME"]
    with links.public_request():
        shown: Shown = describe(due[:1])[0]
        newest = due[0]
        support = None
        if newest.kind == NotificationKind.REPORT and newest.detail == AT_RISK_SEEN:
            support = url_for("support.resources")
        if len(due) > 1:
            body = ngettext(
                "You have %(num)d new notification on %(name)s.",
                "You have %(num)d new notifications on %(name)s.",
                len(due),
                name=title,
            )
            url = url_for("notifications.index")
        else:
            body = shown.text if subscription.show_more else shown.discreet
            title = shown.subject
            url = shown.link
    if support:  # what every at-risk notice says: where help is, before anything else
        first = safety.settings(country).lines[0]  # her country's, in her language
        body = gettext(
            "%(text)s If someone is in danger now: %(name)s, %(contact)s.",
            text=body,
            name=first.name,
            contact=first.contact,
        )
    topic = next(t for t, kinds in KINDS_OF.items() if NotificationKind(newest.kind) in kinds)
    return Payload(title, body, url, str(topic), support)


def export(user: User) -> dict:
    """Her devices and push choices, for the data download."""
    choices = choices_of(user)

    def when(moment: datetime | None) -> str | None:
        return moment.isoformat(timespec="seconds") + "Z" if moment else None

    devices = [
        {
            "device": sub.device,
            "endpoint": sub.endpoint,
            "show_more": sub.show_more,
            "turned_on_at": when(sub.created_at),
            "last_push_at": when(sub.last_push_at),
        }
        for sub in devices_of(user)
    ]
    return {
        "devices": devices,
        "straight_away": {topic: getattr(choices, topic) for topic in TOPICS},
        "quiet_days": choices.quiet_days,
        "quiet_from": choices.quiet_from,
        "quiet_until": choices.quiet_until,
        "time_zone": choices.time_zone,
    }


def forget(user: User) -> None:
    """Everything push kept about a member, for deleting the account."""
    db.session.execute(delete(PushSubscription).where(PushSubscription.user_id == user.id))
    db.session.execute(delete(PushChoices).where(PushChoices.user_id == user.id))
