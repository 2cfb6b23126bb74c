"""The peer-support layer, through its pages: reactions, "this helped me", crisis resources,
content notes, the kindness nudge, blocking, and threads waiting for support."""

import re
from datetime import timedelta
from html import unescape
from urllib.parse import quote

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from forum.database import db, utcnow
from forum.models import Block, Post, PostStatus, Reaction, Report, Thread, User
from forum.services import blocking, helpful, posting, reactions, reporting
from forum.services.safety import SYSTEM_REPORT_DETAILS
from tests import factories
from tests.helpers import count_queries, make_app, signed_in

DEFAULT_LINES = ["988", "911", "1-833-852-6262", "1-800-944-4773"]
NOT_A_CRISIS_SERVICE = "Blossom is peer support, not a crisis service"
NUDGE = "Before this goes up, could you read it once more?"


# Helpers


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def stored_reactions() -> list[tuple[int, int, str]]:
    rows = db.session.execute(
        select(Reaction.post_id, Reaction.user_id, Reaction.kind).order_by(Reaction.id)
    )
    return [tuple(row) for row in rows]


def article(page: str, position: int) -> tuple[list[str], str]:
    """The classes and the inside of the post at this position on a thread page."""
    found = re.search(
        rf'<article class="([^"]*)" id="p{position}"[^>]*>(.*?)</article>', page, re.S
    )
    assert found, f"no post p{position} on the page"
    return found.group(1).split(), found.group(2)


def reactions_div(page: str, post_id: int) -> str:
    found = re.search(rf'<div class="reactions" id="reactions-{post_id}">(.*?)</div>', page, re.S)
    assert found, f"no reactions for post {post_id}"
    return unescape(found.group(1))


def reaction_button(html: str, post_id: int, kind: str) -> str:
    """The <button> that sends this reaction to this post, with what is inside it."""
    found = re.search(
        rf'<div class="reactions" id="reactions-{post_id}">.*?'
        rf'(<button type="submit" name="kind" value="{kind}".*?</button>)',
        html,
        re.S,
    )
    assert found, f"no {kind} button for post {post_id}"
    return unescape(found.group(1))


