import re
from html import unescape

import pytest
from sqlalchemy import select, update

from forum.database import db
from forum.models import Post, PostRevision, Thread
from forum.services import posting
from tests import factories


@pytest.fixture
def thread(member):
    return factories.thread(
        member, title="Missed her first smile", body="She smiled at the childminder first."
    )


def test_reply_is_posted_and_counted(client, thread, other_member, login):
    login(other_member)
    response = client.post(
        f"/t/{thread.id}/reply", data={"body": "A flower still grows when you're not watching."}
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/t/{thread.id}?page=1#p2")
    post = db.session.scalars(select(Post).where(Post.position == 2)).one()
    assert post.author_id == other_member.id
    assert thread.reply_count == 1 and thread.post_count == 2
    assert other_member.post_count == 1
    assert thread.last_post_at == post.created_at
    assert thread.category.last_post_at == post.created_at
    page = client.get(f"/t/{thread.id}").text
    assert "A flower still grows" in unescape(page)


def test_reply_needs_login_and_a_logged_out_reply_is_shown_back(client, thread):
    assert "/login?next=" in client.get(f"/t/{thread.id}/reply").headers["Location"]
    response = client.post(f"/t/{thread.id}/reply", data={"body": "Typed while my session ended"})
    assert response.status_code == 401
    assert "Typed while my session ended" in response.text
    assert thread.reply_count == 0


def test_reply_to_a_missing_thread_is_404(client, member, login):
    login(member)
    assert client.post("/t/4242/reply", data={"body": "Hello"}).status_code == 404


@pytest.mark.parametrize(
    ("body", "message"),
    [("", "Write a few words first"), (" \n\t ", "Write a few words first"),
     ("z" * 20_500, "20,500 characters; it can be up to 20,000")],
)  # fmt: skip
def test_bad_reply_comes_back_with_text_and_message(client, thread, member, login, body, message):
    login(member)
    response = client.post(f"/t/{thread.id}/reply", data={"body": body})
    assert response.status_code == 400
    assert message in response.text
    assert f"\r\n{body}</textarea>" in response.text  # exactly what was typed, even white space
    assert db.session.scalar(select(Post.id).where(Post.position == 2)) is None
    assert thread.reply_count == 0


def test_locked_thread_refuses_replies_and_keeps_the_text(client, thread, other_member, login):
    db.session.execute(update(Thread).where(Thread.id == thread.id).values(locked=True))
    login(other_member)
    response = client.post(f"/t/{thread.id}/reply", data={"body": "My words, kept safe"})
    assert response.status_code == 403
    assert "This thread is locked" in response.text
    assert "My words, kept safe" in response.text
    assert thread.reply_count == 0 and thread.post_count == 1
    page = client.get(f"/t/{thread.id}").text
    assert "locked" in page
    assert f'action="/t/{thread.id}/reply"' not in page


def test_quote_prefills_a_quotation(client, thread, member, other_member, login):
    login(other_member)
    opening = factories.opening_post(thread)
    page = client.get(f"/t/{thread.id}/reply?quote={opening.id}").text
    assert "**hannah** wrote:\n&gt; She smiled at the childminder first." in page


def test_quoting_a_post_behind_a_content_note_keeps_the_note(client, thread, member, login):
    hard = posting.reply(
        member, thread, "We lost our first at twelve weeks.", content_note="pregnancy loss",
        kindness_confirmed=True,
    )  # fmt: skip
    db.session.commit()
    login(member)
    form = client.get(f"/t/{thread.id}/reply?quote={hard.id}").text
    assert "We lost our first at twelve weeks." in form
    assert re.search(r'name="content_note"[^>]*value="pregnancy loss"', form)
    plain = factories.opening_post(thread)
    form = client.get(f"/t/{thread.id}/reply?quote={plain.id}").text
    assert not re.search(r'name="content_note"[^>]*value="[^"]', form)


def test_quote_of_another_threads_post_or_nonsense_prefills_nothing(client, thread, member, login):
    other = factories.thread(member, title="Another thread here", body="Secret other text")
    login(member)
    other_post = factories.opening_post(other)
    for quote in (str(other_post.id), "abc", "999999", "99999999999999999999", "-1"):
        page = client.get(f"/t/{thread.id}/reply?quote={quote}")
        assert page.status_code == 200
        assert "Secret other text" not in page.text


LONG_POST = """First week back and I cried in the car park at lunch.

I sat in the car with her blanket on my lap and couldn't stop.

My manager was kind, but I felt like everyone could tell.

Tonight she fell asleep on me and I didn't want to put her down."""


def reply_box(page: str) -> str:
    return unescape(
        re.search(r'<textarea[^>]*name="body"[^>]*>\r?\n?(.*?)</textarea>', page, re.S)[1]
    )


def test_quote_without_javascript_starts_with_the_first_lines_not_the_whole_post(
    client, member, other_member, login
):
    thread = factories.thread(member, title="Back at work, heart at home", body=LONG_POST)
    opening = factories.opening_post(thread)
    login(other_member)
    body = reply_box(client.get(f"/t/{thread.id}/reply?quote={opening.id}").text)
    assert body.startswith(f"**{member.display_name}** wrote:\n> First week back and I cried")
    assert body.endswith("\n\n") and "fell asleep on me" not in body
    response = client.post(
        f"/t/{thread.id}/reply", data={"body": body + "Me too, every day.", "quote": opening.id}
    )
    assert response.status_code == 302
    answer = db.session.scalars(select(Post).where(Post.position == 2)).one()
    assert "Me too, every day." in answer.body_html
    assert "fell asleep on me" not in answer.body_html  # the published reply doesn't repeat it


def test_the_quote_box_takes_its_quotation_from_the_server(
    app, client, member, other_member, login
):
    thread = factories.thread(member, title="Back at work, heart at home", body=LONG_POST)
    opening = factories.opening_post(thread)
    login(other_member)
    chosen = client.get(f"/p/{opening.id}/quote", query_string={"selection": "blanket on my lap"})
    assert chosen.status_code == 200
    assert chosen.json == {
        "post": opening.id,
        "quotation": f"**{member.display_name}** wrote:\n> blanket on my lap\n\n",
        "content_note": "",
    }
    forged = client.get(f"/p/{opening.id}/quote", query_string={"selection": "I hate mornings"})
    assert forged.json["quotation"].startswith(f"**{member.display_name}** wrote:\n> First week")
    assert "I hate mornings" not in forged.json["quotation"]
    assert client.get("/p/999999/quote").status_code == 404
    assert app.test_client().get(f"/p/{opening.id}/quote").status_code == 302  # to log in
    db.session.execute(update(Thread).where(Thread.id == thread.id).values(locked=True))
    db.session.commit()
    assert client.get(f"/p/{opening.id}/quote").status_code == 404  # as the Quote link is gone


def test_edit_keeps_a_revision(client, thread, member, login):
    login(member)
    post = factories.opening_post(thread)
    form = client.get(f"/p/{post.id}/edit").text
    assert "She smiled at the childminder first." in form and "Missed her first smile" in form
    response = client.post(
        f"/p/{post.id}/edit",
        data={"title": "Missed her first smile (update)", "body": "Now *she* smiles at me."},
    )
    assert response.status_code == 302
    assert post.body_html == "<p>Now <em>she</em> smiles at me.</p>"
    assert post.edited_at is not None
    assert thread.title == "Missed her first smile (update)"
    revision = db.session.scalars(select(PostRevision)).one()
    assert revision.body_markdown == "She smiled at the childminder first."
    assert revision.title == "Missed her first smile"
    assert revision.editor_id == member.id
    assert "edited" in client.get(f"/t/{thread.id}").text


def test_edit_without_changes_writes_no_revision(client, thread, member, login):
    login(member)
    post = factories.opening_post(thread)
    response = client.post(
        f"/p/{post.id}/edit", data={"title": thread.title, "body": post.body_markdown}
    )
    assert response.status_code == 302
    assert db.session.scalar(select(PostRevision.id)) is None
    assert post.edited_at is None


def test_edit_of_a_reply_has_no_title(client, thread, other_member, login):
    reply = factories.reply(other_member, thread)
    login(other_member)
    assert 'name="title"' not in client.get(f"/p/{reply.id}/edit").text
    response = client.post(
        f"/p/{reply.id}/edit", data={"title": "Hijacked title", "body": "Changed"}
    )
    assert response.status_code == 302
    assert thread.title == "Missed her first smile"
    assert reply.body_markdown == "Changed"


def test_bad_edit_comes_back_with_text(client, thread, member, login):
    login(member)
    post = factories.opening_post(thread)
    response = client.post(f"/p/{post.id}/edit", data={"title": "Hey", "body": "My new words"})
    assert response.status_code == 400
    assert "at least 5 characters" in response.text
    assert "My new words" in response.text
    assert post.body_markdown == "She smiled at the childminder first."


@pytest.mark.parametrize("action", ["edit", "delete"])
def test_changing_another_members_post_is_refused_even_when_forged(
    client, thread, other_member, login, action
):
    login(other_member)
    post = factories.opening_post(thread)
    assert client.get(f"/p/{post.id}/{action}").status_code == 403
    response = client.post(
        f"/p/{post.id}/{action}", data={"title": "Forged title", "body": "Forged"}
    )
    assert response.status_code == 403
    assert post.body_markdown == "She smiled at the childminder first."
    assert post.deleted_at is None
    assert thread.title == "Missed her first smile"
    page = client.get(f"/t/{thread.id}").text
    assert f"/p/{post.id}/edit" not in page and f"/p/{post.id}/delete" not in page


def test_delete_leaves_a_marker_and_keeps_counters_exact(
    client, thread, member, other_member, login
):
    first = factories.reply(other_member, thread, "First reply")
    second = factories.reply(other_member, thread, "Second reply, to be deleted")
    assert thread.reply_count == 2 and other_member.post_count == 2
    login(other_member)
    confirm = client.get(f"/p/{second.id}/delete")
    assert confirm.status_code == 200 and "Delete my post" in confirm.text
    assert second.deleted_at is None  # asking deletes nothing
    response = client.post(f"/p/{second.id}/delete")
    assert response.status_code == 302
    assert second.deleted_at is not None
    assert thread.reply_count == 1 and thread.post_count == 3
    assert other_member.post_count == 1
    assert thread.last_post_at == first.created_at
    page = client.get(f"/t/{thread.id}").text
    assert "This post was deleted by its author." in page
    assert "Second reply, to be deleted" not in page
    # deleting again (a second tap, another tab) changes nothing and says so
    again = client.post(f"/p/{second.id}/delete", follow_redirects=True)
    assert again.status_code == 200 and "already deleted" in again.text
    assert thread.reply_count == 1 and other_member.post_count == 1


def test_deleted_post_cannot_be_edited_or_quoted(client, thread, other_member, login):
    reply = factories.reply(other_member, thread, "Words I took back")
    login(other_member)
    client.post(f"/p/{reply.id}/delete")
    assert client.post(f"/p/{reply.id}/edit", data={"body": "Back again"}).status_code == 403
    assert "Words I took back" not in client.get(f"/t/{thread.id}/reply?quote={reply.id}").text


def test_permalink_goes_to_the_page_and_anchor(client, member):
    thread = factories.thread(member, replies=25)
    post = db.session.scalars(select(Post).where(Post.position == 23)).one()
    response = client.get(f"/p/{post.id}")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/t/{thread.id}?page=2#p23")
    assert client.get("/p/999999").status_code == 404


def test_the_kindness_pause_says_which_words_and_passes_over_a_quote(
    client, thread, other_member, login
):
    login(other_member)
    paused = client.post(f"/t/{thread.id}/reply", data={"body": "Stop whining, you chose this."})
    assert paused.status_code == 400
    shown = unescape(paused.text)
    assert "What gave us pause" in shown and "“stop whining”" not in shown
    assert "<q>stop whining</q>" in paused.text and "<q>you chose this</q>" in paused.text
    assert "Stop whining, you chose this." in shown  # the text is kept
    quoted = "> you should have stayed at home\n\nNobody gets to say that to you. Hugs."
    assert client.post(f"/t/{thread.id}/reply", data={"body": quoted}).status_code == 302
