"""Starting threads, replying, editing and deleting posts.

Counters are changed with SQL increments, never read-modify-write in Python, so they stay exact
when many members post at once; a reply's position comes from the same atomic UPDATE.
"""

from collections.abc import Sequence
from datetime import datetime

from flask_babel import gettext
from sqlalchemy import ColumnElement, case, func, select, update

from forum import page_cache
from forum.database import db, utcnow
from forum.models import Category, Post, PostRevision, Thread, Upload, User
from forum.services import (
    accounts,
    drafts,
    following,
    mentions,
    notify,
    posting_rules,
    safety,
    uploads,
)
from forum.services.errors import NotAllowed
from forum.services.quoting import quotation as quotation  # where a quoting reply starts
from forum.services.text import plain_text, render_markdown


def start_thread(
    author: User,
    category: Category,
    title: str,
    body: str,
    *,
    anonymous: bool = False,
    content_note: str | None = None,
    photos: Sequence[Upload] = (),
    at: datetime | None = None,
) -> Thread:
    """Start a thread, with the photos she sent for it. `at` backdates it, for demo content."""
    accounts.ensure_can_post(author)
    posting_rules.check_title(title)
    posting_rules.check_content_note(content_note)
    posting_rules.refuse_duplicate(author, body)
    now = at or utcnow()
    thread = Thread(
        category=category,
        author=author,
        title=title,
        anonymous=anonymous,
        content_note=content_note or None,
        created_at=now,
        last_post_at=now,
        post_count=1,
        reply_count=0,
        first_thread=_first_thread(author),
    )
    db.session.add(thread)
    db.session.flush()
    post = _new_post(thread, author, 1, body, now, anonymous, content_note)
    post.anonymous_number = 1 if anonymous else None
    db.session.add(post)
    db.session.flush()
    uploads.attach(author, post, photos)
    db.session.execute(
        update(Category)
        .where(Category.id == category.id)
        .values(
            thread_count=Category.thread_count + 1,
            last_post_at=_later(Category.last_post_at, now),
        )
    )
    if not anonymous:  # anonymous posts count in none of the member's public numbers
        db.session.execute(
            update(User)
            .where(User.id == author.id)
            .values(thread_count=User.thread_count + 1, post_count=User.post_count + 1)
        )
    db.session.flush()
    thread.reads_as_crisis = safety.check_post(post, f"{title}\n{body}")
    mentions.record(post)
    following.follow_automatically(author, thread)
    drafts.discard_thread(author, category)  # posted: the draft it was is done with
    page_cache.changed(listings=True)
    return thread


def _first_thread(author: User) -> bool:
    """Whether she has never started a thread before, named or anonymous."""
    return (
        db.session.scalar(select(Thread.id).where(Thread.author_id == author.id).limit(1)) is None
    )


def reply(
    author: User,
    thread: Thread,
    body: str,
    *,
    anonymous: bool = False,
    content_note: str | None = None,
    kindness_confirmed: bool = False,
    named_confirmed: bool = False,
    quoted: Post | None = None,
    photos: Sequence[Upload] = (),
    at: datetime | None = None,
) -> Post:
    """Add a reply at the next position. `at` backdates it, for demo content."""
    accounts.ensure_can_post(author)
    posting_rules.check_content_note(content_note)
    posting_rules.refuse_duplicate(author, body)
    # Crisis first: someone who may be at risk is never held back, not even for a second look
    # (she can still make her reply anonymous from the support panel on it).
    if not safety.mentions_crisis(body):
        posting_rules.pause_before_posting(
            author, thread, body, anonymous, kindness_confirmed, named_confirmed
        )
    now = at or utcnow()
    # Taking the next position locks the thread's row until commit, so positions never collide
    # (nor do anonymous numbers, given out below under the same lock).
    position = db.session.scalar(
        update(Thread)
        .where(Thread.id == thread.id, Thread.locked.is_(False))
        .values(
            post_count=Thread.post_count + 1,
            reply_count=Thread.reply_count + 1,
            last_post_at=_later(Thread.last_post_at, now),
        )
        .returning(Thread.post_count)
    )
    if position is None:
        raise posting_rules.ThreadLocked()
    post = _new_post(thread, author, position, body, now, anonymous, content_note)
    if anonymous:
        post.anonymous_number = anonymous_number(thread, author)
    db.session.add(post)
    db.session.flush()
    uploads.attach(author, post, photos)
    db.session.execute(
        update(Category)
        .where(Category.id == thread.category_id)
        .values(last_post_at=_later(Category.last_post_at, now))
    )
    if not anonymous:
        db.session.execute(
            update(User).where(User.id == author.id).values(post_count=User.post_count + 1)
        )
    db.session.flush()
    safety.check_post(post, body)
    notify.reply_posted(post, quoted)
    mentions.record(post)
    following.follow_automatically(author, thread)
    drafts.discard_reply(author, thread)  # posted: the draft it was is done with
    page_cache.changed(thread_id=thread.id, listings=True)
    return post


def anonymous_number(thread: Thread, author: User) -> int:
    """The author's number in this thread: the one they had, else the next free one."""
    if thread.anonymous and thread.author_id == author.id:
        return 1
    mine = db.session.scalar(
        select(Post.anonymous_number)
        .where(Post.thread_id == thread.id, Post.author_id == author.id, Post.anonymous)
        .limit(1)
    )
    if mine is not None:
        return mine
    highest = db.session.scalar(
        select(func.max(Post.anonymous_number)).where(Post.thread_id == thread.id)
    )
    return max(highest or 1, 1) + 1


