"""Download my data: everything Blossom holds about a member, as plain data for a JSON file.

It asks for the password and is recorded. Nothing in it names another member who posted
anonymously: a notification about an anonymous reply carries only its label.
"""

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from forum.database import db, utcnow
from forum.models import (
    AccessToken,
    Block,
    MemberWarning,
    Notification,
    Post,
    PrivacyRequest,
    PrivacyRequestKind,
    Reaction,
    Report,
    SecurityEvent,
    Subscription,
    Thread,
    ThreadVisit,
    User,
)
from forum.services import (
    care,
    drafts,
    labels,
    message_privacy,
    notifications,
    push,
    uploads,
)
from forum.services.privacy import _confirm, _when


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
    keys = db.session.scalars(
        select(AccessToken).where(AccessToken.user_id == user.id).order_by(AccessToken.id)
    )
    events = db.session.scalars(
        select(SecurityEvent).where(SecurityEvent.user_id == user.id).order_by(SecurityEvent.id)
    )
    requests = db.session.scalars(
        select(PrivacyRequest).where(PrivacyRequest.user_id == user.id).order_by(PrivacyRequest.id)
    )
    kept_drafts = drafts.drafts_of(user, all_kept=True)
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
                "helping": user.email_helping,
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
                "shown_as": labels.shown(post.anonymous_label)
                if post.anonymous
                else user.display_name,
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
        # What she was writing and hasn't posted: only she ever sees these.
        "drafts": [
            {
                "kind": {"thread": "new thread", "edit": "changes to a post"}.get(
                    kept.draft.place, "reply"
                ),
                "where": kept.where,
                "title": kept.draft.title,
                "body": kept.draft.body,
                "content_note": kept.draft.content_note,
                "anonymous": kept.draft.anonymous,
                "started_at": _when(kept.draft.created_at),
                "saved_at": _when(kept.draft.updated_at),
            }
            for kept in kept_drafts
        ],
        # The devices she turned notifications on for, and her choices for them.
        "push_notifications": push.export(user),
        # Never the secret: only its hash is kept, and that is not hers to need.
        "access_tokens": [
            {
                "name": token.name,
                "starts_with": token.hint,
                "scopes": token.scope_list,
                "created_at": _when(token.created_at),
                "expires_at": _when(token.expires_at),
                "last_used_at": _when(token.last_used_at),
                "revoked_at": _when(token.revoked_at),
            }
            for token in keys
        ],
        "security_record": [
            {"what": event.detail, "when": _when(event.created_at)} for event in events
        ],
        # Every picture she sent that Blossom still keeps, the file itself inside.
        "images": uploads.member_images(user),
        "conversations": message_privacy.export(user),
        "privacy_requests": [
            {"kind": request.kind, "created_at": _when(request.created_at)} for request in requests
        ],
        # Her choices as a helper and the nudges she was sent (None: she never helped).
        "helping": care.helping_data(user),
    }
