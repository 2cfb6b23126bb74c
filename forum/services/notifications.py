"""Telling members what happened: in the app, and by email as each of them chooses.

A notification names who acted exactly as the thread page does: an anonymous post's author is
"Anonymous parent ...", never a name. Moderators act as "the moderators". Reactions of one kind on
one post gather in one row ("4 parents sent hugs on your post"), as do the marks on one reply.
"""

import random
from collections.abc import Iterable
from dataclasses import dataclass

from flask import url_for
from sqlalchemy import Select, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from forum.database import db, utcnow
from forum.models import (
    TOPIC_OF,
    Action,
    Block,
    Delivery,
    ModerationAction,
    Notification,
    NotificationKind,
    Post,
    Reaction,
    ReactionKind,
    ReportStatus,
    User,
)
from forum.services import following, links, mail
from forum.urls import post_url

# Moderation decisions a member hears about, and how each reads to them.
DECISIONS = {
    Action.HIDE: "A moderator hid your post",
    Action.REMOVE: "A moderator removed your post",
    Action.RESTORE: "A moderator restored your post",
    Action.EDIT: "A moderator edited your post",
    Action.WARN: "The moderators sent you a message",
    Action.SUSPEND: "Your account was suspended",
    Action.UNSUSPEND: "Your suspension was lifted",
    Action.APPEAL: "The moderators answered your appeal",
}
# "4 parents sent hugs on your post"
REACTION_WORDS = {
    ReactionKind.HEART: ("sent a heart", "sent hearts"),
    ReactionKind.HUG: ("sent a hug", "sent hugs"),
    ReactionKind.ME_TOO: ("said “me too”", "said “me too”"),
    ReactionKind.GOT_THIS: ("said “you've got this”", "said “you've got this”"),
    ReactionKind.THANK_YOU: ("said thank you", "said thank you"),
}
REPORT_OUTCOMES = {
    ReportStatus.ACTIONED: "A moderator acted on a post you reported. Thank you for looking out for others.",
    ReportStatus.DISMISSED: "A moderator reviewed a post you reported and left it up.",
}


# Telling members


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
    if woke:
        _deliver(user, row)


def _deliver(user: User, notification: Notification) -> None:
    """Email now, keep for the daily digest, or neither, as the member chose for this kind."""
    topic = TOPIC_OF[NotificationKind(notification.kind)]
    delivery = getattr(user, f"email_{topic}")
    if delivery == Delivery.NEVER or user.email_verified_at is None or user.is_banned:
        return
    if delivery == Delivery.DAILY:
        notification.digest_pending = True
        return
    with links.public_request():  # from a request, or a command such as seed-demo
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


def reply_posted(post: Post, quoted: Post | None = None) -> None:
    """Tell the thread's followers about a reply, and the quoted member that they were quoted."""
    thread = post.thread
    told = following.followers(thread) - {post.author_id}
    quoted_id = None
    if (
        quoted is not None
        and quoted.thread_id == thread.id
        and quoted.author_id != post.author_id
        and any(line.lstrip().startswith(">") for line in post.body_markdown.splitlines())
    ):
        quoted_id = quoted.author_id
    if not post.anonymous:  # a member who blocked the author doesn't hear from them
        blocked_by = set(
            db.session.scalars(select(Block.blocker_id).where(Block.blocked_id == post.author_id))
        )
        told -= blocked_by
        quoted_id = None if quoted_id in blocked_by else quoted_id
    where = {"post_id": post.id, "thread_id": thread.id}
    if quoted_id is not None:
        _tell(_members({quoted_id}), NotificationKind.QUOTE, **where)
    _tell(_members(told - {quoted_id}), NotificationKind.REPLY, **where)


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


def reports_resolved(post: Post, reporter_ids: Iterable[int | None], status: str) -> None:
    reporters = _members(i for i in reporter_ids if i is not None)
    _tell(reporters, NotificationKind.REPORT, post_id=post.id, detail=status)


# Reading


@dataclass(frozen=True)
class Shown:
    """A notification as a member reads it: what happened, and where it happened."""

    notification: Notification
    text: str  # may name the thread: shown in the app, and in emails only if the member opts in
    discreet: str  # says nothing of what was written, by whom, or where: for emails by default
    subject: str  # a discreet email subject
    url: str  # where it happened, on the site

    @property
    def unread(self) -> bool:
        return self.notification.read_at is None

    @property
    def link(self) -> str:
        """Where an email points: through the member's own notification, behind the sign-in,
        so a link seen over a shoulder doesn't lead to the (perhaps anonymous) post itself."""
        return url_for("notifications.show", notification_id=self.notification.id)


def _who(post: Post) -> str:
    """Who wrote a post, as the thread page shows them to everyone."""
    return post.anonymous_label if post.anonymous else post.author.display_name


