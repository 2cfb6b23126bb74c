"""Telling members what happened: in the app, and by email as each of them chooses.

A notification names who acted exactly as the thread page does: an anonymous post's author is
"Anonymous parent ...", never a name. Moderators act as "the moderators". Reactions of one kind on
one post gather in one row ("4 parents sent hugs on your post").
"""

from collections.abc import Iterable
from dataclasses import dataclass

from flask import url_for
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from forum.database import db, utcnow
from forum.models import (
    TOPIC_OF,
    Action,
    Block,
    Delivery,
    EmailTopic,
    FollowState,
    ModerationAction,
    Notification,
    NotificationKind,
    Post,
    Reaction,
    ReactionKind,
    ReportStatus,
    Subscription,
    Thread,
    User,
)
from forum.services import links, mail
from forum.services.errors import NotAllowed, ServiceError
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


# Following


def set_follow(user: User, thread: Thread, state: str) -> None:
    """Follow a thread, mute it (no replies from it, even in one's own thread), or neither."""
    if state not in (FollowState.FOLLOWING, FollowState.MUTED, FollowState.NONE):
        raise ServiceError("Choose to follow, mute or stop following.")
    db.session.execute(
        delete(Subscription).where(
            Subscription.user_id == user.id, Subscription.thread_id == thread.id
        )
    )
    if state != FollowState.NONE:
        db.session.add(
            Subscription(user_id=user.id, thread_id=thread.id, muted=state == FollowState.MUTED)
        )
    db.session.flush()


def follow_automatically(user: User, thread: Thread) -> None:
    """Starting or replying follows a thread, unless the member already chose otherwise."""
    try:
        with db.session.begin_nested():
            db.session.add(Subscription(user_id=user.id, thread_id=thread.id))
    except IntegrityError:
        pass  # already following, or muted: their choice stands


def followed_threads(user: User, page: int, per_page: int) -> tuple[list[Subscription], int]:
    """The threads a member follows or muted, latest activity first, and how many there are."""
    total = db.session.scalar(
        select(func.count()).select_from(Subscription).where(Subscription.user_id == user.id)
    )
    rows = db.session.scalars(
        select(Subscription)
        .join(Thread, Thread.id == Subscription.thread_id)
        .where(Subscription.user_id == user.id)
        .options(joinedload(Subscription.thread).joinedload(Thread.category))
        .order_by(Thread.last_post_at.desc(), Thread.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    return list(rows), total or 0


# Telling members


def _recipients(ids: Iterable[int]) -> dict[int, User]:
    ids = set(ids)
    if not ids:
        return {}
    return {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids)))}


def _add(user: User, kind: NotificationKind, **fields) -> Notification | None:
    if user.is_deleted:  # nobody is there to tell
        return None
    notification = Notification(user_id=user.id, kind=kind, **fields)
    db.session.add(notification)
    db.session.flush()
    _count_unread(user.id, 1)
    _deliver(user, notification)
    return notification


def _count_unread(user_id: int, step: int) -> None:
    """The bell's number, kept on the member's row so no page has to count."""
    if step:
        db.session.execute(
            update(User)
            .where(User.id == user_id)
            .values(unread_notifications=User.unread_notifications + step)
            .execution_options(synchronize_session=False)
        )


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
        shown = describe([notification], user)[0]
    subject = shown.text if user.email_show_content else shown.subject
    mail.queue(
        user.email,
        subject,
        "notification",
        user=user,
        unsubscribe_url=links.unsubscribe_url(user, topic),
        items=[shown],
        show_content=user.email_show_content,
        topic=topic,
    )


