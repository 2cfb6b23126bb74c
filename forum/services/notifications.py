"""What a member reads of her notifications: the words and the link of each, a page of them, and
marking them read.

A notification names who acted exactly as the thread page does: an anonymous post's author is
"Anonymous parent ...", never a name.
"""

from dataclasses import dataclass

from flask import url_for
from sqlalchemy import Select, func, select, update
from sqlalchemy.orm import joinedload

from forum.database import db, utcnow
from forum.models import (
    Action,
    Notification,
    NotificationKind,
    Post,
    Reaction,
    ReactionKind,
    ReportStatus,
    Thread,
    User,
)
from forum.pagination import post_url

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
# A report's outcome as its reporter reads it. Someone who worried a parent may be at risk cared
# about the parent, not the post: she hears that a moderator has seen it, whatever became of it.
AT_RISK_SEEN = "at_risk_seen"
REPORT_OUTCOMES = {
    ReportStatus.ACTIONED: "A moderator acted on a post you reported. Thank you for looking out for others.",
    ReportStatus.DISMISSED: "A moderator reviewed a post you reported and left it up.",
    AT_RISK_SEEN: "Thank you for looking out for them. A moderator has seen it and is keeping an eye on the thread.",
}


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
    title = f"“{thread.public_title}”" if thread else ""  # in emails and pushes too
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
    if kind == NotificationKind.MENTION:
        who = _who(post) if post.is_visible else "Someone"  # "Anonymous parent 2", never a name
        return Shown(n, f"{who} mentioned you in {title}", "Someone mentioned you in a post.",
                     "Someone mentioned you on Blossom", url)  # fmt: skip
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
    if kind == NotificationKind.NUDGE:
        # Discreet everywhere: the category alone, never the title's words or who wrote them.
        where = f"Someone is waiting for a reply in {thread.category.name}"
        return Shown(n, where, where, "Someone is waiting for a reply on Blossom",
                     url_for("threads.show", thread_id=thread.id))  # fmt: skip
    if kind in (NotificationKind.MESSAGE, NotificationKind.MESSAGE_REQUEST):
        # Names nobody, in any channel: a private reply's parties are aliases.
        url = url_for("messages.show", key=n.conversation.key) if n.conversation else url
        if kind == NotificationKind.MESSAGE_REQUEST:
            text = "Someone asked to talk with you privately"
            return Shown(n, text, f"{text}.", "A message request on Blossom", url)
        text = "You have a new private message"
        return Shown(n, text, f"{text}.", "A new message on Blossom", url)
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
        text = f"{text}. Their note: {action.reason}"
    if n.kind == NotificationKind.WARNING or n.post is None:
        url = url_for("reports.notices")
    return Shown(n, text, "The moderators have a message for you about your post or account.",
                 "A message from the Blossom moderators", url)  # fmt: skip


def preloaded(statement: Select) -> Select:
    """What describing a notification reads, loaded with it."""
    return statement.options(
        joinedload(Notification.post).joinedload(Post.author),
        joinedload(Notification.post).joinedload(Post.thread),
        joinedload(Notification.thread).joinedload(Thread.category),
        joinedload(Notification.action),
        joinedload(Notification.conversation),
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
