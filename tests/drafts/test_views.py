"""Drafts through the web: saved as she types (JSON for the page's script) or with "Save draft"
(without JavaScript), restored on her next visit, gone when she posts or discards, refused kindly
when too long, never shown to anyone else, and anonymous when they were written so."""

import re
from html import unescape

import pytest
from sqlalchemy import func, select, update

from forum.database import db
from forum.models import Draft, Post, Thread
from forum.services import drafts
from forum.services.posting_rules import BODY_MAX
from tests import factories
from tests.helpers import make_app, signed_in

QUIETLY = {"Accept": "application/json"}
WORDS = "Three weeks back and the nursery calls every single day."


@pytest.fixture
def thread(other_member):
    return factories.thread(other_member, title="Nursery bugs", body="Every bug, every week.")


def stored() -> int:
    return db.session.scalar(select(func.count()).select_from(Draft))


def ticked(page: str, name: str) -> bool:
    return "checked" in re.search(rf'<input[^>]*name="{name}"[^>]*>', page).group(0)


def reply_box(page: str) -> str:
    """The reply form on a thread's page."""
    return unescape(page.split('id="reply"', 1)[1].split("</form>", 1)[0])


def test_typing_saves_quietly_and_the_next_visit_restores_it_choices_and_all(
    client, login, member, thread
):
    login(member)
    data = {"body": WORDS, "content_note": "illness", "anonymous": "y"}
    response = client.post(f"/t/{thread.id}/draft", data=data, headers=QUIETLY)
    assert response.status_code == 200
    assert response.json == {"saved": True, "status": "Draft saved"}
    assert response.mimetype == "application/json"
    box = reply_box(client.get(f"/t/{thread.id}").text)
    assert WORDS in box
    assert 'value="illness"' in box
    assert ticked(box, "anonymous")
    assert "Your draft is back, as you left it." in box
    # The reply page (after a second look, or without the thread's box) opens with it too.
    assert WORDS in unescape(client.get(f"/t/{thread.id}/reply").text)


def test_save_draft_without_javascript_comes_back_to_the_thread(client, login, member, thread):
    login(member)
    response = client.post(f"/t/{thread.id}/draft", data={"body": WORDS})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/t/{thread.id}#reply")
    page = unescape(client.get(response.headers["Location"]).text)
    assert "Your draft is saved." in page and WORDS in reply_box(page)


def test_last_save_wins_and_an_empty_box_clears_it(client, login, member, thread):
    login(member)
    for body in ("first", "second", "third"):
        assert client.post(f"/t/{thread.id}/draft", data={"body": body}, headers=QUIETLY).json[
            "saved"
        ]
    assert drafts.reply_draft(member, thread).body == "third" and stored() == 1
    cleared = client.post(f"/t/{thread.id}/draft", data={"body": "  "}, headers=QUIETLY)
    assert cleared.json == {"saved": False, "status": "Draft cleared"}
    assert stored() == 0


def test_posting_the_reply_removes_the_draft(client, login, member, thread):
    login(member)
    client.post(f"/t/{thread.id}/draft", data={"body": WORDS}, headers=QUIETLY)
    assert client.post(f"/t/{thread.id}/reply", data={"body": WORDS}).status_code == 302
    assert stored() == 0
    page = client.get(f"/t/{thread.id}").text
    assert WORDS not in reply_box(page)
    assert "Your draft is back" not in page


def test_discard_removes_it_with_and_without_javascript(client, login, member, thread):
    login(member)
    client.post(f"/t/{thread.id}/draft", data={"body": WORDS}, headers=QUIETLY)
    response = client.post(f"/t/{thread.id}/draft/discard", headers=QUIETLY)
    assert response.json == {"saved": False, "status": "Draft discarded"}
    assert stored() == 0
    client.post(f"/t/{thread.id}/draft", data={"body": WORDS})
    response = client.post(f"/t/{thread.id}/draft/discard", data={"body": WORDS})
    assert response.status_code == 302 and stored() == 0
    assert "Your draft is discarded." in client.get(response.headers["Location"]).text


def test_a_draft_too_long_is_refused_at_the_field_with_the_text_kept(client, login, member, thread):
    login(member)
    long = "a" * (BODY_MAX + 1)
    response = client.post(f"/t/{thread.id}/draft", data={"body": long}, headers=QUIETLY)
    assert response.status_code == 400
    assert response.json["field"] == "body"
    assert "20,001 characters" in response.json["status"]
    page = client.post(f"/t/{thread.id}/draft", data={"body": long})
    assert page.status_code == 400
    assert long in page.text and "20,001 characters" in page.text
    note = client.post(
        f"/t/{thread.id}/draft", data={"body": "ok", "content_note": "n" * 101}, headers=QUIETLY
    )
    assert note.status_code == 400 and note.json["field"] == "content_note"
    assert stored() == 0


