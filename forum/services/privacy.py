"""A member's own data: downloading all of it, and deleting their account.

Both ask for the password and are recorded. Nothing in a download names another member who
posted anonymously: a notification about an anonymous reply carries only its label.
"""

import random
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import joinedload
from werkzeug.security import check_password_hash

from forum import page_cache
from forum import queue as jobs
from forum.database import db, utcnow
from forum.models import (
    Block,
    Delivery,
    MemberWarning,
    Notification,
    OutgoingEmail,
    Post,
    PostRevision,
    PrivacyRequest,
    PrivacyRequestKind,
    Reaction,
    Report,
    Role,
    Subscription,
    Thread,
    ThreadVisit,
    User,
)
from forum.services import notifications, posting, search
from forum.services.errors import ServiceError

FORMER_MEMBER = "A former member"
# A thread whose starter deleted their account with their posts keeps its replies under this.
REMOVED_TITLE = "Removed by the parent who started it"
# When a deleted member's anonymous posts lose their words: each at its own random moment in this
# window after the account goes, like any author deleting a post.
REMOVAL_WINDOW = (timedelta(hours=1), timedelta(days=3))
_random = random.SystemRandom()
# Passwords are checked against hashes of the form "method$salt$hash"; this is none of them.
UNUSABLE_PASSWORD = "account-deleted"  # noqa: S105 -- matches no password: not a hash


def _confirm(user: User, password: str) -> None:
    if user.is_deleted or not check_password_hash(user.password_hash, password or ""):
        raise ServiceError("That isn't your password. Nothing was changed.", "password")


def _when(moment: datetime | None) -> str | None:
    return moment.isoformat(timespec="seconds") + "Z" if moment else None