def describe(notifications: list[Notification]) -> list[Shown]:
    """Words and links for a page of notifications, with every reaction count in one query."""
    counts = {}
    reaction_posts = {n.post_id for n in notifications if n.kind == NotificationKind.REACTION}
    if reaction_posts:
        counts = {
            (post_id, kind): count
            for post_id, kind, count in db.session.execute(
                select(Reaction.post_id, Reaction.kind, func.count())
                .where(Reaction.post_id.in_(reaction_posts))
                .group_by(Reaction.post_id, Reaction.kind)
            )
        }
    return [_describe(n, counts) for n in notifications]


def _describe(n: Notification, counts: dict) -> Shown:
    post, thread = n.post, n.thread or (n.post.thread if n.post else None)
    title = f"“{thread.title}”" if thread else ""
    url = post_url(post) if post is not None else url_for("reports.notices")
    kind = NotificationKind(n.kind)
    if kind == NotificationKind.REPLY:
        who = _who(post) if post.is_visible else "Someone"
        return Shown(n, f"{who} replied in {title}", "There's a new reply in a thread you follow.",
                     "New reply on Blossom", url)  # fmt: skip
    if kind == NotificationKind.QUOTE:
        who = _who(post) if post.is_visible else "Someone"
        return Shown(n, f"{who} quoted you in {title}", "Someone quoted one of your posts.",
                     "Someone quoted you on Blossom", url)  # fmt: skip
    if kind == NotificationKind.REACTION:
        count = counts.get((n.post_id, n.detail), 0)
        one, many = REACTION_WORDS.get(n.detail, ("reacted", "reacted"))
        if count == 0:
            return Shown(n, f"A reaction on your post in {title} was taken back",
                         "A reaction on one of your posts was taken back.",
                         "Kind words on Blossom", url)  # fmt: skip
        parents = f"1 parent {one}" if count == 1 else f"{count:,} parents {many}"
        return Shown(n, f"{parents} on your post in {title}", f"{parents} on one of your posts.",
                     "Kind words on Blossom", url)  # fmt: skip
    if kind == NotificationKind.HELPED:
        return Shown(n, f"Your reply in {title} helped the parent who started it",
                     "Your reply helped the parent who started a thread.",
                     "Your reply helped someone on Blossom", url)  # fmt: skip
    if kind == NotificationKind.REPORT:
        text = REPORT_OUTCOMES.get(n.detail, "A moderator looked at a post you reported.")
        return Shown(n, text, text, "About a post you reported on Blossom", url_for("reports.mine"))
    return _decision(n, title, url)


def _decision(n: Notification, title: str, url: str) -> Shown:
    action = n.action
    text = DECISIONS.get(n.detail, "A message from the moderators")
    if action is not None and action.detail and n.detail in (Action.SUSPEND, Action.APPEAL):
        text = f"{text} ({action.detail})"  # "7 days", "overturned"
    if title and n.post is not None and n.kind == NotificationKind.MODERATION:
        text = f"{text} in {title}"
    if action is not None:
        text = f"{text}. Their reason: {action.reason}"
    if n.kind == NotificationKind.WARNING or n.post is None:
        url = url_for("reports.notices")
    return Shown(n, text, "The moderators have a message for you about your post or account.",
                 "A message from the Blossom moderators", url)  # fmt: skip


def preloaded(statement: Select) -> Select:
    """What describing a notification reads, loaded with it."""
    return statement.options(
        joinedload(Notification.post).joinedload(Post.author),
        joinedload(Notification.post).joinedload(Post.thread),
        joinedload(Notification.thread),
        joinedload(Notification.action),
    )


def page_of(user: User, page: int, per_page: int) -> tuple[list[Shown], int]:
    """A page of a member's notifications, newest first, and how many they have in all."""
    total = db.session.scalar(
        select(func.count()).select_from(Notification).where(Notification.user_id == user.id)
    )
    rows = db.session.scalars(
        preloaded(select(Notification).where(Notification.user_id == user.id))
        .order_by(Notification.updated_at.desc(), Notification.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    return describe(list(rows)), total or 0


def unread_statement(user: User) -> Select:
    """The bell's number, as a statement the header reads with its other counts."""
    return (
        select(func.count())
        .select_from(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
    )


def own_notification(user: User, notification_id: int) -> Notification | None:
    """The member's notification; None for anyone else's, as for one that doesn't exist."""
    notification = db.session.get(Notification, notification_id)
    return notification if notification is not None and notification.user_id == user.id else None


def mark_read(notification: Notification) -> None:
    if notification.read_at is None:
        notification.read_at = utcnow()


def mark_all_read(user: User) -> int:
    return db.session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    ).rowcount