@pytest.mark.parametrize(
    "data",
    [
        {"body": "\x00\x01 control characters \x7f"},
        {"body": ["one", "two"]},
        {"anonymous": "not a boolean", "body": "x"},
        {"content_note": "\u202eevil", "body": "x"},
        {},
    ],
)
def test_odd_input_never_fails(client, login, member, thread, data):
    login(member)
    response = client.post(f"/t/{thread.id}/draft", data=data, headers=QUIETLY)
    assert response.status_code in (200, 400)
    assert response.is_json


def test_places_that_are_not_there(client, login, member):
    login(member)
    assert client.post("/t/999999/draft", data={"body": "x"}).status_code == 404
    assert client.post("/t/abc/draft", data={"body": "x"}).status_code == 404
    assert client.post("/t/999999999999999999999/draft", data={"body": "x"}).status_code == 404
    assert client.get("/t/1/draft").status_code == 405
    bad = client.post("/new/draft", data={"category": "nowhere", "body": "x"}, headers=QUIETLY)
    assert bad.status_code == 400 and bad.json["field"] == "category"
    assert client.post("/drafts/abc/discard").status_code == 404
    assert stored() == 0


def test_a_visitor_keeps_no_draft(client, thread):
    response = client.post(f"/t/{thread.id}/draft", data={"body": WORDS})
    assert response.status_code == 401
    assert stored() == 0


def test_nobody_else_ever_sees_a_draft(app, client, login, member, other_member, moderator, thread):
    login(member)
    client.post(f"/t/{thread.id}/draft", data={"body": WORDS, "anonymous": "y"}, headers=QUIETLY)
    client.post(
        "/new/draft",
        data={"category": "childcare", "title": "My secret title", "body": "Secret body"},
        headers=QUIETLY,
    )
    for who in (other_member, moderator):
        them = signed_in(app, who)
        for url in (f"/t/{thread.id}", f"/t/{thread.id}/reply", "/new", "/new?category=childcare",
                    "/drafts"):  # fmt: skip
            page = unescape(them.get(url).text)
            assert WORDS not in page and "Secret body" not in page and "My secret title" not in page
    visitor = app.test_client()
    assert WORDS not in unescape(visitor.get(f"/t/{thread.id}").text)
    assert stored() == 2


def test_discarding_someone_elses_draft_by_its_id_does_nothing(
    app, client, login, member, other_member, thread
):
    login(member)
    client.post(f"/t/{thread.id}/draft", data={"body": WORDS}, headers=QUIETLY)
    [draft_id] = db.session.scalars(select(Draft.id)).all()
    other = signed_in(app, other_member)
    response = other.post(f"/drafts/{draft_id}/discard", follow_redirects=True)
    assert "That draft is already gone." in response.text
    assert stored() == 1
    # Saving or discarding in the same place touches only her own.
    other.post(f"/t/{thread.id}/draft/discard")
    other.post(f"/t/{thread.id}/draft", data={"body": "Hers"})
    db.session.expire_all()
    assert drafts.reply_draft(member, thread).body == WORDS
    assert drafts.reply_draft(other_member, thread).body == "Hers"


def test_an_anonymous_draft_posts_anonymously(app, client, login, member, thread):
    login(member)
    client.post(f"/t/{thread.id}/draft", data={"body": WORDS, "anonymous": "y"}, headers=QUIETLY)
    box = reply_box(client.get(f"/t/{thread.id}").text)
    assert ticked(box, "anonymous")  # the box she ticked is ticked again
    # She posts the restored form as it stands.
    response = client.post(f"/t/{thread.id}/reply", data={"body": WORDS, "anonymous": "y"})
    assert response.status_code == 302
    post = db.session.scalars(select(Post).where(Post.position == 2)).one()
    assert post.anonymous and post.author_id == member.id
    for reader in (app.test_client(), signed_in(app, factories.member("someone"))):
        page = reader.get(f"/t/{thread.id}").text
        assert "Anonymous parent" in page
        assert member.username not in page and member.display_name not in page


def test_a_locked_thread_gives_her_draft_back_and_says_why(client, login, member, thread):
    login(member)
    client.post(f"/t/{thread.id}/draft", data={"body": WORDS}, headers=QUIETLY)
    db.session.execute(update(Thread).where(Thread.id == thread.id).values(locked=True))
    db.session.commit()
    page = unescape(client.get(f"/t/{thread.id}").text)
    assert "the thread was locked before it went up" in page and WORDS in page
    later = client.post(f"/t/{thread.id}/draft", data={"body": WORDS + "!"}, headers=QUIETLY)
    assert later.status_code == 200 and "locked" in later.json["status"]
    listed = unescape(client.get("/drafts").text)
    assert "Can't take replies now" in listed and WORDS + "!" in listed
    assert "the thread was locked" in unescape(client.get(f"/t/{thread.id}/reply").text)