def export_data(user: User, password: str) -> dict[str, Any]:
    """Everything Blossom holds about a member, as plain data for a JSON file. Recorded."""
    _confirm(user, password)
    db.session.add(PrivacyRequest(user_id=user.id, kind=PrivacyRequestKind.EXPORT))
    posts = db.session.scalars(
        select(Post)
        .where(Post.author_id == user.id)
        .options(joinedload(Post.thread))
        .order_by(Post.created_at, Post.id)
    )
    reactions = db.session.execute(
        select(Reaction, Post.thread_id)
        .join(Post, Post.id == Reaction.post_id)
        .where(Reaction.user_id == user.id)
        .order_by(Reaction.created_at, Reaction.id)
    )
    reports = db.session.scalars(
        select(Report).where(Report.reporter_id == user.id).order_by(Report.created_at, Report.id)
    )
    rows = list(
        db.session.scalars(
            notifications.preloaded(
                select(Notification).where(Notification.user_id == user.id)
            ).order_by(Notification.created_at, Notification.id)
        )
    )
    follows = db.session.scalars(
        select(Subscription)
        .where(Subscription.user_id == user.id)
        .options(joinedload(Subscription.thread))
        .order_by(Subscription.created_at, Subscription.id)
    )
    visits = db.session.execute(
        select(ThreadVisit, Thread.title)
        .join(Thread, Thread.id == ThreadVisit.thread_id)
        .where(ThreadVisit.user_id == user.id)
        .order_by(ThreadVisit.seen_at, ThreadVisit.thread_id)
    )
    blocks = db.session.scalars(
        select(Block).where(Block.blocker_id == user.id).options(joinedload(Block.blocked))
    )
    warnings = db.session.scalars(
        select(MemberWarning)
        .where(MemberWarning.user_id == user.id)
        .order_by(MemberWarning.created_at)
    )
    requests = db.session.scalars(
        select(PrivacyRequest).where(PrivacyRequest.user_id == user.id).order_by(PrivacyRequest.id)
    )
    return {
        "exported_at": _when(utcnow()),
        "profile": {
            "username": user.username,
            "email": user.email,
            "email_confirmed_at": _when(user.email_verified_at),
            "display_name": user.display_name,
            "bio": user.bio,
            "role": user.role,
            "joined_at": _when(user.created_at),
            "last_seen_at": _when(user.last_seen_at),
            "suspended_until": _when(user.suspended_until),
            "banned_at": _when(user.banned_at),
            "post_count": user.post_count,
            "thread_count": user.thread_count,
            "email_choices": {
                "own_threads": user.email_own_threads,
                "replies": user.email_replies,
                "reactions": user.email_reactions,
                "helped": user.email_helped,
                "moderation": user.email_moderation,
                "show_content": user.email_show_content,
            },
        },
        "posts": [
            {
                "id": post.id,
                "thread_id": post.thread_id,
                "thread_title": post.thread.title
                if post.thread.author_id == user.id
                else post.thread.public_title,
                "started_the_thread": post.is_opening,
                "position": post.position,
                "anonymous": post.anonymous,
                "shown_as": post.anonymous_label if post.anonymous else user.display_name,
                "content_note": post.content_note,
                "body_markdown": post.body_markdown,
                "created_at": _when(post.created_at),
                "edited_at": _when(post.edited_at),
                "deleted_at": _when(post.deleted_at),
                "status": post.status,
                "moderators_reason": post.moderation_reason,
                "marked_helpful_at": _when(post.helped_at),
            }
            for post in posts
        ],
        "reactions_given": [
            {
                "post_id": reaction.post_id,
                "thread_id": thread_id,
                "kind": reaction.kind,
                "created_at": _when(reaction.created_at),
            }
            for reaction, thread_id in reactions
        ],
        "reports_filed": [
            {
                "post_id": report.post_id,
                "reason": report.reason_label,
                "details": report.details,
                "status": report.status,
                "outcome": report.resolution,
                "created_at": _when(report.created_at),
                "resolved_at": _when(report.resolved_at),
            }
            for report in reports
        ],
        # In the words the notifications page uses: anonymous posters appear only by their label.
        "notifications": [
            {
                "kind": shown.notification.kind,
                "text": shown.text,
                "link": shown.url,
                "created_at": _when(shown.notification.created_at),
                "read_at": _when(shown.notification.read_at),
            }
            for shown in notifications.describe(rows)
        ],
        "following": [
            {
                "thread_id": follow.thread_id,
                "thread_title": follow.thread.public_title,
                "muted": follow.muted,
                "since": _when(follow.created_at),
            }
            for follow in follows
        ],
        # How far she has read each thread she opened: what "new replies" on her lists count from.
        "threads_read": [
            {
                "thread_id": visit.thread_id,
                "thread_title": title,
                "read_up_to_post": visit.last_seen_position,
                "last_looked": _when(visit.seen_at),
            }
            for visit, title in visits
        ],
        "blocked_members": [
            block.blocked.username for block in blocks if not block.blocked.is_deleted
        ],
        "moderator_warnings": [
            {
                "message": warning.message,
                "created_at": _when(warning.created_at),
                "read_at": _when(warning.acknowledged_at),
            }
            for warning in warnings
        ],
        "privacy_requests": [
            {"kind": request.kind, "created_at": _when(request.created_at)} for request in requests
        ],
    }