def reply_posted(post: Post, quoted: Post | None = None) -> None:
    """Tell the thread's followers about a reply, and the quoted member that they were quoted."""
    thread = post.thread
    follower_ids = set(
        db.session.scalars(
            select(Subscription.user_id).where(
                Subscription.thread_id == thread.id,
                Subscription.muted.is_(False),
                Subscription.user_id != post.author_id,
            )
        )
    )
    quoted_id = None
    if (
        quoted is not None
        and quoted.thread_id == thread.id
        and quoted.author_id != post.author_id
        and any(line.lstrip().startswith(">") for line in post.body_markdown.splitlines())
    ):
        quoted_id = quoted.author_id
    if not post.anonymous:  # a member who blocked the author doesn't hear from them
        blockers = select(Block.blocker_id).where(Block.blocked_id == post.author_id)
        blocked_by = set(db.session.scalars(blockers))
        follower_ids -= blocked_by
        if quoted_id in blocked_by:
            quoted_id = None
    users = _recipients(follower_ids | ({quoted_id} if quoted_id else set()))
    if quoted_id:
        _add(users[quoted_id], NotificationKind.QUOTE, post_id=post.id, thread_id=thread.id)
    for user_id in sorted(follower_ids - {quoted_id}):
        _add(users[user_id], NotificationKind.REPLY, post_id=post.id, thread_id=thread.id)


def reacted(post: Post, kind: str) -> None:
    """A new reaction: the author's row for this kind on this post comes back, unread."""
    author = db.session.get(User, post.author_id)
    if author.is_deleted:
        return
    key = f"reaction:{post.id}:{kind}"
    now = utcnow()
    existing = db.session.scalar(
        select(Notification).where(Notification.user_id == author.id, Notification.group_key == key)
    )
    if existing is None:
        try:
            with db.session.begin_nested():
                existing = Notification(
                    user_id=author.id,
                    kind=NotificationKind.REACTION,
                    post_id=post.id,
                    thread_id=post.thread_id,
                    detail=kind,
                    group_key=key,
                    created_at=now,
                    updated_at=now,
                )
                db.session.add(existing)
        except IntegrityError:  # a reaction at the same moment made the row
            existing = db.session.scalar(
                select(Notification).where(
                    Notification.user_id == author.id, Notification.group_key == key
                )
            )
        else:
            _count_unread(author.id, 1)
            _deliver(author, existing)
            return
    unread_again = db.session.execute(
        update(Notification)
        .where(Notification.id == existing.id, Notification.read_at.is_not(None))
        .values(read_at=None)
        .execution_options(synchronize_session=False)
    ).rowcount
    _count_unread(author.id, unread_again)
    existing.updated_at, existing.read_at = now, None
    db.session.flush()
    _deliver(author, existing)


def marked_helped(post: Post) -> None:
    author = db.session.get(User, post.author_id)
    _add(author, NotificationKind.HELPED, post_id=post.id, thread_id=post.thread_id)


def moderation_recorded(entry: ModerationAction) -> None:
    """A decision about a member's post or account reaches them, with the reason."""
    if entry.action not in DECISIONS or entry.target_user_id is None:
        return
    member = db.session.get(User, entry.target_user_id)
    kind = NotificationKind.WARNING if entry.action == Action.WARN else NotificationKind.MODERATION
    _add(
        member,
        kind,
        post_id=entry.post_id,
        thread_id=entry.thread_id,
        detail=entry.action,
        message=entry.reason,
    )


def reports_resolved(post: Post, reporter_ids: Iterable[int | None], status: str) -> None:
    users = _recipients(i for i in reporter_ids if i is not None)
    for user_id in sorted(users):
        _add(users[user_id], NotificationKind.REPORT, post_id=post.id, detail=status)


# Reading


@dataclass(frozen=True)
class Shown:
    """A notification as a member reads it: what happened, and where it happened."""

    notification: Notification
    text: str  # may name the thread: shown in the app, and in emails only if the member opts in
    discreet: str  # says nothing of what was written, by whom, or where: for emails by default
    subject: str  # a discreet email subject
    url: str

    @property
    def unread(self) -> bool:
        return self.notification.read_at is None


def _who(post: Post) -> str:
    """Who wrote a post, as the thread page shows them to everyone."""
    return post.anonymous_label if post.anonymous else post.author.display_name


