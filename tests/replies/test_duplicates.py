"""The same words from the same member twice within a few minutes are posted once."""

from datetime import timedelta
from html import unescape

from sqlalchemy import func, select

from forum.database import db
from forum.models import Post, Thread
from forum.services import posting, posting_rules
from tests import factories

WORDS = "Same here. The first week back is the hardest, and it does get easier."


def posts_saying(words: str) -> int:
    return db.session.scalar(select(func.count()).where(Post.body_markdown == words))


def test_a_reply_sent_twice_is_posted_once_and_the_text_kept(client, member, other_member, login):
    thread = factories.thread(other_member)
    login(member)
    assert client.post(f"/t/{thread.id}/reply", data={"body": WORDS}).status_code == 302
    response = client.post(f"/t/{thread.id}/reply", data={"body": WORDS})
    assert response.status_code == 409
    page = unescape(response.text)
    assert "You posted these same words a moment ago" in page
    assert f"\n{WORDS}</textarea>" in page  # still in the reply box
    assert posts_saying(WORDS) == 1
    assert db.session.get(Thread, thread.id).reply_count == 1


def test_a_thread_sent_twice_is_started_once(client, member, login):
    login(member)
    data = {"category": "childcare", "title": "Nursery pick-up guilt", "body": WORDS}
    assert client.post("/new", data=data).status_code == 302
    response = client.post("/new", data=data)
    assert response.status_code == 409
    page = unescape(response.text)
    assert "You posted these same words a moment ago" in page
    assert WORDS in page and 'value="Nursery pick-up guilt"' in page
    assert db.session.scalar(select(func.count()).select_from(Thread)) == 1


def test_the_same_words_are_fine_later_from_someone_else_or_after_deleting(
    client, member, other_member, login
):
    thread = factories.thread(other_member)
    first = factories.reply(member, thread, WORDS)
    factories.reply(other_member, thread, WORDS)  # someone else may agree word for word
    first.created_at -= posting_rules.DUPLICATE_WINDOW + timedelta(seconds=1)
    db.session.commit()
    second = factories.reply(member, thread, WORDS)  # and the member, a while later
    posting.delete_post(member, second)
    db.session.commit()
    factories.reply(member, thread, WORDS)  # a deleted post doesn't count
    assert posts_saying(WORDS) == 4