def spoken_name(button: str) -> str:
    """What a screen reader says for a button: its text, leaving out what is aria-hidden."""
    text = re.sub(r'<span[^>]*aria-hidden="true"[^>]*>.*?</span>', "", button, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", "", text).split())


def crisis_panel(page: str) -> str | None:
    found = re.search(r'<section class="crisis-panel"[^>]*>(.*?)</section>', page, re.S)
    return unescape(found.group(1)) if found else None


def system_reports() -> list[Report]:
    return list(
        db.session.scalars(select(Report).where(Report.reporter_id.is_(None)).order_by(Report.id))
    )


def queue_items(page: str) -> list[tuple[int, bool]]:
    """(post id, flagged at risk) for each item of the moderators' queue, in order."""
    found = re.findall(
        r'<section class="card queue-item( at-risk)?" aria-labelledby="item-(\d+)">', page
    )
    return [(int(post_id), bool(risk)) for risk, post_id in found]


def without_tokens(page: str) -> str:
    """A page with its CSRF tokens blanked: they carry a timestamp, so they change every second."""
    return re.sub(r'(name="csrf_token"[^>]*value=")[^"]*', r"\1", page)


def suspend(user: User) -> None:
    user.suspended_until = utcnow() + timedelta(days=3)
    user.restriction_reason = "Cooling off for a few days."
    db.session.commit()


@pytest.fixture
def thread(member):
    return factories.thread(
        member, title="Pumping in a cupboard at work", body="Is this normal? It feels so grim."
    )


@pytest.fixture
def opening(thread):
    return factories.opening_post(thread)


@pytest.fixture
def helper_reply(thread, other_member):
    return factories.reply(other_member, thread, "Ask HR for a proper room, it is the law.")


# 3. Reactions


@pytest.mark.parametrize(
    ("kind", "spoken"),
    [("heart", "1 heart"), ("hug", "1 hug"), ("me_too", "1 me too"),
     ("got_this", "1 you've got this"), ("thank_you", "1 thank you")],
)  # fmt: skip
def test_a_reaction_is_added_then_taken_back(
    app, client, thread, opening, other_member, login, kind, spoken
):
    login(other_member)
    response = client.post(f"/p/{opening.id}/react/{kind}")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/t/{thread.id}?page=1#p1")
    assert stored_reactions() == [(opening.id, other_member.id, kind)]
    visitor = app.test_client()
    assert f'role="img" aria-label="{spoken}"' in unescape(visitor.get(f"/t/{thread.id}").text)
    # the second press takes it back, sent as the page's form sends it: the button's value
    again = client.post(f"/p/{opening.id}/react", data={"kind": kind})
    assert again.status_code == 302
    assert again.headers["Location"].endswith(f"/t/{thread.id}?page=1#p1")
    assert stored_reactions() == []
    assert 'class="reaction static"' not in visitor.get(f"/t/{thread.id}").text


def test_without_javascript_a_reaction_goes_back_to_the_same_post(
    client, member, other_member, login
):
    thread = factories.thread(member, replies=25)
    post = db.session.scalars(select(Post).where(Post.position == 23)).one()
    login(other_member)
    response = client.post(f"/p/{post.id}/react/hug")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/t/{thread.id}?page=2#p23")
    assert stored_reactions() == [(post.id, other_member.id, "hug")]


def test_each_post_shows_its_counts_with_accessible_names(
    app, client, thread, opening, helper_reply, member, other_member, login
):
    huggers = [factories.member(name) for name in ("tomas", "uma", "vera")]
    for hugger in huggers:
        reactions.toggle_reaction(hugger, opening, "hug")
    reactions.toggle_reaction(huggers[0], opening, "heart")
    reactions.toggle_reaction(other_member, opening, "heart")
    reactions.toggle_reaction(huggers[1], helper_reply, "thank_you")
    db.session.commit()
    # a visitor sees the counts, named for screen readers, and no buttons
    page = unescape(app.test_client().get(f"/t/{thread.id}").text)
    first = reactions_div(page, opening.id)
    assert 'aria-label="3 hugs"' in first and 'aria-label="2 hearts"' in first
    assert "me too" not in first  # no count of nothing
    assert 'aria-label="1 thank you"' in reactions_div(page, helper_reply.id)
    assert "/react" not in page
    # a member who reacted sees their own reactions pressed, with the counts in the name
    login(huggers[0])
    page = client.get(f"/t/{thread.id}").text
    hug = reaction_button(page, opening.id, "hug")
    assert spoken_name(hug) == "Send a hug (3 hugs)" and 'aria-pressed="true"' in hug
    me_too = reaction_button(page, opening.id, "me_too")
    assert spoken_name(me_too) == "Me too (0 me toos)" and 'aria-pressed="false"' in me_too
    thanks = reaction_button(page, helper_reply.id, "thank_you")
    assert spoken_name(thanks) == "Thank you (1 thank you)" and 'aria-pressed="false"' in thanks
    # the author sees the counts on their own post, with nothing to press
    author = signed_in(app, member).get(f"/t/{thread.id}").text
    assert f'action="/p/{opening.id}/react"' not in author
    assert 'aria-label="3 hugs"' in reactions_div(author, opening.id)
    assert f'action="/p/{helper_reply.id}/react"' in author


def test_the_five_reactions_open_from_one_summary_line(
    client, thread, opening, other_member, login
):
    """One compact control: a <details> whose summary says what was sent, most first, with the
    form inside as it was (works without JavaScript, opens by keyboard)."""
    for name, kinds in (("tomas", ["hug", "heart"]), ("uma", ["hug"]), ("vera", ["hug"])):
        reactor = factories.member(name)
        for kind in kinds:
            reactions.toggle_reaction(reactor, opening, kind)
    db.session.commit()
    login(other_member)
    page = client.get(f"/t/{thread.id}").text
    control = re.search(
        r'<details class="react">(.*?)</details>', reactions_div_html(page, opening.id), re.S
    )
    assert control, "the reactions are not one control"
    summary = re.search(r"<summary>(.*?)</summary>", control.group(1), re.S).group(1)
    assert spoken_name(summary) == "3 hugs, 1 heart: react"
    assert f'<form method="post" action="/p/{opening.id}/react"' in control.group(1)
    assert control.group(1).count('name="kind"') == 5
    # after a tap, with htmx, it stays open for another
    htmx = client.post(f"/p/{opening.id}/react/me_too", headers={"HX-Request": "true"}).text
    assert '<details class="react" open>' in htmx and "3 hugs, 1 heart, 1 me too" in htmx


def reactions_div_html(page: str, post_id: int) -> str:
    """The reactions under a post, markup and all (reactions_div stops at the first </div>)."""
    start = page.index(f'<div class="reactions" id="reactions-{post_id}">')
    return page[start : page.index("</details>", start) + len("</details>")]


def test_a_member_cannot_react_to_their_own_post(client, thread, opening, member, login):
    login(member)
    response = client.post(f"/p/{opening.id}/react/hug")
    assert response.status_code == 403
    assert "can't react to your own post" in unescape(response.text)
    htmx = client.post(f"/p/{opening.id}/react/heart", headers={"HX-Request": "true"})
    assert htmx.status_code == 403
    assert stored_reactions() == []


@pytest.mark.parametrize(
    "kind", ["smile", "HUG", "Heart", "me too", "hug ", "hugs", "<b>hug</b>", ""]
)
def test_an_unknown_reaction_is_refused_and_nothing_is_stored(
    client, opening, other_member, login, kind
):
    login(other_member)
    for headers in ({}, {"HX-Request": "true"}):
        response = client.post(f"/p/{opening.id}/react/{quote(kind)}", headers=headers)
        assert 400 <= response.status_code < 500
        response = client.post(f"/p/{opening.id}/react", data={"kind": kind}, headers=headers)
        assert 400 <= response.status_code < 500
    assert client.post(f"/p/{opening.id}/react").status_code == 400
    assert stored_reactions() == []


def test_a_reaction_to_a_missing_or_deleted_post_is_refused(
    client, thread, helper_reply, other_member, member, login
):
    posting.delete_post(other_member, helper_reply)
    db.session.commit()
    login(member)
    assert client.post(f"/p/{helper_reply.id}/react/hug").status_code == 400
    assert client.post("/p/999999/react/hug").status_code == 404
    assert stored_reactions() == []


def test_a_visitor_cannot_react(client, thread, opening):
    response = client.post(f"/p/{opening.id}/react/hug")
    # the app's way for a POST without a session: 401 and a page asking to log in
    assert response.status_code == 401
    assert "Please log in again" in response.text
    assert 'href="/login"' in response.text
    assert stored_reactions() == []


def test_a_suspended_member_cannot_react(client, opening, other_member, login):
    login(other_member)
    suspend(other_member)
    response = client.post(f"/p/{opening.id}/react/hug")
    assert response.status_code == 403
    assert "suspended" in response.text
    htmx = client.post(f"/p/{opening.id}/react/hug", headers={"HX-Request": "true"})
    assert htmx.status_code == 403
    assert stored_reactions() == []
    # htmx swaps nothing on a 403, so it is sent to the post, where the reason is shown
    assert htmx.headers["HX-Redirect"] == f"/t/{opening.thread_id}?page=1#p1"
    page = client.get(htmx.headers["HX-Redirect"])
    assert "Your account is suspended until" in unescape(page.text)


def test_a_refused_htmx_reaction_answers_in_plain_text(client, opening, other_member, login):
    """The refusal quotes the moderators' reason: words, never markup."""
    login(other_member)
    reason = '<img src=x onerror="alert(1)"> Cooling off & <b>resting</b>.'
    other_member.suspended_until = utcnow() + timedelta(days=3)
    other_member.restriction_reason = reason
    db.session.commit()
    htmx = client.post(f"/p/{opening.id}/react/hug", headers={"HX-Request": "true"})
    assert htmx.status_code == 403
    assert htmx.mimetype == "text/plain"
    assert reason in htmx.text  # as typed, not escaped into HTML
    assert htmx.headers["X-Content-Type-Options"] == "nosniff"
    assert stored_reactions() == []


def test_a_reaction_sent_with_htmx_after_the_session_ended_goes_to_log_in(client, opening):
    came_from = f"http://localhost/t/{opening.thread_id}?page=1"
    headers = {"HX-Request": "true", "Referer": came_from}
    response = client.post(f"/p/{opening.id}/react/hug", headers=headers)
    assert response.status_code == 401
    assert response.headers["HX-Redirect"] == (f"/login?next=%2Ft%2F{opening.thread_id}%3Fpage%3D1")
    assert "Please log in first" in client.get("/login").text
    elsewhere = {"HX-Request": "true", "Referer": "https://evil.example/t/1"}
    response = client.post(f"/p/{opening.id}/react/hug", headers=elsewhere)
    assert response.headers["HX-Redirect"] == "/login"
    assert "HX-Redirect" not in client.post(f"/p/{opening.id}/react/hug").headers
    assert stored_reactions() == []


def test_with_htmx_the_answer_is_just_the_updated_reactions(client, opening, other_member, login):
    for name in ("tomas", "uma"):
        reactions.toggle_reaction(factories.member(name), opening, "hug")
    db.session.commit()
    login(other_member)
    response = client.post(f"/p/{opening.id}/react/hug", headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = response.text
    assert "<html" not in html and "<body" not in html and "<footer" not in html
    assert html.lstrip().startswith(f'<div class="reactions" id="reactions-{opening.id}">')
    hug = reaction_button(html, opening.id, "hug")
    assert 'aria-pressed="true"' in hug and spoken_name(hug) == "Send a hug (3 hugs)"
    assert 'aria-pressed="false"' in reaction_button(html, opening.id, "heart")
    assert f'hx-target="#reactions-{opening.id}"' in html
    # and taken back, the same way
    again = client.post(f"/p/{opening.id}/react/hug", headers={"HX-Request": "true"})
    assert again.status_code == 200 and "<html" not in again.text
    hug = reaction_button(again.text, opening.id, "hug")
    assert 'aria-pressed="false"' in hug and spoken_name(hug) == "Send a hug (2 hugs)"
    others = db.session.scalars(select(User.id).where(User.username.in_(["tomas", "uma"])))
    assert sorted(row[1] for row in stored_reactions()) == sorted(others)


def test_one_of_each_kind_per_member(client, opening, other_member, login):
    login(other_member)
    for kind in ("hug", "heart", "me_too", "got_this", "thank_you"):
        assert client.post(f"/p/{opening.id}/react/{kind}").status_code == 302
    assert sorted(k for _, _, k in stored_reactions()) == [
        "got_this", "heart", "hug", "me_too", "thank_you",
    ]  # fmt: skip
    # the database itself keeps one of each kind per member and post
    db.session.add(Reaction(post_id=opening.id, user_id=other_member.id, kind="hug"))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
    assert len(stored_reactions()) == 5


def test_a_thread_page_reads_its_reactions_in_one_query(app, client, member, login):
    """The query count of a page doesn't grow with its reactions."""
    reader = factories.member("reader")
    reactors = [factories.member(f"parent{n}") for n in range(10)]
    thread = factories.thread(member, replies=4)
    posts = list(db.session.scalars(select(Post).order_by(Post.position)))
    reactions.toggle_reaction(reader, posts[0], "hug")
    db.session.commit()
    login(reader)
    url = f"/t/{thread.id}"
    with_one = count_queries(client, url)
    kinds = ["heart", "hug", "me_too", "got_this", "thank_you"]
    for n, reactor in enumerate(reactors):
        for kind in kinds:
            if (n, kind) != (0, "hug"):
                reactions.toggle_reaction(reactor, posts[n % len(posts)], kind)
    db.session.commit()
    assert count(Reaction) == 50
    assert count_queries(client, url) == with_one
    # nor with the posts on the page
    single = factories.thread(member, title="Just the one post here")
    reactions.toggle_reaction(reader, factories.opening_post(single), "heart")
    db.session.commit()
    assert count_queries(client, f"/t/{single.id}") == with_one
    page = client.get(url).text
    assert spoken_name(reaction_button(page, posts[0].id, "hug")) == "Send a hug (2 hugs)"


# 4. This helped me


def test_the_thread_author_marks_a_reply_that_helped_and_can_unmark_it(
    app, client, thread, helper_reply, member, login
):
    visitor = app.test_client()
    before = visitor.get(f"/t/{thread.id}").text
    assert "What helped" not in before and "helped" not in article(before, 2)[0]
    login(member)
    assert "This helped me" in client.get(f"/t/{thread.id}").text
    response = client.post(f"/p/{helper_reply.id}/helped", data={"helped": "1"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/t/{thread.id}?page=1#p2")
    assert helper_reply.helped_at is not None
    marked_at = helper_reply.helped_at
    assert thread.helped_count == 1
    page = visitor.get(f"/t/{thread.id}").text
    panel = re.search(r'<section class="what-helped".*?</section>', page, re.S)
    assert panel, "no What helped panel"
    assert "What helped" in panel.group(0)
    assert page.index('class="what-helped"') < page.index('id="p1"')  # at the top
    assert f'href="/p/{helper_reply.id}"><bdi>priya</bdi></a>' in panel.group(0)
    assert "Ask HR for a proper room" in panel.group(0)
    assert "helped" in article(page, 2)[0]  # highlighted in place
    assert "helped" not in article(page, 1)[0]
    assert "You marked this as helping ✓" in client.get(f"/t/{thread.id}").text
    # marking again changes nothing
    assert client.post(f"/p/{helper_reply.id}/helped", data={"helped": "1"}).status_code == 302
    assert helper_reply.helped_at == marked_at and thread.helped_count == 1
    # unmarking, twice
    for _ in range(2):
        assert client.post(f"/p/{helper_reply.id}/helped", data={"helped": "0"}).status_code == 302
        assert helper_reply.helped_at is None and thread.helped_count == 0
    page = visitor.get(f"/t/{thread.id}").text
    assert "What helped" not in page and "helped" not in article(page, 2)[0]


def test_what_helped_quotes_the_reply_as_readers_see_it_not_its_markdown(
    client, thread, other_member, member, login
):
    helper = factories.reply(
        other_member, thread, "**Ask HR** for a [proper room](https://example.org)."
    )
    login(member)
    client.post(f"/p/{helper.id}/helped", data={"helped": "1"})
    panel = re.search(
        r'<section class="what-helped".*?</section>', client.get(f"/t/{thread.id}").text, re.S
    )
    assert "Ask HR for a proper room." in panel.group(0)
    assert "**" not in panel.group(0) and "](" not in panel.group(0)


def test_what_helped_shows_the_helpers_own_words_never_the_quotation(
    client, thread, opening, other_member, member, login
):
    helper = factories.reply(
        other_member, thread, posting.quotation(opening) + "You are not grim. Ask HR for a room."
    )
    login(member)
    client.post(f"/p/{helper.id}/helped", data={"helped": "1"})
    page = client.get(f"/t/{thread.id}").text
    panel = re.search(r'<section class="what-helped".*?</section>', page, re.S).group(0)
    assert "You are not grim. Ask HR for a room." in panel
    assert "Is this normal" not in panel and "wrote:" not in panel
    assert "Is this normal" in article(page, 2)[1]  # the reply itself still shows what it quoted


def test_this_helped_me_is_a_button_and_once_marked_says_so_with_undo(
    client, thread, helper_reply, member, login
):
    login(member)
    unmarked = article(client.get(f"/t/{thread.id}").text, 2)[1]
    assert re.search(r'<button class="button[^"]*"[^>]*>This helped me</button>', unmarked)
    client.post(f"/p/{helper_reply.id}/helped", data={"helped": "1"})
    marked = unescape(article(client.get(f"/t/{thread.id}").text, 2)[1])
    said = re.search(r'<span class="helped-mark" id="([^"]+)">([^<]*)</span>\s*<button', marked)
    assert said and said[2] == "You marked this as helping ✓"
    undo = re.search(r'<button[^>]*aria-describedby="([^"]+)"[^>]*>\(undo\)</button>', marked)
    assert undo and undo[1] == said[1]
    assert 'name="helped" value="0"' in marked and "This helped me</button>" not in marked


def test_helped_count_stays_exact_over_several_replies(client, thread, member, login):
    replies = [
        factories.reply(factories.member(n), thread, f"Words from {n}")
        for n in ("ana", "bea", "cai")
    ]
    login(member)
    for reply in replies:
        client.post(f"/p/{reply.id}/helped", data={"helped": "1"})
    assert thread.helped_count == 3
    client.post(f"/p/{replies[1].id}/helped", data={"helped": "0"})
    assert thread.helped_count == 2
    assert count(Post, Post.helped_at.is_not(None)) == 2
    page = client.get(f"/t/{thread.id}").text
    panel = re.search(r'<section class="what-helped".*?</section>', page, re.S).group(0)
    assert "Words from ana" in panel and "Words from cai" in panel and "Words from bea" not in panel
    assert ["helped" in article(page, p)[0] for p in (2, 3, 4)] == [True, False, True]


def test_the_author_of_an_anonymous_thread_may_mark_replies(client, member, other_member, login):
    thread = posting.start_thread(
        member, factories.category(), "I resent my job some days", "Is that awful?", anonymous=True
    )
    db.session.commit()
    reply = factories.reply(other_member, thread, "Not awful at all, just honest.")
    login(member)
    assert "This helped me" in client.get(f"/t/{thread.id}").text
    response = client.post(f"/p/{reply.id}/helped", data={"helped": "1"})
    assert response.status_code == 302
    assert reply.helped_at is not None and thread.helped_count == 1
    assert "What helped" in client.get(f"/t/{thread.id}").text


def test_only_the_thread_author_may_mark(app, client, thread, helper_reply, other_member, login):
    tomas = factories.member("tomas")
    login(tomas)
    assert "This helped me" not in client.get(f"/t/{thread.id}").text
    response = client.post(f"/p/{helper_reply.id}/helped", data={"helped": "1"})
    assert response.status_code == 403
    assert helper_reply.helped_at is None and thread.helped_count == 0
    # nor the reply's own author
    priya = signed_in(app, other_member)
    assert priya.post(f"/p/{helper_reply.id}/helped", data={"helped": "1"}).status_code == 403
    assert helper_reply.helped_at is None and thread.helped_count == 0
    # nor can another member take a mark away
    helpful.mark_helped(thread.author, helper_reply, True)
    db.session.commit()
    assert client.post(f"/p/{helper_reply.id}/helped", data={"helped": "0"}).status_code == 403
    assert helper_reply.helped_at is not None and thread.helped_count == 1
    # nor a visitor
    assert (
        app.test_client().post(f"/p/{helper_reply.id}/helped", data={"helped": "0"}).status_code
        == 401
    )
    assert helper_reply.helped_at is not None and thread.helped_count == 1


def test_the_opening_post_and_the_authors_own_reply_cannot_be_marked(
    client, thread, opening, member, login
):
    own = factories.reply(member, thread, "Update: I asked HR.")
    login(member)
    for post in (opening, own):
        response = client.post(f"/p/{post.id}/helped", data={"helped": "1"})
        assert 400 <= response.status_code < 500
        assert post.helped_at is None
    assert thread.helped_count == 0
    assert client.post("/p/999999/helped", data={"helped": "1"}).status_code == 404
    assert "This helped me" not in client.get(f"/t/{thread.id}").text


def test_the_profile_counts_the_parents_helped(app, member, other_member):
    tomas, uma = factories.member("tomas"), factories.member("uma")
    first = factories.thread(member, title="Back at my desk, heart at home")
    second = factories.thread(member, title="Nursery drop-off tears")
    third = factories.thread(tomas, title="Pumping schedule at work")
    fourth = factories.thread(uma, title="Night feeds and early meetings")
    replies = [
        factories.reply(other_member, t, f"It gets easier, {t.title}.")
        for t in (first, second, third)
    ]
    hidden_helper = posting.reply(other_member, fourth, "It got easier for me.", anonymous=True)
    db.session.commit()
    visitor = app.test_client()

    def stats() -> str:
        page = visitor.get(f"/u/{other_member.username}").text
        return re.search(r'<p class="stats">(.*?)</p>', page, re.S).group(1)

    assert "helped" not in stats()
    helpful.mark_helped(member, replies[0], True)
    db.session.commit()
    assert "helped 1 parent" in stats() and "parents" not in stats()
    helpful.mark_helped(member, replies[1], True)  # the same parent again
    db.session.commit()
    assert "helped 1 parent" in stats() and "parents" not in stats()
    helpful.mark_helped(tomas, replies[2], True)
    db.session.commit()
    assert "helped 2 parents" in stats()
    helpful.mark_helped(uma, hidden_helper, True)  # an anonymous reply never counts
    db.session.commit()
    assert fourth.helped_count == 1
    assert "helped 2 parents" in stats()


def outside_folds(page: str) -> str:
    """A thread page without what is folded away: content notes and blocked members' posts."""
    return re.sub(r'<details class="(?:content-note|folded)">.*?</details>', "", page, flags=re.S)


def test_the_what_helped_panel_keeps_a_content_note_folded(app, thread, member, other_member):
    reply = posting.reply(
        other_member, thread, "The emergency section still haunts me at night.",
        content_note="birth trauma", kindness_confirmed=True,
    )  # fmt: skip
    helpful.mark_helped(member, reply, True)
    db.session.commit()
    page = app.test_client().get(f"/t/{thread.id}").text
    assert "What helped" in page
    assert "Content note: <bdi>birth trauma</bdi>" in article(page, 2)[1]
    assert "still haunts me" not in outside_folds(page)


def test_the_what_helped_panel_keeps_a_blocked_members_reply_folded(
    app, thread, helper_reply, member, other_member
):
    tomas = factories.member("tomas")
    blocking.block(tomas, other_member)
    helpful.mark_helped(member, helper_reply, True)
    db.session.commit()
    page = signed_in(app, tomas).get(f"/t/{thread.id}").text
    assert "What helped" in page and "You blocked this member" in article(page, 2)[1]
    assert "Ask HR for a proper room" not in outside_folds(page)
    # for everyone else the panel shows it
    assert "Ask HR for a proper room" in outside_folds(
        app.test_client().get(f"/t/{thread.id}").text
    )


# 5. Crisis resources


@pytest.mark.parametrize(
    "body",
    ["Some nights I want to die.", "some nights i WANT TO DIE", "I want to\n  die, honestly",
     "I can’t go on like this", "I can't go on like this", "Thinking about suicide again."],
)  # fmt: skip
def test_a_reply_in_crisis_is_published_and_the_poster_sees_the_resources(
    app, client, thread, other_member, login, body
):
    login(other_member)
    response = client.post(f"/t/{thread.id}/reply", data={"body": body})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/t/{thread.id}?page=1#support")
    page = client.get(response.headers["Location"]).text
    panel = crisis_panel(page)
    assert 'id="support"' in page
    assert panel is not None and "You're not alone" in panel
    for line in DEFAULT_LINES:
        assert line in panel
    assert 'href="tel:988"' in page
    # published as usual: others see it
    post = db.session.scalars(select(Post).where(Post.position == 2)).one()
    assert post.status == PostStatus.VISIBLE and post.deleted_at is None
    assert thread.reply_count == 1
    others = unescape(app.test_client().get(f"/t/{thread.id}").text)
    assert body.split()[-1].rstrip(".") in others
    assert crisis_panel(others) is None
    # and the moderators are told
    [report] = system_reports()
    assert report.post_id == post.id and report.reporter_id is None
    assert report.reason == "at_risk" and report.status == "open"
    assert report.details == SYSTEM_REPORT_DETAILS
    # shown once, right after posting
    assert crisis_panel(client.get(f"/t/{thread.id}").text) is None


def test_a_reply_in_crisis_is_not_held_back_by_the_kindness_pause(
    client, thread, other_member, login
):
    """Crisis first: words of crisis are published at once, even beside judgemental wording."""
    login(other_member)
    body = "I'm a bad mother and some nights I want to die."
    response = client.post(f"/t/{thread.id}/reply", data={"body": body})
    assert response.status_code == 302
    assert thread.reply_count == 1
    assert crisis_panel(client.get(response.headers["Location"]).text) is not None
    assert len(system_reports()) == 1


@pytest.mark.parametrize(
    "body",
    ["I studied the rota until midnight.", "I want to diet after the baby.",
     "The overdosed plant died, sadly.", "Can't go online at work, sadly."],
)  # fmt: skip
def test_wording_that_only_looks_similar_is_an_ordinary_reply(
    client, thread, other_member, login, body
):
    login(other_member)
    response = client.post(f"/t/{thread.id}/reply", data={"body": body})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/t/{thread.id}?page=1#p2")
    assert crisis_panel(client.get(response.headers["Location"]).text) is None
    assert thread.reply_count == 1
    assert system_reports() == []


def test_a_new_thread_in_crisis_shows_the_resources_and_is_reported(app, client, member, login):
    login(member)
    data = {
        "category": "postpartum-feelings",
        "title": "I don't want to wake up tomorrow",
        "body": "Everything is too much.",
    }
    response = client.post("/new", data=data, follow_redirects=True)
    assert response.status_code == 200
    assert "You're not alone" in crisis_panel(response.text)
    thread = db.session.scalars(select(Thread)).one()
    assert "I don&#39;t want to wake up tomorrow" in app.test_client().get(f"/t/{thread.id}").text
    [report] = system_reports()
    assert report.post_id == factories.opening_post(thread).id
    assert report.reason == "at_risk" and report.status == "open"


def test_an_edit_in_crisis_is_reported_once_while_the_report_is_open(
    client, thread, helper_reply, other_member, login
):
    login(other_member)
    response = client.post(f"/p/{helper_reply.id}/edit", data={"body": "Honestly I can't go on."})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("#support")
    assert crisis_panel(client.get(response.headers["Location"]).text) is not None
    assert helper_reply.body_markdown == "Honestly I can't go on."
    assert len(system_reports()) == 1
    response = client.post(
        f"/p/{helper_reply.id}/edit", data={"body": "I want to die, I can't go on."}
    )
    assert crisis_panel(client.get(response.headers["Location"]).text) is not None
    [report] = system_reports()
    assert report.post_id == helper_reply.id and report.status == "open"
    # once a moderator has closed it, new words of crisis are reported again
    report.status = "dismissed"
    db.session.commit()
    client.post(f"/p/{helper_reply.id}/edit", data={"body": "I want to die again today."})
    assert [r.status for r in system_reports()] == ["dismissed", "open"]


def test_an_edit_of_the_opening_post_reads_its_title_too(client, thread, opening, member, login):
    login(member)
    data = {"title": "Pumping in a cupboard, I want to die", "body": opening.body_markdown}
    response = client.post(f"/p/{opening.id}/edit", data=data, follow_redirects=True)
    assert crisis_panel(response.text) is not None
    assert [r.post_id for r in system_reports()] == [opening.id]


def test_someone_at_risk_comes_first_in_the_moderators_queue(
    app, client, thread, helper_reply, member, moderator, login
):
    reporting.report_post(member, helper_reply, "unkind", "")
    reporting.report_post(factories.member("tomas"), helper_reply, "spam", "")
    db.session.commit()
    login(factories.member("uma"))
    client.post(f"/t/{thread.id}/reply", data={"body": "I feel like I'm better off dead."})
    crisis = db.session.scalars(select(Post).where(Post.position == 3)).one()
    queue = signed_in(app, moderator).get("/mod/").text
    assert queue_items(queue) == [(crisis.id, True), (helper_reply.id, False)]


@pytest.mark.parametrize(
    "url", ["/", "/support", "/waiting", "/login", "/signup", "/nowhere", "/t/{thread}"]
)
def test_every_page_links_to_support_and_says_it_is_not_a_crisis_service(client, thread, url):
    page = unescape(client.get(url.format(thread=thread.id)).text)
    assert '<a href="/support">Get support now</a>' in page
    assert NOT_A_CRISIS_SERVICE in page


def test_the_support_page_lists_the_resources(client, member, login):
    for browser_state in ("visitor", "member"):
        if browser_state == "member":
            login(member)
        response = client.get("/support")
        assert response.status_code == 200
        page = unescape(response.text)
        assert "<h1>Get support now</h1>" in page
        for line in DEFAULT_LINES:
            assert line in page
        for href in ("tel:988", "tel:911", "tel:18338526262", "tel:18009444773"):
            assert f'href="{href}"' in page
        assert "These are for the United States." in page


def test_resources_and_phrases_come_from_the_configuration(
    app, tmp_path, thread, member, other_member
):
    config = tmp_path / "safety-elsewhere.toml"
    config.write_text(
        """
[resources]
region = "Aotearoa New Zealand"
intro = "Kia kaha. Free help is there for you, day and night."

[[resources.lines]]
name = "Need to talk?"
detail = "Free call or text 1737 any time to talk with a trained counsellor."
contact = "Call or text 1737"
href = "tel:1737"

[[resources.lines]]
name = "Emergency"
detail = "If you or someone else is in danger, call 111."
contact = "Call 111"
href = "tel:111"

[crisis]
phrases = ["end of my rope", "die"]

[kindness]
phrases = ["grumpy pants"]
"""
    )
    custom = make_app(app.config["SQLALCHEMY_DATABASE_URI"], SAFETY_CONFIG=str(config))
    try:
        resources = unescape(custom.test_client().get("/support").text)
        assert "Need to talk?" in resources and 'href="tel:1737"' in resources
        assert "Call 111" in resources and "Aotearoa New Zealand" in resources
        assert "Kia kaha." in resources
        assert "988" not in resources and "1-833-852-6262" not in resources
        priya = signed_in(custom, other_member)

        def reply(body: str, **data) -> tuple[int, str | None]:
            response = priya.post(f"/t/{thread.id}/reply", data={"body": body, **data})
            if response.status_code != 302:
                return response.status_code, None
            return 302, crisis_panel(priya.get(response.headers["Location"]).text)

        status, panel = reply("I'm at the END of my rope today")
        assert status == 302 and panel is not None
        assert "Call or text 1737" in panel and "988" not in panel
        assert len(system_reports()) == 1
        status, panel = reply("Some nights I could die of tiredness")
        assert status == 302 and panel is not None
        assert len(system_reports()) == 2
        # the defaults no longer count, and whole words only
        for body in ("I want to kill myself", "I can't go on", "I studied all night"):
            assert reply(body) == (302, None)
        assert len(system_reports()) == 2
        # the kindness wording comes from the same file
        assert reply("Don't be such grumpy pants")[0] == 400
        assert reply("That was selfish of your manager")[0] == 302
    finally:
        with custom.app_context():
            db.engine.dispose()


def test_a_members_at_risk_report_tells_the_reported_parent_nothing(
    app, client, thread, opening, member, other_member, login
):
    login(member)
    client.get("/")  # shows the "welcome back" note, once
    urls = [f"/t/{thread.id}", "/me/notices", "/me/reports", f"/u/{member.username}", "/"]
    before = [without_tokens(client.get(url).text) for url in urls]
    priya = signed_in(app, other_member)
    response = priya.post(
        f"/p/{opening.id}/report", data={"reason": "at_risk", "details": "She sounds so low."}
    )
    assert response.status_code == 302
    assert count(Report, Report.reason == "at_risk", Report.reporter_id == other_member.id) == 1
    after = [without_tokens(client.get(url).text) for url in urls]
    assert after == before
    assert opening.status == PostStatus.VISIBLE
    assert member.unread_warnings == 0


# 6. Content notes


def test_a_thread_and_a_reply_can_carry_a_content_note(app, client, member, other_member, login):
    login(member)
    data = {
        "category": "postpartum-feelings",
        "title": "Eight weeks on from our loss",
        "body": "Back at work and nobody mentions it.",
        "content_note": "pregnancy  loss",
    }
    assert client.post("/new", data=data).status_code == 302
    thread = db.session.scalars(select(Thread)).one()
    opening = factories.opening_post(thread)
    assert opening.content_note == "pregnancy loss" and thread.content_note == "pregnancy loss"
    priya = signed_in(app, other_member)
    reply = {"body": "Mine was at twelve weeks. I think of you.", "content_note": "<b>loss</b>"}
    assert priya.post(f"/t/{thread.id}/reply", data=reply).status_code == 302
    page = app.test_client().get(f"/t/{thread.id}").text
    for position, note, body in [
        (1, "pregnancy loss", "Back at work and nobody mentions it."),
        (2, "&lt;b&gt;loss&lt;/b&gt;", "Mine was at twelve weeks. I think of you."),
    ]:
        _, inside = article(page, position)
        folded = re.search(
            r'<details class="content-note">\s*<summary>(.*?)</summary>(.*?)</details>',
            inside,
            re.S,
        )
        assert folded, f"p{position} is not folded"
        assert f"Content note: <bdi>{note}</bdi>" in folded.group(1)
        assert f"<p>{body}</p>" in folded.group(2)
        assert body not in inside.replace(folded.group(0), "")
    assert "<b>loss</b>" not in page


def test_without_a_note_the_post_is_shown_open(client, thread, opening, other_member, login):
    login(other_member)
    client.post(f"/t/{thread.id}/reply", data={"body": "Same here.", "content_note": "   "})
    reply = db.session.scalars(select(Post).where(Post.position == 2)).one()
    assert reply.content_note is None and opening.content_note is None
    page = client.get(f"/t/{thread.id}").text
    assert "content-note" not in page and "<p>Same here.</p>" in page


def test_a_note_of_100_characters_is_taken(client, thread, member, login):
    login(member)
    note = "n" * 100
    response = client.post(f"/t/{thread.id}/reply", data={"body": "Fine.", "content_note": note})
    assert response.status_code == 302
    assert db.session.scalars(select(Post.content_note).where(Post.position == 2)).one() == note


def test_a_long_note_on_a_new_thread_comes_back_with_the_text(client, member, login):
    login(member)
    data = {
        "category": "back-to-work",
        "title": "A title long enough",
        "body": "My words, kept safe.",
        "content_note": "n" * 101,
    }
    response = client.post("/new", data=data)
    assert response.status_code == 400
    page = unescape(response.text)
    assert "A content note is 101 characters; it can be up to 100" in page
    assert "My words, kept safe.</textarea>" in page
    assert 'value="A title long enough"' in page and f'value="{"n" * 101}"' in page
    assert count(Thread) == 0 and count(Post) == 0


def test_a_long_note_on_a_reply_comes_back_with_the_text(client, thread, other_member, login):
    login(other_member)
    data = {"body": "My reply, kept safe.", "content_note": "n" * 101}
    response = client.post(f"/t/{thread.id}/reply", data=data)
    assert response.status_code == 400
    page = unescape(response.text)
    assert "A content note is 101 characters; it can be up to 100" in page
    assert "My reply, kept safe.</textarea>" in page and f'value="{"n" * 101}"' in page
    assert thread.reply_count == 0 and count(Post) == 1


# 7. The kindness nudge


@pytest.mark.parametrize(
    "body",
    ["Honestly, you should have stayed home.", "That makes you a BAD MOTHER.",
     "It is a bit selfish, isn't it?", "You  should\nhave asked sooner."],
)  # fmt: skip
def test_judgemental_wording_gets_a_gentle_pause_then_can_be_posted(
    client, thread, other_member, login, body
):
    login(other_member)
    data = {"body": body, "content_note": "tough love", "anonymous": "y"}
    response = client.post(f"/t/{thread.id}/reply", data=data)
    assert response.status_code == 400
    page = unescape(response.text)
    assert NUDGE in page
    assert '<div class="nudge" role="status">' in page
    assert 'aria-invalid="true"' not in page  # a pause, not an error: no field is marked wrong
    assert f"\r\n{body}</textarea>" in page
    assert re.search(
        r'<button[^>]*name="kindness_confirmed" value="y"[^>]*>Post anyway</button>', page
    )
    assert 'value="tough love"' in page  # the note and the anonymous box are kept too
    assert re.search(
        r'<input[^>]*checked[^>]*name="anonymous"|<input[^>]*name="anonymous"[^>]*checked', page
    )
    assert count(Post) == 1 and thread.reply_count == 0  # nothing is written
    response = client.post(f"/t/{thread.id}/reply", data={**data, "kindness_confirmed": "y"})
    assert response.status_code == 302
    post = db.session.scalars(select(Post).where(Post.position == 2)).one()
    assert post.body_markdown == body.replace("\r\n", "\n")
    assert post.author_id == other_member.id and post.anonymous
    assert post.content_note == "tough love"
    assert thread.reply_count == 1


@pytest.mark.parametrize(
    "body", ["I'm allergic to shellfish, so lunch out is hard.", "She is so unselfish.",
             "Your kids are lucky, you should know that.", "You did what you had to."]
)  # fmt: skip
def test_kind_wording_is_posted_at_once(client, thread, other_member, login, body):
    login(other_member)
    response = client.post(f"/t/{thread.id}/reply", data={"body": body})
    assert response.status_code == 302
    assert thread.reply_count == 1
    assert NUDGE not in unescape(client.get(response.headers["Location"]).text)


# 8. Blocking


def test_blocking_folds_a_members_posts_for_the_blocker_only(
    app, client, thread, helper_reply, member, other_member, login
):
    anonymous = posting.reply(other_member, thread, "Said without my name.", anonymous=True)
    db.session.commit()
    login(member)
    profile = client.get(f"/u/{other_member.username}").text
    assert f'action="/u/{other_member.username}/block"' in profile
    response = client.post(f"/u/{other_member.username}/block")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/u/{other_member.username}")
    assert count(Block, Block.blocker_id == member.id, Block.blocked_id == other_member.id) == 1
    profile = client.get(f"/u/{other_member.username}").text
    assert f'action="/u/{other_member.username}/unblock"' in profile
    assert f'action="/u/{other_member.username}/block"' not in profile
    page = client.get(f"/t/{thread.id}").text
    _, folded = article(page, helper_reply.position)
    assert re.search(r'<details class="folded">\s*<summary[^>]*>You blocked this member', folded)
    assert "Ask HR for a proper room" in folded  # still there, for when they choose to look
    _, hidden_name = article(page, anonymous.position)
    assert "folded" not in hidden_name and "You blocked" not in hidden_name
    assert "Said without my name." in hidden_name
    assert "You blocked" not in article(page, 1)[1]
    # others see the post as usual
    for browser in (app.test_client(), signed_in(app, factories.member("tomas"))):
        other_view = browser.get(f"/t/{thread.id}").text
        assert "You blocked this member" not in other_view
    # and the blocked member is told nothing
    assert "blocked" not in signed_in(app, other_member).get(f"/t/{thread.id}").text.lower()


def test_blocking_twice_is_harmless_and_yourself_is_refused(client, member, other_member, login):
    login(member)
    for _ in range(2):
        assert client.post(f"/u/{other_member.username}/block").status_code == 302
    assert count(Block) == 1
    response = client.post(f"/u/{member.username}/block")
    assert 400 <= response.status_code < 500
    assert "can't block yourself" in unescape(response.text)
    assert count(Block, Block.blocked_id == member.id) == 0
    assert f'/u/{member.username}/block"' not in client.get(f"/u/{member.username}").text
    assert client.post("/u/nobody-here/block").status_code == 404
    assert count(Block) == 1


def test_a_visitor_cannot_block(client, other_member):
    response = client.post(f"/u/{other_member.username}/block")
    assert response.status_code == 401
    assert count(Block) == 0
    assert "/block" not in client.get(f"/u/{other_member.username}").text
    assert "/login" in client.get("/settings/blocked").headers["Location"]


def test_the_blocked_list_shows_members_with_an_unblock_button_that_works(
    client, thread, helper_reply, member, other_member, login
):
    tomas = factories.member("tomas", display_name="Tomas R")
    login(member)
    assert "You haven't blocked anyone." in unescape(client.get("/settings/blocked").text)
    client.post(f"/u/{other_member.username}/block")
    client.post(f"/u/{tomas.username}/block")
    page = client.get("/settings/blocked").text
    assert f'<a href="/u/{other_member.username}"><bdi>priya</bdi></a>' in page
    assert f'<a href="/u/{tomas.username}"><bdi>Tomas R</bdi></a>' in page
    unblock = re.search(
        rf'<form[^>]*action="/u/{other_member.username}/unblock"[^>]*>(.*?)</form>', page, re.S
    )
    assert unblock and 'name="from" value="settings"' in unblock.group(1)
    response = client.post(f"/u/{other_member.username}/unblock", data={"from": "settings"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/settings/blocked")
    assert count(Block, Block.blocked_id == other_member.id) == 0
    assert count(Block, Block.blocked_id == tomas.id) == 1
    page = client.get("/settings/blocked").text
    assert f'href="/u/{other_member.username}"' not in page and "Tomas R" in page
    assert "You blocked this member" not in client.get(f"/t/{thread.id}").text
    # from the profile, it goes back to the profile; unblocking again is harmless
    response = client.post(f"/u/{tomas.username}/unblock")
    assert response.headers["Location"].endswith(f"/u/{tomas.username}")
    assert client.post(f"/u/{tomas.username}/unblock").status_code == 302
    assert count(Block) == 0


# 9. Waiting for support


def test_threads_waiting_for_a_first_reply_are_listed_oldest_first(
    app, client, member, other_member
):
    now = utcnow()
    category = factories.category()

    def started(title: str, ago: timedelta) -> Thread:
        made = posting.start_thread(member, category, title, "Anyone?", at=now - ago)
        db.session.commit()
        return made

    started("Waiting since this morning", timedelta(hours=1))
    started("Waiting for ten days now", timedelta(days=10))
    middle = started("Waiting for three days now", timedelta(days=3))
    answered = started("Answered already, thanks all", timedelta(days=2))
    factories.reply(other_member, answered)
    too_old = started("Too old to be listed here", timedelta(days=1))
    db.session.execute(
        update(Thread).where(Thread.id == too_old.id).values(created_at=now - timedelta(days=15))
    )
    locked = started("Locked by the moderators", timedelta(days=4))
    db.session.execute(update(Thread).where(Thread.id == locked.id).values(locked=True))
    deleted = started("Opening post deleted", timedelta(days=5))
    posting.delete_post(member, factories.opening_post(deleted))
    hidden = started("Opening post hidden", timedelta(days=6))
    db.session.execute(
        update(Post)
        .where(Post.id == factories.opening_post(hidden).id)
        .values(status=PostStatus.HIDDEN)
    )
    db.session.commit()
    expected = [
        "Waiting for ten days now",
        "Waiting for three days now",
        "Waiting since this morning",
    ]
    left_out = [answered, too_old, locked, deleted, hidden]

    def titles(html: str) -> list[str]:
        return re.findall(r'<a class="thread-title" href="/t/\d+"><bdi>(.*?)</bdi></a>', html)

    waiting = client.get("/waiting").text
    assert titles(waiting) == expected
    home = client.get("/").text
    section = re.search(r'<section aria-labelledby="waiting-heading">(.*?)</section>', home, re.S)
    assert section and titles(section.group(1)) == expected
    for thread in left_out:
        assert thread.title not in waiting and thread.title not in section.group(1)
    # Members, who can answer, see how many are waiting in the header; visitors see the link.
    reader = signed_in(app, factories.member("reader"))
    for page in ("/waiting", "/", "/support"):
        assert 'aria-label="3 threads waiting for a reply">3</span>' in reader.get(page).text
        assert "threads waiting for a reply" not in client.get(page).text
    # a first reply takes a thread off the list
    factories.reply(other_member, middle)
    waiting = client.get("/waiting").text
    assert titles(waiting) == ["Waiting for ten days now", "Waiting since this morning"]
    assert 'aria-label="2 threads waiting for a reply">2</span>' in reader.get("/waiting").text


def test_with_nobody_waiting_the_list_says_so(client, thread, helper_reply):
    waiting = client.get("/waiting").text
    assert "Everyone has had a reply." in waiting
    assert "threads waiting for a reply" not in waiting
    assert 'id="waiting-heading"' not in client.get("/").text
