"""Posting anonymously: the labels, the author's own view, the profile numbers, and that the
author's identity reaches no page, header or fragment a member or a visitor can fetch, when
someone writes: these tests change the world (tests/support/anonymity.py), so each builds its own.

The tests that only read the world share one, in test_anonymity_read_only.py.
"""

from html import unescape

import pytest
from sqlalchemy import select

from forum.database import db
from forum.models import ModerationAction, Post, Thread, User
from forum.services import appeals, helpful, moderation_actions, posting
from tests import factories
from tests.helpers import signed_in
from tests.support.anonymity import (
    ANON_ID,
    DISPLAY_NAME,
    REVEAL_REASON,
    T1_TITLE,
    T3_TITLE,
    USERNAME,
    World,
    anonymous_author,
    articles,
    build_world,
    byline,
    check_page,
    leaks,
    page_cases,
)


@pytest.fixture
def world(app, member, other_member, moderator) -> World:
    return build_world(member, other_member, moderator)


@pytest.mark.parametrize(("surface", "viewer"), page_cases(writes=True))
def test_no_page_gives_the_anonymous_author_away(app, client, login, world, surface, viewer):
    check_page(app, client, login, world, surface, viewer)


# Posting anonymously, and the labels


def test_posting_anonymously_through_the_forms_stores_the_author_and_numbers_each_once(
    app, member, other_member
):
    author = anonymous_author()
    zeph, hannah, priya = (signed_in(app, u) for u in (author, member, other_member))
    response = zeph.post(
        "/new",
        data={"category": "back-to-work", "title": "Pumping in a cupboard again",
              "body": "Third week of it.", "content_note": "breastfeeding", "anonymous": "y"},
    )  # fmt: skip
    assert response.status_code == 302
    thread = db.session.scalars(select(Thread)).one()
    assert (thread.author_id, thread.anonymous) == (ANON_ID, True)
    assert response.headers["Location"] == f"/t/{thread.id}"
    for browser, body, anonymous in [
        (hannah, "Same, in a stairwell.", True),
        (zeph, "Thank you, that helps.", True),
        (priya, "Ask for a proper room.", True),
        (hannah, "And keep a note of every time.", True),
        (priya, "Signed: priya, HR survivor.", False),
    ]:
        data = {"body": body} | ({"anonymous": "y"} if anonymous else {})
        assert browser.post(f"/t/{thread.id}/reply", data=data).status_code == 302
    posts = db.session.scalars(select(Post).order_by(Post.position)).all()
    assert [(p.author_id, p.anonymous, p.anonymous_number) for p in posts] == [
        (ANON_ID, True, 1), (member.id, True, 2), (ANON_ID, True, 1),
        (other_member.id, True, 3), (member.id, True, 2), (other_member.id, False, None),
    ]  # fmt: skip
    assert posts[0].content_note == "breastfeeding"
    page = app.test_client().get(f"/t/{thread.id}").text
    assert [byline(a) for a in articles(page).values()] == [
        "Anonymous parent (original poster)", "Anonymous parent 2",
        "Anonymous parent (original poster)", "Anonymous parent 3", "Anonymous parent 2", "priya",
    ]  # fmt: skip
    assert "hannah" not in page and "Started the thread" not in page
    assert leaks(app, app.test_client().get(f"/t/{thread.id}")) == []
    assert author.thread_count == 0 and author.post_count == 0
    assert member.post_count == 0 and other_member.post_count == 1


def test_anonymous_numbers_are_per_thread(app, member, other_member):
    author = anonymous_author()
    first = factories.thread(member, title="Drop-off tears, every day")
    second = factories.thread(member, title="Grandparents and screen time")
    posting.reply(other_member, first, "Mine too.", anonymous=True)
    posting.reply(author, first, "And mine.", anonymous=True)
    posting.reply(author, second, "We gave in.", anonymous=True)
    db.session.commit()
    first_page = app.test_client().get(f"/t/{first.id}").text
    second_page = app.test_client().get(f"/t/{second.id}").text
    assert [byline(a) for a in articles(first_page).values()][1:] == [
        "Anonymous parent 2",
        "Anonymous parent 3",
    ]
    assert [byline(a) for a in articles(second_page).values()][1:] == ["Anonymous parent 2"]


