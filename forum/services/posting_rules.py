"""What a post must pass before it goes up: the sizes, a title and a note that can't reorder the
page or pass for a label, no double tap, and the pauses that ask for a second look."""

from datetime import timedelta

from flask_babel import gettext
from sqlalchemy import Integer, cast, func, select

from forum.database import db, utcnow
from forum.models import Post, Thread, User
from forum.services import labels, safety
from forum.services.errors import ServiceError
from forum.services.text import has_bidi_controls

TITLE_MIN = 5
TITLE_MAX = 150
BODY_MAX = 20_000
# The same words from the same member this soon again are a double tap or a stuck form, not a
# second post.
DUPLICATE_WINDOW = timedelta(minutes=5)
# The first key of the advisory lock that queues one member's posts (the second is her id).
POSTING_LOCK = 1


class ThreadLocked(ServiceError):
    status_code = 403

    def __init__(self) -> None:
        super().__init__(
            gettext(
                "This thread is locked, so it can't take new replies. Your text is still below "
                "if you'd like to keep it."
            ),
            "body",
        )


class Pause(ServiceError):
    """Not an error: a second look before a reply goes up. Nothing is marked wrong; the page
    asks its question (`kind` says which) and the member answers with a button."""

    status_code = 400
    kind = ""
    words: list[str] = []


class KindnessCheck(Pause):
    """Wording that may land hard on a tired parent: read it again, or post it anyway."""

    kind = "kindness"

    def __init__(self, words: list[str]) -> None:
        self.words = words  # what gave it pause, shown to the author
        super().__init__(
            gettext(
                "Before this goes up, could you read it once more? Some of its wording can land hard "
                "on a tired parent. Our guidelines ask us to answer with kindness. If it says what "
                "you mean, you can post it anyway."
            ),
            "body",
        )


class NamedReplyCheck(Pause):
    """The anonymous starter of a thread is about to reply there with her name."""

    kind = "named"

    def __init__(self) -> None:
        super().__init__(
            gettext(
                "You started this thread anonymously. If you reply with your name, other parents "
                "may work out that the thread is yours. Would you like to reply anonymously?"
            ),
            "anonymous",
        )


class DuplicatePost(ServiceError):
    status_code = 409

    def __init__(self) -> None:
        super().__init__(
            gettext(
                "You posted these same words a moment ago, so we haven't posted them twice. "
                "Your text is still here if you'd like to change it."
            ),
            "body",
        )


def refuse_duplicate(author: User, body: str) -> None:
    """The same body from the same member within DUPLICATE_WINDOW is refused.

    The member's posts queue from here until commit, so a double tap's second copy finds the first.
    """
    _hold_posting_turn(author)
    since = utcnow() - DUPLICATE_WINDOW
    repeated = db.session.scalar(
        select(Post.id)
        .where(
            Post.author_id == author.id,
            Post.created_at >= since,
            Post.body_markdown == body,
            Post.deleted_at.is_(None),
        )
        .limit(1)
    )
    if repeated is not None:
        raise DuplicatePost()


def _hold_posting_turn(author: User) -> None:
    """A lock on the member's posting until commit (PostgreSQL; SQLite writers queue already).

    An advisory lock rather than her user row: hiding her post updates the thread, then her row,
    while posting updates the thread after this, so holding the row here could deadlock.
    """
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(
            select(
                func.pg_advisory_xact_lock(cast(POSTING_LOCK, Integer), cast(author.id, Integer))
            )
        )


def check_title(title: str) -> None:
    if has_bidi_controls(title):
        raise ServiceError(
            gettext(
                "Titles can't hold characters that change the direction of text. Try typing it again."
            ),
            "title",
        )
    if labels.is_label(title):  # in a listing it would read as who wrote the thread
        raise ServiceError(
            gettext(
                "That title reads like the name Blossom shows for an anonymous parent or a member "
                "who has left. Try saying what the thread is about."
            ),
            "title",
        )


def check_content_note(content_note: str | None) -> None:
    """A note is shown beside names and titles, so it follows the same rule as a title."""
    if content_note and has_bidi_controls(content_note):
        raise ServiceError(
            gettext(
                "Content notes can't hold characters that change the direction of text. "
                "Try typing it again."
            ),
            "content_note",
        )


def pause_before_posting(
    author: User, thread: Thread, body: str, anonymous: bool, kind: bool, named: bool
) -> None:
    """A second look, each asked once: her name in a thread she started anonymously, then
    wording that may land hard (unless she has already said to post it)."""
    if not anonymous and not named and thread.started_anonymously_by(author):
        raise NamedReplyCheck()
    if not kind and (words := safety.unkind_words(body)):
        raise KindnessCheck(words)
