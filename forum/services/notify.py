"""Telling members what happened: a notification in the app, and an email as each of them chose.

Moderators act as "the moderators". Reactions of one kind on one post gather in one row ("4 parents
sent hugs on your post"), as do the marks on one reply.

A reply's followers are told by the worker, not in the reply's transaction: the reply writes one
`FanOut` row and the `fan_out` task writes the notifications (and emails) in batches. Each reply's
notification has the key `post:<id>`, unique per member, so a task run twice, or cut off halfway
and run again, tells nobody twice; a sweep enqueues any fan-out a lost task left.
"""

import random
from collections.abc import Iterable
from datetime import timedelta

from flask_babel import gettext
from sqlalchemy import delete, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError

from forum import queue as jobs
from forum.database import db, utcnow
from forum.i18n import written_for
from forum.models import (
    Action,
    Block,
    Delivery,
    EmailTopic,
    FanOut,
    ModerationAction,
    Notification,
    NotificationKind,
    Post,
    ReportReason,
    Thread,
    User,
    topic_of,
)
from forum.services import following, links, mail, push, push_delivery
from forum.services.notifications import AT_RISK_SEEN, DECISIONS, describe

FAN_OUT_BATCH = 200  # notifications (and emails) written in one transaction of the worker
FAN_OUT_LATE = timedelta(minutes=2)  # a fan-out still due after this lost its task


def _tell(users: Iterable[User], kind: NotificationKind, **fields) -> None:
    """One new notification for each member, each delivered as they chose.

    Rows go in in a random order: ids in sequence would tell followers of a thread whose id lies
    between theirs, and so something about who, left out, wrote an anonymous reply.
    """
    users = list(users)
    random.shuffle(users)
    rows = [Notification(user_id=user.id, kind=kind, **fields) for user in users]
    db.session.add_all(rows)
    db.session.flush()
    for user, row in zip(users, rows, strict=True):
        _deliver(user, row)


def _gather(user: User, kind: NotificationKind, key: str, **fields) -> None:
    """Another event of the same sort (a hug on the same post): the one row comes back unread.

    The member is emailed again only if they had read it; a second tap while it waits adds nothing.
    """
    found = select(Notification).where(
        Notification.user_id == user.id, Notification.group_key == key
    )
    row = db.session.scalar(found)
    if row is None:
        try:
            with db.session.begin_nested():
                row = Notification(user_id=user.id, kind=kind, group_key=key, **fields)
                db.session.add(row)
        except IntegrityError:  # the same event at the same moment made the row
            row = db.session.scalar(found)
        else:
            _deliver(user, row)
            return
    woke = db.session.execute(
        update(Notification)
        .where(Notification.id == row.id, Notification.read_at.is_not(None))
        .values(read_at=None)
    ).rowcount
    row.updated_at = utcnow()
    row.kind = kind
    if woke:
        _deliver(user, row)


def _deliver(user: User, notification: Notification) -> None:
    """Push to her devices (the worker checks what she chose there); email now, keep for the
    daily digest, or neither, as the member chose for this kind.

    The one place that decides a member's channels."""
    push_delivery.push_later(user)
    topic = topic_of(notification, user.id)
    delivery = getattr(user, f"email_{topic}")
    if delivery == Delivery.NEVER or user.email_verified_at is None or user.is_banned:
        return
    if delivery == Delivery.DAILY:
        notification.digest_pending = True
        return
    # In her language, whoever replied: the words of the notification as much as the email's.
    with links.public_request(), written_for(user):  # from a request, a task, or a command
        shown = describe([notification])[0]
        mail.queue(
            user.email,
            shown.text if user.email_show_content else shown.subject,
            "notification",
            user=user,
            unsubscribe_url=links.unsubscribe_url(user, topic),
            items=[shown],
            show_content=user.email_show_content,
        )


def _members(ids: Iterable[int]) -> list[User]:
    """The members to tell; one who deleted their account is no longer there to be told."""
    ids = set(ids)
    if not ids:
        return []
    return list(db.session.scalars(select(User).where(User.id.in_(ids), User.deleted_at.is_(None))))


def how_you_will_hear(user: User, topic: EmailTopic = EmailTopic.OWN_THREADS) -> str:
    """What a member reads after posting: when and how she will hear of replies (in her own
    thread, or in one she follows), as she has chosen."""
    if push.reaches(user):
        return gettext("We'll let you know here and on this phone when someone replies.")
    delivery = getattr(user, f"email_{topic}")
    if user.email_verified_at is None or delivery == Delivery.NEVER:
        return gettext("We'll let you know here when someone replies.")
    if delivery == Delivery.DAILY:
        return gettext("We'll let you know here when someone replies, and in your daily email.")
    return gettext("We'll let you know here and by email when someone replies.")


def reply_posted(post: Post, quoted: Post | None = None) -> None:
    """Record that the thread's followers (and the quoted member) are to hear of a reply; the
    worker tells them once this transaction commits. One statement, however many follow."""
    quoted_id = None
    if (
        quoted is not None
        and quoted.thread_id == post.thread_id
        and quoted.author_id != post.author_id
        and any(line.lstrip().startswith(">") for line in post.body_markdown.splitlines())
    ):
        quoted_id = quoted.author_id
    db.session.add(FanOut(post_id=post.id, quoted_user_id=quoted_id))
    jobs.after_commit(fan_out, post.id)