def test_the_named_threads_author_replying_anonymously_is_not_the_original_poster(
    app, member, other_member
):
    thread = factories.thread(member, title="Partner does not get it")
    posting.reply(other_member, thread, "Have you shown him this thread?", kindness_confirmed=True)
    posting.reply(member, thread, "He would know it was me.", anonymous=True)
    posting.reply(member, thread, "Thank you all, signing this one.", kindness_confirmed=True)
    db.session.commit()
    page = app.test_client().get(f"/t/{thread.id}").text
    posts = articles(page)
    assert byline(posts[3]) == "Anonymous parent 2"
    assert "hannah" not in posts[3] and "Started the thread" not in posts[3]
    assert byline(posts[4]) == "hannah" and "Started the thread" in posts[4]  # named: tagged


def test_a_named_reply_by_the_anonymous_threads_author_is_not_tagged_as_theirs(app, other_member):
    author = anonymous_author()
    thread = posting.start_thread(
        author, factories.category(), "Back after a year off", "Terrified.", anonymous=True
    )
    posting.reply(other_member, thread, "You'll be brilliant.", kindness_confirmed=True)
    posting.reply(
        author,
        thread,
        "Signing this one: it went fine!",
        kindness_confirmed=True,
        named_confirmed=True,
    )
    db.session.commit()
    for browser in (app.test_client(), signed_in(app, other_member)):
        page = browser.get(f"/t/{thread.id}").text
        posts = articles(page)
        assert byline(posts[1]) == "Anonymous parent (original poster)"
        assert byline(posts[3]) == DISPLAY_NAME  # the named reply carries their name...
        assert "Started the thread" not in page  # ...and nothing that ties it to the opening post
        assert "original poster" not in posts[3]


def test_blocking_the_anonymous_author_folds_none_of_their_anonymous_posts(app, world):
    page = signed_in(app, world.viewer).get(f"/t/{world.t1.id}").text
    assert "You blocked this member" not in page
    assert "feeds are the hardest" in page
    # the block is real: their named posts are folded
    posting.reply(
        world.author, world.t1, "Signed post.", kindness_confirmed=True, named_confirmed=True
    )
    db.session.commit()
    page = signed_in(app, world.viewer).get(f"/t/{world.t1.id}?page=2").text
    assert page.count("You blocked this member") == 1
    assert "You blocked this member" in articles(page)[24]


# The author's profile and numbers


def test_named_posts_do_count_on_the_profile(app, world):
    """The other side of the test above: the same profile shows named activity."""
    named_thread = factories.thread(world.author, title="Small win: slept five hours")
    reply = posting.reply(world.author, world.t2, "Signed: it does pass.", kindness_confirmed=True)
    helpful.mark_helped(world.hannah, reply, True)
    db.session.commit()
    page = unescape(app.test_client().get(f"/u/{USERNAME}").text)
    assert "1 thread started · 2 posts · helped 1 parent" in page
    assert named_thread.title in page and "Re: <bdi>Nursery settling-in week</bdi>" in page
    assert T1_TITLE not in page and T3_TITLE not in page


def test_marking_an_anonymous_reply_as_helped_does_not_raise_its_authors_number(app, world):
    browser = signed_in(app, world.hannah)
    other = posting.reply(world.author, world.t2, "Also: bring a photo of you.", anonymous=True)
    db.session.commit()
    response = browser.post(f"/p/{other.id}/helped", data={"helped": "1"})
    assert response.status_code == 302
    assert other.helped_at is not None and world.t2.helped_count == 2
    assert helpful.parents_helped(db.session.get(User, ANON_ID)) == 0
    assert "helped" not in app.test_client().get(f"/u/{USERNAME}").text
    page = app.test_client().get(f"/t/{world.t2.id}").text
    helped = page.split('id="helped-heading"')[1].split("</section>")[0]
    assert helped.count("Anonymous parent 2") == 2 and "zephyrine" not in helped.lower()


