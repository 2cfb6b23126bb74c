"""Second thoughts right after posting: its author makes a post anonymous, or puts it behind a
content note. Offered with the support panel, when someone who may be at risk realises how
exposed her words are."""

from flask_babel import gettext
from sqlalchemy import update

from forum import page_cache
from forum.database import db
from forum.models import Post, Thread, User
from forum.services import accounts, posting, posting_rules
from forum.services.errors import NotAllowed


def _require_author(author: User, post: Post) -> None:
    accounts.ensure_can_write(author)
    if not post.can_edit(author):
        raise NotAllowed(gettext("You can only change your own posts, and not in a locked thread."))


def make_anonymous(author: User, post: Post) -> None:
    """From now on the post shows "Anonymous parent ...", as if it had been posted so: it leaves
    the member's profile and numbers, and an opening post makes its thread anonymous too."""
    _require_author(author, post)
    # Anonymous numbers are handed out under the thread's lock, as a new reply's are.
    posting.lock_row(Thread, post.thread_id)
    posting.lock_row(Post, post.id, refresh=True)
    if post.anonymous:
        return  # a second tap changes nothing
    thread = post.thread
    if post.is_opening:
        thread.anonymous = True
    post.anonymous_number = posting.anonymous_number(thread, author)
    post.anonymous = True
    counted = {"post_count": User.post_count - (1 if post.is_visible else 0)}
    if post.is_opening:
        counted["thread_count"] = User.thread_count - 1
    db.session.execute(update(User).where(User.id == author.id).values(**counted))
    db.session.flush()
    page_cache.changed(thread_id=post.thread_id, listings=True)


def set_content_note(author: User, post: Post, note: str) -> None:
    """Fold the post behind a note ("pregnancy loss"), or unfold it with an empty one."""
    _require_author(author, post)
    posting_rules.check_content_note(note)
    post.content_note = note.strip() or None
    if post.is_opening:
        post.thread.content_note = post.content_note
    page_cache.changed(thread_id=post.thread_id, listings=post.is_opening)