def edit_post(editor: User, post: Post, body: str, title: str | None = None) -> PostRevision | None:
    """Change a post, keeping what it said before as a revision. None when nothing changed."""
    accounts.ensure_can_write(editor)
    if not post.can_edit(editor):
        raise NotAllowed(gettext("You can only edit your own posts, and not in a locked thread."))
    revision = revise(editor, post, body, title)
    drafts.discard_edit(editor, post)  # saved: the draft of these changes is done with
    words = f"{title or ''}\n{body}"
    if revision is not None:
        safety.check_post(post, words)
    else:  # nothing new to report, but the page still answers what the words say
        post.reads_as_crisis = safety.mentions_crisis(words)
    return revision


def revise(editor: User, post: Post, body: str, title: str | None = None) -> PostRevision | None:
    """Change a post's text (and the thread's title, for an opening post), keeping the old one.

    No checks here: edit_post checks an author, the moderation service a moderator.
    """
    # Read the text as it stands now, holding the row, so two edits at once both leave a revision.
    lock_row(Post, post.id, refresh=True)
    thread = post.thread
    new_title = title.strip() if title is not None and post.is_opening else thread.title
    posting_rules.check_title(new_title)
    if body == post.body_markdown and new_title == thread.title:
        return None
    revision = PostRevision(
        post=post,
        editor=editor,
        body_markdown=post.body_markdown,
        title=thread.title if new_title != thread.title else None,
        created_at=utcnow(),
    )
    db.session.add(revision)
    post.body_markdown = body
    post.body_html = mentions.link(render_markdown(body))[0]  # nobody is told again
    post.body_text = plain_text(post.body_html)
    post.edited_at = revision.created_at
    thread.title = new_title
    db.session.flush()
    page_cache.changed(thread_id=thread.id, listings=True)
    return revision


def delete_post(actor: User, post: Post) -> None:
    """The author takes a post down. It stays in place as "deleted by its author"."""
    accounts.ensure_can_write(actor)
    # Read the post as it stands, holding its row: a moderator hiding it at this moment either
    # finished first (and it is read hidden) or waits, so only one of them counts it out.
    lock_row(Post, post.id, refresh=True)
    if not post.can_edit(actor):
        raise NotAllowed(gettext("You can only delete your own posts, and not in a locked thread."))
    was_visible = post.is_visible
    deleted = db.session.execute(
        update(Post)
        .where(Post.id == post.id, Post.deleted_at.is_(None))
        .values(deleted_at=utcnow())
    ).rowcount
    if deleted:  # a second click changes nothing
        uploads.discard_post_images(post)
        visibility_changed(post, was_visible)


def visibility_changed(post: Post, was_visible: bool) -> None:
    """Bring the counters in line after a post was deleted, hidden, removed or restored.

    Only visible posts count: in the thread's replies and last activity, the member's posts,
    and the category's last activity. Everything is done in SQL from what is stored.
    Called whenever a post's status or deletion changes, even if it stays out of sight, by a
    caller that read `was_visible` while holding the post's row (lock_row), so two changes at
    once never both count the same post in or out.
    """
    page_cache.changed(thread_id=post.thread_id, listings=True)
    if post.is_visible == was_visible:
        return
    step = 1 if post.is_visible else -1
    thread_id, category_id = post.thread_id, post.thread.category_id
    # Wait for anyone posting in this thread or category right now, so that the latest post
    # read below includes theirs (PostgreSQL; SQLite writers queue already).
    # FOR NO KEY UPDATE: the same lock a reply's UPDATE takes, without blocking foreign keys.
    lock_row(Thread, thread_id)
    lock_row(Category, category_id)
    latest_post = (
        select(func.max(Post.created_at))
        .where(
            Post.thread_id == thread_id,
            Post.is_visible,
        )
        .scalar_subquery()
    )
    db.session.execute(
        update(Thread)
        .where(Thread.id == thread_id)
        .values(
            reply_count=Thread.reply_count + (0 if post.is_opening else step),
            last_post_at=func.coalesce(latest_post, Thread.created_at),
            # The title follows its opening post (Thread.title_for).
            opening_shown=post.is_visible if post.is_opening else Thread.opening_shown,
        )
    )
    if post.is_opening:
        db.session.expire(post.thread, ["opening_shown"])
    db.session.execute(
        update(Category)
        .where(Category.id == category_id)
        .values(
            last_post_at=select(func.max(Thread.last_post_at))
            .where(Thread.category_id == category_id)
            .scalar_subquery()
        )
    )
    if not post.anonymous:
        db.session.execute(
            update(User).where(User.id == post.author_id).values(post_count=User.post_count + step)
        )
    db.session.flush()


def lock_row(model, row_id: int, refresh: bool = False) -> None:
    """Hold a row until commit (PostgreSQL; on SQLite the write lock is held already).

    With refresh, the object in the session is read again as it stands now.
    """
    statement = select(model).where(model.id == row_id).with_for_update(key_share=True)
    if refresh:
        statement = statement.execution_options(populate_existing=True)
    db.session.scalars(statement).one()


def _later(column, moment: datetime) -> ColumnElement:
    """The later of a stored time and this one: writers finishing out of order never go back."""
    return case((column > moment, column), else_=moment)


def _new_post(
    thread: Thread,
    author: User,
    position: int,
    body: str,
    now: datetime,
    anonymous: bool,
    content_note: str | None,
) -> Post:
    html, mentioned = mentions.link(render_markdown(body))
    post = Post(
        thread_id=thread.id,
        author_id=author.id,
        position=position,
        anonymous=anonymous,
        content_note=content_note or None,
        body_markdown=body,
        body_html=html,
        body_text=plain_text(html),
        created_at=now,
    )
    post.mentioned = mentioned
    return post
