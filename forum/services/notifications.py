"""What a member reads of her notifications: the words and the link of each, a page of them, and
marking them read.

A notification names who acted exactly as the thread page does: an anonymous post's author is
"Anonymous parent ...", never a name.
"""

from dataclasses import dataclass

from flask import url_for
from flask_babel import format_number, gettext, lazy_gettext, ngettext
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
from forum.services import labels

# Moderation decisions a member hears about, and how each reads to them: alone, and about a post
# in a thread (the thread's title in the sentence).
DECISIONS = {
    Action.HIDE: (
        lazy_gettext("A moderator hid your post"),
        lazy_gettext("A moderator hid your post in “%(title)s”"),
    ),
    Action.REMOVE: (
        lazy_gettext("A moderator removed your post"),
        lazy_gettext("A moderator removed your post in “%(title)s”"),
    ),
    Action.RESTORE: (
        lazy_gettext("A moderator restored your post"),
        lazy_gettext("A moderator restored your post in “%(title)s”"),
    ),
    Action.EDIT: (
        lazy_gettext("A moderator edited your post"),
        lazy_gettext("A moderator edited your post in “%(title)s”"),
    ),
    Action.WARN: (
        lazy_gettext("The moderators sent you a message"),
        lazy_gettext("The moderators sent you a message about your post in “%(title)s”"),
    ),
    Action.SUSPEND: (
        lazy_gettext("Your account was suspended"),
        lazy_gettext("Your account was suspended, after your post in “%(title)s”"),
    ),
    Action.UNSUSPEND: (
        lazy_gettext("Your suspension was lifted"),
        lazy_gettext("Your suspension was lifted"),
    ),
    Action.APPEAL: (
        lazy_gettext("The moderators answered your appeal"),
        lazy_gettext("The moderators answered your appeal about your post in “%(title)s”"),
    ),
}
# A report's outcome as its reporter reads it. Someone who worried a parent may be at risk cared
# about the parent, not the post: she hears that a moderator has seen it, whatever became of it.
AT_RISK_SEEN = "at_risk_seen"
REPORT_OUTCOMES = {
    ReportStatus.ACTIONED: lazy_gettext(
        "A moderator acted on a post you reported. Thank you for looking out for others."
    ),
    ReportStatus.DISMISSED: lazy_gettext(
        "A moderator reviewed a post you reported and left it up."
    ),
    AT_RISK_SEEN: lazy_gettext(
        "Thank you for looking out for them. A moderator has seen it and is keeping an eye on "
        "the thread."
    ),
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
    shown = post.anonymous_label if post.anonymous else post.author.display_name
    return labels.shown(shown)  # a label (or a former member's) in the reader's language


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


def _reactions(kind: str | None, count: int, title: str) -> tuple[str, str]:
    """ "4 parents sent hugs on your post in “...”", and the same without the thread."""
    num = format_number(count)
    if kind == ReactionKind.HEART:
        return (
            ngettext("%(count)s parent sent a heart on your post in “%(title)s”",
                     "%(count)s parents sent hearts on your post in “%(title)s”",
                     count, count=num, title=title),
            ngettext("%(count)s parent sent a heart on one of your posts.",
                     "%(count)s parents sent hearts on one of your posts.", count, count=num),
        )  # fmt: skip
    if kind == ReactionKind.HUG:
        return (
            ngettext("%(count)s parent sent a hug on your post in “%(title)s”",
                     "%(count)s parents sent hugs on your post in “%(title)s”",
                     count, count=num, title=title),
            ngettext("%(count)s parent sent a hug on one of your posts.",
                     "%(count)s parents sent hugs on one of your posts.", count, count=num),
        )  # fmt: skip
    if kind == ReactionKind.ME_TOO:
        return (
            ngettext("%(count)s parent said “me too” on your post in “%(title)s”",
                     "%(count)s parents said “me too” on your post in “%(title)s”",
                     count, count=num, title=title),
            ngettext("%(count)s parent said “me too” on one of your posts.",
                     "%(count)s parents said “me too” on one of your posts.", count, count=num),
        )  # fmt: skip
    if kind == ReactionKind.GOT_THIS:
        return (
            ngettext("%(count)s parent said “you've got this” on your post in “%(title)s”",
                     "%(count)s parents said “you've got this” on your post in “%(title)s”",
                     count, count=num, title=title),
            ngettext("%(count)s parent said “you've got this” on one of your posts.",
                     "%(count)s parents said “you've got this” on one of your posts.",
                     count, count=num),
        )  # fmt: skip
    if kind == ReactionKind.THANK_YOU:
        return (
            ngettext("%(count)s parent said thank you on your post in “%(title)s”",
                     "%(count)s parents said thank you on your post in “%(title)s”",
                     count, count=num, title=title),
            ngettext("%(count)s parent said thank you on one of your posts.",
                     "%(count)s parents said thank you on one of your posts.", count, count=num),
        )  # fmt: skip
    return (
        ngettext("%(count)s parent reacted to your post in “%(title)s”",
                 "%(count)s parents reacted to your post in “%(title)s”",
                 count, count=num, title=title),
        ngettext("%(count)s parent reacted to one of your posts.",
                 "%(count)s parents reacted to one of your posts.", count, count=num),
    )  # fmt: skip


def _describe(n: Notification, counts: dict) -> Shown:
    post, thread = n.post, n.thread or (n.post.thread if n.post else None)
    title = thread.public_title if thread else ""  # in emails and pushes too
    url = post_url(post) if post is not None else url_for("reports.notices")
    kind = NotificationKind(n.kind)
    if kind in (NotificationKind.REPLY, NotificationKind.QUOTE, NotificationKind.MENTION):
        # "Anonymous parent 2", never a name, for an anonymous post
        who = _who(post) if post.is_visible else gettext("Someone")
        if kind == NotificationKind.REPLY:
            return Shown(n, gettext("%(who)s replied in “%(title)s”", who=who, title=title),
                         gettext("There's a new reply in a thread you follow."),
                         gettext("New reply on Blossom"), url)  # fmt: skip
        if kind == NotificationKind.QUOTE:
            return Shown(n, gettext("%(who)s quoted you in “%(title)s”", who=who, title=title),
                         gettext("Someone quoted one of your posts."),
                         gettext("Someone quoted you on Blossom"), url)  # fmt: skip
        return Shown(n, gettext("%(who)s mentioned you in “%(title)s”", who=who, title=title),
                     gettext("Someone mentioned you in a post."),
                     gettext("Someone mentioned you on Blossom"), url)  # fmt: skip
    if kind == NotificationKind.REACTION:
        count = counts.get((n.post_id, n.detail), 0)
        if count == 0:
            return Shown(n, gettext("A reaction on your post in “%(title)s” was taken back",
                                    title=title),
                         gettext("A reaction on one of your posts was taken back."),
                         gettext("Kind words on Blossom"), url)  # fmt: skip
        text, discreet = _reactions(n.detail, count, title)
        return Shown(n, text, discreet, gettext("Kind words on Blossom"), url)
    if kind == NotificationKind.HELPED:
        return Shown(n, gettext("Your reply in “%(title)s” helped the parent who started it",
                                title=title),
                     gettext("Your reply helped the parent who started a thread."),
                     gettext("Your reply helped someone on Blossom"), url)  # fmt: skip
    if kind == NotificationKind.NUDGE:
        # Discreet everywhere: the category alone, never the title's words or who wrote them.
        where = gettext("Someone is waiting for a reply in %(category)s",
                        category=thread.category.name)  # fmt: skip
        return Shown(n, where, where, gettext("Someone is waiting for a reply on Blossom"),
                     url_for("threads.show", thread_id=thread.id))  # fmt: skip
    if kind in (NotificationKind.MESSAGE, NotificationKind.MESSAGE_REQUEST):
        # Names nobody, in any channel: a private reply's parties are aliases.
        url = url_for("messages.show", key=n.conversation.key) if n.conversation else url
        if kind == NotificationKind.MESSAGE_REQUEST:
            return Shown(n, gettext("Someone asked to talk with you privately"),
                         gettext("Someone asked to talk with you privately."),
                         gettext("A message request on Blossom"), url)  # fmt: skip
        return Shown(n, gettext("You have a new private message"),
                     gettext("You have a new private message."),
                     gettext("A new message on Blossom"), url)  # fmt: skip
    if kind == NotificationKind.REPORT:
        outcome = REPORT_OUTCOMES.get(n.detail)
        text = str(outcome) if outcome else gettext("A moderator looked at a post you reported.")
        return Shown(n, text, text, gettext("About a post you reported on Blossom"),
                     url_for("reports.mine"))  # fmt: skip
    return _decision(n, title, url)


def _decision(n: Notification, title: str, url: str) -> Shown:
    action = n.action
    plain, about_post = DECISIONS.get(n.detail, (None, None))
    if plain is None:
        text = gettext("A message from the moderators")
    elif title and n.post is not None and n.kind == NotificationKind.MODERATION:
        text = str(about_post) % {"title": title}
    else:
        text = str(plain)
    if action is not None and action.detail and n.detail in (Action.SUSPEND, Action.APPEAL):
        text = gettext("%(decision)s (%(detail)s)", decision=text, detail=action.detail)
    if action is not None:
        text = gettext("%(decision)s. Their note: %(note)s", decision=text, note=action.reason)
    if n.kind == NotificationKind.WARNING or n.post is None:
        url = url_for("reports.notices")
    return Shown(n, text, gettext("The moderators have a message for you about your post or account."),
                 gettext("A message from the Blossom moderators"), url)  # fmt: skip


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
