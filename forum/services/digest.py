"""The daily digest: one email per member of what they missed since their last one.

Each member's digest is written to the outbox in the same transaction that clears their pending
notifications, so a run that stops halfway leaves the rest for the next run, and running twice
sends nothing twice.
"""

from dataclasses import dataclass

from flask_babel import lazy_gettext
from sqlalchemy import select, update

from forum import queue as jobs
from forum.database import db
from forum.i18n import written_for
from forum.models import Delivery, Notification, User, topic_of
from forum.services import email_settings, links, mail, notifications


@dataclass(frozen=True)
class DigestRun:
    members: int  # members sent a digest
    emails: mail.Sent


def send_digests() -> DigestRun:
    member_ids = list(
        db.session.scalars(
            select(Notification.user_id).where(Notification.digest_pending).distinct()
        )
    )
    db.session.commit()
    written = 0
    with links.public_request():
        for member_id in member_ids:
            written += _digest_for(member_id)
            db.session.commit()
    return DigestRun(written, mail.send_pending())


@jobs.periodic_task(jobs.crontab(hour="7", minute="0"))
def send_daily_digests() -> None:
    """Every morning at 07:00 UTC, as `send-digests` from cron would."""
    send_digests()


def _digest_for(member_id: int) -> bool:
    member = db.session.get(User, member_id)
    pending = list(
        db.session.scalars(
            notifications.preloaded(
                select(Notification).where(
                    Notification.user_id == member_id, Notification.digest_pending
                )
            ).order_by(Notification.updated_at, Notification.id)
        )
    )
    taken = db.session.execute(
        update(Notification)
        .where(Notification.id.in_([n.id for n in pending]), Notification.digest_pending)
        .values(digest_pending=False)
        .execution_options(synchronize_session=False)
    ).rowcount
    if taken != len(pending):  # another run is sending this member's digest
        db.session.rollback()
        return False
    # What they read in the app, or no longer want by email, they haven't missed.
    missed = [
        n
        for n in pending
        if n.read_at is None
        and getattr(member, f"email_{topic_of(n, member_id)}") == Delivery.DAILY
    ]
    if not missed or member.email_verified_at is None or member.is_banned:
        return False
    with written_for(member):  # her language and time zone, the words of each item too
        items = notifications.describe(missed)
    mail.queue(
        member.email,
        lazy_gettext("Your Blossom digest"),
        "digest",
        user=member,
        unsubscribe_url=links.unsubscribe_url(member, email_settings.DIGEST),
        items=items,
        show_content=member.email_show_content,
    )
    return True