@jobs.task(retries=5, retry_delay=10, retry_backoff=2)
def fan_out(post_id: int) -> None:
    """Tell a reply's followers, a batch per transaction; safe to run twice, or again after
    being cut off: a member already told is not told again."""
    due = db.session.get(FanOut, post_id)
    post = db.session.get(Post, post_id)
    if due is None or post is None:
        return
    told = following.followers(post.thread) - {post.author_id}
    quoted_id = due.quoted_user_id
    if not post.anonymous:  # a member who blocked the author doesn't hear from them
        blocked_by = set(
            db.session.scalars(select(Block.blocker_id).where(Block.blocked_id == post.author_id))
        )
        told -= blocked_by
        quoted_id = None if quoted_id in blocked_by else quoted_id
    # The quoted member first: her row is the quote, and the reply's key then leaves her out.
    kinds = [(quoted_id, NotificationKind.QUOTE)] if quoted_id is not None else []
    # In a random order: ids in sequence would tell followers whose id lies between theirs, and
    # so something about who, left out, wrote an anonymous reply.
    rest = list(told - {quoted_id})
    random.shuffle(rest)
    kinds += [(member_id, NotificationKind.REPLY) for member_id in rest]
    for start in range(0, len(kinds), FAN_OUT_BATCH):
        _tell_once(post, kinds[start : start + FAN_OUT_BATCH])
        db.session.commit()
    db.session.execute(delete(FanOut).where(FanOut.post_id == post_id))
    db.session.commit()


def _tell_once(post: Post, kinds: list[tuple[int, NotificationKind]]) -> None:
    """Notify each member of the reply unless they have been already, and deliver the new rows."""
    members = {user.id: user for user in _members(member_id for member_id, _ in kinds)}
    values = [
        {
            "user_id": member_id,
            "kind": kind,
            "post_id": post.id,
            "thread_id": post.thread_id,
            "group_key": f"post:{post.id}",
            "created_at": utcnow(),
            "updated_at": utcnow(),
            "digest_pending": False,
        }  # fmt: skip
        for member_id, kind in kinds
        if member_id in members
    ]
    if not values:
        return
    insert = pg_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
    new = list(
        db.session.scalars(
            insert(Notification)
            .values(values)
            .on_conflict_do_nothing(index_elements=["user_id", "group_key"])
            .returning(Notification.id)
        )
    )
    if not new:
        return
    rows = db.session.scalars(select(Notification).where(Notification.id.in_(new)))
    with links.public_request():
        for row in rows:
            _deliver(members[row.user_id], row)


def reacted(post: Post, kind: str) -> None:
    for author in _members({post.author_id}):
        _gather(author, NotificationKind.REACTION, f"reaction:{post.id}:{kind}",
                post_id=post.id, thread_id=post.thread_id, detail=kind)  # fmt: skip


def marked_helped(post: Post) -> None:
    for author in _members({post.author_id}):
        _gather(author, NotificationKind.HELPED, f"helped:{post.id}",
                post_id=post.id, thread_id=post.thread_id)  # fmt: skip


def moderation_recorded(entry: ModerationAction) -> None:
    """A decision about a member's post or account reaches them, with the reason."""
    if entry.action not in DECISIONS or entry.target_user_id is None:
        return
    kind = NotificationKind.WARNING if entry.action == Action.WARN else NotificationKind.MODERATION
    _tell(_members({entry.target_user_id}), kind, post_id=entry.post_id,
          thread_id=entry.thread_id, action_id=entry.id, detail=entry.action)  # fmt: skip


def helpers_nudged(helpers: Iterable[User], thread: Thread) -> None:
    """Helpers hear that someone is waiting, and where: never who, even when she is named."""
    _tell(_members(h.id for h in helpers if h.id != thread.author_id), NotificationKind.NUDGE,
          thread_id=thread.id)  # fmt: skip


def reports_resolved(post: Post, reports: Iterable[tuple[int | None, str]], status: str) -> None:
    """Each member who reported the post hears the outcome; one who reported that someone may be
    at risk hears that a moderator has seen it (Blossom's own at-risk flags have no reporter)."""
    outcomes: dict[str, set[int]] = {}
    for reporter_id, reason in reports:
        if reporter_id is not None:
            detail = AT_RISK_SEEN if reason == ReportReason.AT_RISK else status
            outcomes.setdefault(detail, set()).add(reporter_id)
    for detail, reporter_ids in outcomes.items():
        _tell(_members(reporter_ids), NotificationKind.REPORT, post_id=post.id, detail=detail)


def message_requested(recipient: User, conversation) -> None:
    """Someone asks to talk privately. The notification names nobody: the request says who."""
    for member in _members({recipient.id}):
        _gather(member, NotificationKind.MESSAGE_REQUEST, f"message:{conversation.id}",
                conversation_id=conversation.id)  # fmt: skip


def message_sent(recipient: User, conversation) -> None:
    """New words in a conversation: its one row comes back unread, naming nobody."""
    for member in _members({recipient.id}):
        _gather(member, NotificationKind.MESSAGE, f"message:{conversation.id}",
                conversation_id=conversation.id)  # fmt: skip


def mentioned(post: Post, members: list[User]) -> None:
    """Members a new post mentions (those who may hear: see forum.services.mentions)."""
    _tell(_members({m.id for m in members}), NotificationKind.MENTION, post_id=post.id,
          thread_id=post.thread_id)  # fmt: skip


@jobs.periodic_task(jobs.crontab(minute="*"))
def sweep_fan_outs() -> None:
    """Every minute: the fan-outs still due a while after their reply lost their task."""
    enqueue_due_fan_outs(FAN_OUT_LATE)


def enqueue_due_fan_outs(older_than: timedelta) -> int:
    """Enqueue every fan-out still due since longer than `older_than`; how many."""
    late = list(
        db.session.scalars(select(FanOut.post_id).where(FanOut.created_at <= utcnow() - older_than))
    )
    db.session.commit()
    for post_id in late:
        fan_out(post_id)
    return len(late)