def test_a_new_thread_draft_follows_her_category_and_goes_when_posted(client, login, member):
    login(member)
    data = {"category": "back-to-work", "title": "Pumping at my desk", "body": WORDS}
    saved = client.post("/new/draft", data=data, headers=QUIETLY)
    assert saved.json == {"saved": True, "status": "Draft saved", "draft_from": "back-to-work"}
    page = unescape(client.get("/new").text)
    assert "Pumping at my desk" in page and WORDS in page
    assert 'name="draft_from" value="back-to-work"' in page
    # She chooses another category: the draft moves there.
    moved = {**data, "category": "childcare", "draft_from": "back-to-work"}
    assert client.post("/new/draft", data=moved, headers=QUIETLY).json["draft_from"] == "childcare"
    assert stored() == 1
    assert WORDS in unescape(client.get("/new?category=childcare").text)
    assert WORDS not in unescape(client.get("/new?category=back-to-work").text)
    response = client.post("/new", data={**moved, "draft_from": "childcare"})
    assert response.status_code == 302
    assert stored() == 0


def test_save_draft_without_javascript_on_a_new_thread(client, login, member):
    login(member)
    data = {"category": "childcare", "title": "", "body": WORDS, "anonymous": "y"}
    response = client.post("/new/draft", data=data)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/new?category=childcare")
    page = unescape(client.get(response.headers["Location"]).text)
    assert WORDS in page and "Your draft is saved." in page
    assert client.post("/new/draft/discard", data=data).status_code == 302
    assert stored() == 0


def test_her_drafts_page_lists_her_drafts(client, login, member, thread):
    login(member)
    assert "No drafts." in client.get("/drafts").text
    client.post(f"/t/{thread.id}/draft", data={"body": WORDS, "anonymous": "y"}, headers=QUIETLY)
    page = unescape(client.get("/drafts").text)
    assert "Nursery bugs" in page and WORDS in page and "To post anonymously" in page
    [draft_id] = db.session.scalars(select(Draft.id)).all()
    response = client.post(f"/drafts/{draft_id}/discard", follow_redirects=True)
    assert "Your draft is discarded." in response.text and stored() == 0


def test_saving_is_rate_limited_kindly(app, member, thread):
    limited = make_app(
        app.config["SQLALCHEMY_DATABASE_URI"],
        RATELIMIT_ENABLED=True,
        RATELIMIT_STORAGE_URI="memory://",
        MAIL_FOLDER=app.config["MAIL_FOLDER"],
    )
    try:
        browser = signed_in(limited, member)
        answers = [
            browser.post(f"/t/{thread.id}/draft", data={"body": f"v{n}"}, headers=QUIETLY)
            for n in range(61)
        ]
        assert {a.status_code for a in answers[:60]} == {200}
        assert answers[60].status_code == 429
        db.session.expire_all()
        assert drafts.reply_draft(member, thread).body == "v59"  # the last save that went in
    finally:
        with limited.app_context():
            db.engine.dispose()


def test_changes_to_a_post_are_kept_until_saved_and_only_its_author_keeps_any(
    app, client, login, member, other_member, thread
):
    mine = factories.reply(member, thread, "My first words, before the edit.")
    login(member)
    saved = client.post(
        f"/p/{mine.id}/draft", data={"body": "My better words, half done"}, headers=QUIETLY
    )
    assert saved.json == {"saved": True, "status": "Draft saved"}
    page = unescape(client.get(f"/p/{mine.id}/edit").text)
    assert "My better words, half done" in page and "Your draft is back" in page
    assert "Changes to your post in" in unescape(client.get("/drafts").text)
    # Someone else can neither keep a draft of her post nor learn it is there.
    other = signed_in(app, other_member)
    assert other.post(f"/p/{mine.id}/draft", data={"body": "Not mine"}).status_code == 404
    assert "My better words" not in other.get(f"/t/{thread.id}").text
    other.post(f"/p/{mine.id}/draft/discard")
    assert stored() == 1
    response = client.post(f"/p/{mine.id}/edit", data={"body": "My better words, finished."})
    assert response.status_code == 302
    assert stored() == 0


def test_changes_to_an_opening_post_keep_the_title_and_discard_clears_them(client, login, member):
    started = factories.thread(member, title="Bottles at daycare", body="She won't take one.")
    opening = factories.opening_post(started)
    login(member)
    client.post(
        f"/p/{opening.id}/draft",
        data={"title": "Bottles and daycare", "body": "She won't take one yet."},
        headers=QUIETLY,
    )
    page = unescape(client.get(f"/p/{opening.id}/edit").text)
    assert 'value="Bottles and daycare"' in page
    response = client.post(f"/p/{opening.id}/draft/discard")
    assert response.status_code == 302 and stored() == 0
    assert 'value="Bottles at daycare"' in unescape(client.get(f"/p/{opening.id}/edit").text)