def delete_account(user: User, password: str, keep_posts: bool) -> None:
    """Scrub everything that names the member, and remove their posts or keep them unsigned.

    The row stays (posts, reports and the moderation log point at it), under a name nobody can
    register or look up; the username and email are free for anyone to use again. Anonymous
    posts stay anonymous either way. Recorded; the caller commits and signs the member out.
    """
    _confirm(user, password)
    kind = (
        PrivacyRequestKind.DELETE_KEEPING_POSTS
        if keep_posts
        else PrivacyRequestKind.DELETE_REMOVING_POSTS
    )
    db.session.add(PrivacyRequest(user_id=user.id, kind=kind))
    page_cache.changed(everything=True)  # their name, and perhaps their posts, leave every page
    if not keep_posts:
        _remove_posts(user)
    for model, column in (
        (Notification, Notification.user_id),
        (Subscription, Subscription.user_id),
        (ThreadVisit, ThreadVisit.user_id),
        (Block, Block.blocker_id),
        (OutgoingEmail, OutgoingEmail.user_id),
    ):
        db.session.execute(delete(model).where(column == user.id))
    # A name that fails the username rules: nobody can sign up as it, or find a profile by it.
    placeholder = f"~former-member-{user.id}"
    db.session.execute(
        update(User)
        .where(User.id == user.id)
        .values(
            username=placeholder,
            username_key=placeholder,
            email=placeholder,
            email_key=placeholder,
            email_verified_at=None,
            password_hash=UNUSABLE_PASSWORD,
            display_name=FORMER_MEMBER,
            bio="",
            role=Role.MEMBER,
            last_seen_at=None,
            email_own_threads=Delivery.NEVER,
            email_replies=Delivery.NEVER,
            email_reactions=Delivery.NEVER,
            email_helped=Delivery.NEVER,
            email_moderation=Delivery.NEVER,
            email_show_content=False,
            deleted_at=utcnow(),
        )
    )
    db.session.flush()
    db.session.refresh(user)


def _remove_posts(user: User) -> None:
    """Her named posts show as deleted in place at once, their words and earlier versions gone;
    the titles of the threads she started under her name are replaced.

    Her anonymous posts change nothing now: changed in the same moment as her named ones, they
    would tell anyone watching the listings (a title replaced, a thread's replies and latest
    activity going down) that they were hers. Each is given a moment of its own, at random
    within REMOVAL_WINDOW, when remove_due_posts erases it as its author deleting it would.
    """
    now = utcnow()
    posts = list(
        db.session.scalars(
            select(Post)
            .where(Post.author_id == user.id)
            .order_by(Post.id)
            .with_for_update(key_share=True)
            .execution_options(populate_existing=True)
        )
    )
    earliest, latest = (window.total_seconds() for window in REMOVAL_WINDOW)
    for post in posts:
        if post.anonymous:
            post.remove_at = now + timedelta(seconds=_random.uniform(earliest, latest))
        else:
            _erase(post, now)
    db.session.execute(
        update(Thread)
        .where(Thread.author_id == user.id, Thread.anonymous.is_(False))
        .values(title=REMOVED_TITLE, content_note=None)
    )
    db.session.flush()
    search.purge_erased()


@jobs.periodic_task(jobs.crontab(minute="*/5"))
def remove_posts_when_due() -> None:
    """Every five minutes, as `remove-due-posts` from cron would."""
    remove_due_posts()
    db.session.commit()


def remove_due_posts(now: datetime | None = None) -> int:
    """Erase the anonymous posts of deleted accounts whose moment has come; how many."""
    now = now or utcnow()
    posts = list(
        db.session.scalars(
            select(Post)
            .where(Post.remove_at.is_not(None), Post.remove_at <= now)
            .order_by(Post.id)
            .with_for_update(key_share=True)
            .execution_options(populate_existing=True)
        )
    )
    for post in posts:
        _erase(post, now)
        post.remove_at = None
        if post.is_opening:
            db.session.execute(
                update(Thread)
                .where(Thread.id == post.thread_id)
                .values(title=REMOVED_TITLE, content_note=None)
            )
    db.session.flush()
    if posts:
        search.purge_erased()
    return len(posts)


def _erase(post: Post, now: datetime) -> None:
    """Every copy of the post's words goes (the search index's follows, by its triggers); it
    shows as deleted by its author, and the counters follow through posting.visibility_changed,
    as when a member deletes one post."""
    was_visible = post.is_visible
    post.deleted_at = post.deleted_at or now
    post.body_markdown = post.body_html = post.body_text = ""
    post.content_note = None
    db.session.flush()
    posting.visibility_changed(post, was_visible)
    db.session.execute(delete(PostRevision).where(PostRevision.post_id == post.id))