def test_the_helped_count_does_not_tie_an_anonymous_thread_to_its_author(app, world):
    """hannah's "helped N parents" counts the parents who marked her replies. Counting the
    anonymous thread's author by who they are would show whether they are a member who also
    marked her replies by name: one parent, not two."""
    named_thread = factories.thread(world.author, title="Signed: the commute is my only quiet")
    reply = posting.reply(world.hannah, named_thread, "Podcasts saved me.", kindness_confirmed=True)
    helpful.mark_helped(world.author, reply, True)
    db.session.commit()
    assert world.named.helped_at is not None  # marked by the anonymous starter of t1
    page = unescape(app.test_client().get("/u/hannah").text)
    assert "helped 2 parents" in page  # the anonymous parent and Zephyrine, as far as anyone knows


def test_deleting_hiding_and_restoring_anonymous_posts_leaves_the_numbers_alone(app, world):
    browser = signed_in(app, world.author)
    assert browser.post(f"/p/{world.late_anon.id}/delete").status_code == 302
    assert world.late_anon.is_deleted
    moderation_actions.hide_post(world.moderator, world.anon_reply, "Checking something")
    db.session.commit()
    moderation_actions.restore_post(world.moderator, world.anon_reply, "All fine")
    moderation_actions.hide_post(world.moderator, world.t2_anon, "Checking something")
    db.session.commit()
    author = db.session.get(User, ANON_ID)
    assert (author.thread_count, author.post_count) == (0, 0)
    page = unescape(app.test_client().get(f"/u/{USERNAME}").text)
    assert "0 threads started · 0 posts" in page
    assert world.hannah.post_count == 1 + 16 + 1  # named t1 replies and t2's opening post


# Moderators


def test_a_reveal_shows_that_moderator_who_it_was_and_is_logged(app, world):
    mod = signed_in(app, world.moderator)
    response = mod.post(f"/mod/posts/{world.anon_reply.id}/reveal", data={"reason": REVEAL_REASON})
    assert response.status_code == 200
    assert (
        f'href="/mod/members/{USERNAME}"><bdi>{DISPLAY_NAME}</bdi> (@{USERNAME})</a>'
        in response.text
    )
    [entry] = db.session.scalars(select(ModerationAction)).all()
    assert (entry.moderator_id, entry.action, entry.reason) == (
        world.moderator.id,
        "reveal",
        REVEAL_REASON,
    )
    assert (entry.post_id, entry.target_user_id) == (world.anon_reply.id, ANON_ID)
    for browser in (signed_in(app, world.viewer), signed_in(app, world.hannah), app.test_client()):
        page = browser.get(f"/t/{world.t1.id}")
        assert byline(articles(page.text)[3]) == "Anonymous parent (original poster)"
        assert leaks(app, page) == []
    assert leaks(app, mod.get(f"/t/{world.t1.id}")) == []  # the thread itself stays anonymous


def test_the_audit_log_does_not_name_an_anonymous_author_to_other_moderators(app, world):
    signed_in(app, world.moderator).post(
        f"/mod/posts/{world.anon_reply.id}/reveal", data={"reason": REVEAL_REASON}
    )
    other_moderator = factories.member("mo_two", role="moderator")
    page = signed_in(app, other_moderator).get("/mod/log")
    assert page.status_code == 200
    assert "revealed an anonymous author" in page.text and REVEAL_REASON in page.text
    assert leaks(app, page) == []


def test_an_appeal_against_removing_an_anonymous_post_does_not_say_who_appeals(app, world):
    decision = moderation_actions.remove_post(
        world.moderator, world.anon_reply, "Please keep it kind"
    )
    appeal = appeals.appeal(world.author, decision, "I was only saying how tired I am")
    db.session.commit()
    browser = signed_in(app, factories.member("mo_two", role="moderator"))
    queue = browser.get("/mod/")
    assert "The anonymous author" in queue.text and "only saying how tired" in queue.text
    page = browser.get(f"/mod/appeals/{appeal.id}")
    assert "Appeal from The anonymous author" in page.text
    assert leaks(app, queue) == [] and leaks(app, page) == []
    answered = browser.post(
        f"/mod/appeals/{appeal.id}", data={"decision": "overturn", "reason": "Fair enough"}
    )
    assert answered.status_code == 302
    assert world.anon_reply.status == "visible"
    assert leaks(app, browser.get("/mod/log")) == []
    assert leaks(app, browser.get(f"/mod/appeals/{appeal.id}")) == []