def describe(notifications: list[Notification], viewer: User) -> list[Shown]:
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
        count = max(counts.get((n.post_id, n.detail), 0), 1)
        one, many = REACTION_WORDS.get(n.detail, ("reacted", "reacted"))
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
    text = DECISIONS.get(n.detail, "A message from the moderators")
    if title and kind == NotificationKind.MODERATION and post is not None:
        text = f"{text} in {title}"
    if n.message:
        text = f"{text}. Their reason: {n.message}"
    if kind == NotificationKind.WARNING or post is None:
        url = url_for("reports.notices")
    return Shown(n, text, "The moderators have a message for you about your post or account.",
                 "A message from the Blossom moderators", url)  # fmt: skip


def page_of(user: User, page: int, per_page: int) -> tuple[list[Shown], int]:
    """A page of a member's notifications, newest first, and how many they have in all."""
    total = db.session.scalar(
        select(func.count()).select_from(Notification).where(Notification.user_id == user.id)
    )
    rows = list(
        db.session.scalars(
            select(Notification)
            .where(Notification.user_id == user.id)
            .options(
                joinedload(Notification.post).joinedload(Post.author),
                joinedload(Notification.post).joinedload(Post.thread),
                joinedload(Notification.thread),
            )
            .order_by(Notification.updated_at.desc(), Notification.id.desc())
            .limit(per_page)
            .offset((page - 1) * per_page)
        )
    )
    return describe(rows, user), total or 0


def unread_count(user: User) -> int:
    return user.unread_notifications if user.is_authenticated else 0


def own_notification(user: User, notification_id: int) -> Notification | None:
    """The member's notification; None for anyone else's, as for one that doesn't exist."""
    notification = db.session.get(Notification, notification_id)
    return notification if notification is not None and notification.user_id == user.id else None


def mark_read(user: User, notification: Notification) -> None:
    if notification.user_id != user.id:
        raise NotAllowed("That notification isn't yours.")
    read = db.session.execute(
        update(Notification)
        .where(Notification.id == notification.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    ).rowcount
    _count_unread(user.id, -read)


def mark_all_read(user: User) -> int:
    read = db.session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    ).rowcount
    _count_unread(user.id, -read)
    return read


# Email choices


TOPIC_LABELS = {
    EmailTopic.REPLIES: "Replies in threads you follow, and quotes of your posts",
    EmailTopic.REACTIONS: "Hugs, hearts and other reactions to your posts",
    EmailTopic.HELPED: "When your reply helped someone",
    EmailTopic.MODERATION: "Messages and decisions from the moderators, and your reports",
}


def set_email_choices(user: User, choices: dict[str, str], show_content: bool) -> None:
    for topic, delivery in choices.items():
        if topic not in set(EmailTopic) or delivery not in set(Delivery):
            raise ServiceError("Choose immediately, daily digest or never.", topic)
        setattr(user, f"email_{topic}", delivery)
    user.email_show_content = show_content


def unsubscribe_target(token: str) -> tuple[User, str]:
    """Whose email an unsubscribe link is for, and which kind ("digest" for the daily digest)."""
    payload = links.read_token("unsubscribe", token)
    user = db.session.get(User, payload.get("u")) if isinstance(payload.get("u"), int) else None
    topic = payload.get("t")
    if user is None or (topic != "digest" and topic not in set(EmailTopic)):
        raise links.BadLink("This unsubscribe link isn't right. You can change emails in Settings.")
    return user, topic


def describe_topic(topic: str) -> str:
    if topic == "digest":
        return "the daily digest"
    return f"emails about {TOPIC_LABELS[EmailTopic(topic)][0].lower()}{TOPIC_LABELS[EmailTopic(topic)][1:]}"


def unsubscribe(user: User, topic: str) -> None:
    """Stop one kind of email, or every kind that goes in the daily digest. No sign-in needed."""
    topics = (
        [t for t in EmailTopic if getattr(user, f"email_{t}") == Delivery.DAILY]
        if topic == "digest"
        else [topic]
    )
    for each in topics:
        setattr(user, f"email_{each}", Delivery.NEVER)
