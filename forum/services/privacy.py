"""A member's own data: deleting their account (downloading it is data_download.py).

Both ask for the password and are recorded. Nothing in a download names another member who
posted anonymously: a notification about an anonymous reply carries only its label.
"""

import random
from datetime import datetime, timedelta

from flask_babel import gettext
from sqlalchemy import delete, select, update
from werkzeug.security import check_password_hash

from forum import page_cache
from forum import queue as jobs
from forum.database import db, utcnow
from forum.models import (
    AccessToken,
    Block,
    Delivery,
    Draft,
    Mention,
    Notification,
    OutgoingEmail,
    Post,
    PostRevision,
    PrivacyRequest,
    PrivacyRequestKind,
    Role,
    SecurityEvent,
    Subscription,
    Thread,
    ThreadVisit,
    User,
)
from forum.services import care, message_privacy, posting, push, search, uploads
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
        raise ServiceError(gettext("That isn't your password. Nothing was changed."), "password")


def _when(moment: datetime | None) -> str | None:
    return moment.isoformat(timespec="seconds") + "Z" if moment else None


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
    care.forget(user)
    push.forget(user)
    uploads.discard_member_uploads(user)
    message_privacy.erase(user)
    for model, column in (
        (Notification, Notification.user_id),
        (Subscription, Subscription.user_id),
        (ThreadVisit, ThreadVisit.user_id),
        (Block, Block.blocker_id),
        (Mention, Mention.user_id),
        (OutgoingEmail, OutgoingEmail.user_id),
        (Draft, Draft.user_id),
        (AccessToken, AccessToken.user_id),
        (SecurityEvent, SecurityEvent.user_id),
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
            email_helping=Delivery.NEVER,
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
    uploads.discard_post_images(post)
    db.session.flush()
    posting.visibility_changed(post, was_visible)
    db.session.execute(delete(PostRevision).where(PostRevision.post_id == post.id))
