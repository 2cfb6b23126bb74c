"""Deleting an account with its posts: every copy of the member's words goes, and nothing that
changes at that moment links her anonymous posts to her.

Her named posts go at once. Her anonymous ones change nothing when she leaves: each goes later,
at a random moment of its own within privacy.REMOVAL_WINDOW, as any author deleting a post, so
a watcher of the listings (titles, replies, latest activity) can't tell they were hers.
"""

from datetime import timedelta

from sqlalchemy import func, select, text

from forum.database import db, utcnow
from forum.models import NEUTRAL_TITLE, Post, PostRevision, Thread
from forum.services import consistency, posting, privacy
from tests import factories

NAMED_WORDS = ("xylophone", "Yarrow")
ANONYMOUS_WORDS = ("quokka", "narwhal", "Jellyfish")


def listing_state(thread_ids: list[int]) -> list[tuple]:
    """What a watcher of the listings sees of these threads."""
    db.session.expire_all()
    return [
        tuple(
            db.session.execute(
                select(
                    Thread.title, Thread.reply_count, Thread.last_post_at, Thread.opening_shown
                ).where(Thread.id == thread_id)
            ).one()
        )
        for thread_id in thread_ids
    ]


def stored_words(word: str) -> list[str]:
    """Where the word is still stored: posts (all three texts), revisions, titles, the index."""
    like = f"%{word.lower()}%"
    found = []
    for name, column in (
        ("body_markdown", Post.body_markdown),
        ("body_html", Post.body_html),
        ("body_text", Post.body_text),
    ):
        if db.session.scalar(select(func.count()).where(func.lower(column).like(like))):
            found.append(name)
    if db.session.scalar(
        select(func.count()).where(
            func.lower(PostRevision.body_markdown).like(like)
            | func.lower(PostRevision.title).like(like)
        )
    ):
        found.append("post_revision")
    if db.session.scalar(select(func.count()).where(func.lower(Thread.title).like(like))):
        found.append("thread.title")
    if db.engine.dialect.name == "sqlite":
        # Not just unmatched: absent from the index's own storage, segments included.
        stem = word.lower()[:5]
        for table in ("post_search_data", "thread_search_data", "post_search_content"):
            for row in db.session.execute(text(f"SELECT * FROM {table}")):
                values = [v if isinstance(v, bytes) else str(v).encode() for v in row]
                if any(stem.encode() in value.lower() for value in values):
                    found.append(table)
                    break
    else:
        hits = db.session.scalar(
            text("SELECT count(*) FROM post_search WHERE document::text LIKE :stem"),
            {"stem": f"%{word.lower()[:5]}%"},
        )
        if hits:
            found.append("post_search")
    return found


def test_removing_posts_erases_every_copy_and_the_anonymous_ones_later_each_alone(
    client, login, member, other_member
):
    factories.thread(member, title="Yarrow tea and night feeds", body="A xylophone day.")
    theirs = factories.thread(other_member, title="Teething at eight months")
    reply = factories.reply(member, theirs, "Ours loved a cold xylophone teether.")
    posting.edit_post(member, reply, "Ours loved a cold xylophone ring.")
    quiet = posting.start_thread(
        member, factories.category(), "Jellyfish feelings at work", "A quokka of a week.",
        anonymous=True,
    )  # fmt: skip
    hidden_reply = posting.reply(member, theirs, "The narwhal in me is tired.", anonymous=True)
    posting.edit_post(member, hidden_reply, "The narwhal in me is so tired.")
    factories.reply(other_member, quiet, "Sending you a hug.")
    db.session.commit()
    anonymous_ids = [factories.opening_post(quiet).id, hidden_reply.id]
    threads = [quiet.id, theirs.id]
    before = listing_state(threads)

    login(member)
    response = client.post(
        "/settings/privacy/delete",
        data={"posts": "remove", "password": factories.PASSWORD, "understood": "y"},
    )
    assert response.status_code == 302
    db.session.expire_all()

    for word in NAMED_WORDS:
        assert stored_words(word) == [], word
    # The threads she wrote in anonymously look just as they did, but for her named reply.
    after = listing_state(threads)
    assert after[0] == before[0]
    assert after[1][0] == before[1][0] and after[1][1] == before[1][1] - 1
    waiting = [db.session.get(Post, post_id) for post_id in anonymous_ids]
    now = utcnow()
    for post in waiting:
        assert not post.is_deleted and post.remove_at is not None
        assert now + timedelta(minutes=59) < post.remove_at < now + timedelta(days=3, minutes=1)
    assert waiting[0].remove_at != waiting[1].remove_at  # each its own moment

    # The first one's moment comes: it goes alone, as an author deleting it would.
    first, second = sorted(waiting, key=lambda p: p.remove_at)
    assert privacy.remove_due_posts(now=first.remove_at) == 1
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Post, second.id).remove_at is not None
    assert privacy.remove_due_posts(now=second.remove_at + timedelta(seconds=1)) == 1
    db.session.commit()

    for word in ANONYMOUS_WORDS:
        assert stored_words(word) == [], word
    started = db.session.get(Thread, quiet.id)
    assert started.public_title == NEUTRAL_TITLE
    assert consistency.find_drift() == []
    assert privacy.remove_due_posts(now=utcnow() + timedelta(days=30)) == 0
