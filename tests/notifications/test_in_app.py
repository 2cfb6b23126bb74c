"""In-app notifications: who is told what, the bell, reading them, and following threads."""

import re
from html import unescape

import pytest
from sqlalchemy import func, select

from forum import queue
from forum.database import db
from forum.models import Notification, Subscription
from forum.services import (
    blocking,
    following,
    helpful,
    links,
    moderation_actions,
    notifications,
    posting,
    reactions,
    reporting,
    sanctions,
)
from tests import factories
from tests.helpers import count_queries, signed_in


def texts(user) -> list[str]:
    rows = db.session.scalars(
        select(Notification)
        .where(Notification.user_id == user.id)
        .order_by(Notification.updated_at.desc(), Notification.id.desc())
    ).all()
    with links.public_request():
        return [shown.text for shown in notifications.describe(list(rows))]


def bell(page: str) -> int:
    found = re.search(r'aria-label="(\d+) unread"', page)
    return int(found.group(1)) if found else 0


def test_a_reply_tells_the_threads_followers_but_not_its_author(app, member, other_member):
    thread = factories.thread(member, title="Back at work and missing her")
    third = factories.member("tomas")
    factories.reply(third, thread, "Same here.")  # tomas now follows it too
    factories.reply(other_member, thread, "You're doing so well.")
    assert texts(member) == [
        "priya replied in “Back at work and missing her”",
        "tomas replied in “Back at work and missing her”",
    ]
    assert texts(third) == ["priya replied in “Back at work and missing her”"]
    assert texts(other_member) == []


def test_an_anonymous_reply_is_announced_by_its_label_never_a_name(app, member, other_member):
    thread = factories.thread(member, title="Nobody asks how I am")
    posting.reply(other_member, thread, "I see you.", anonymous=True)
    db.session.commit()
    queue.run_waiting()
    [text] = texts(member)
    assert text == "Anonymous parent 2 replied in “Nobody asks how I am”"
    page = signed_in(app, member).get("/notifications").text
    assert "Anonymous parent 2 replied" in page
    for trace in ("priya", f"/u/{other_member.username}", "avatar-3"):
        assert trace not in page


def test_muting_a_thread_silences_its_replies_even_for_its_starter(app, member, other_member):
    thread = factories.thread(member)
    following.set_follow(member, thread, "muted")
    db.session.commit()
    factories.reply(other_member, thread)
    assert texts(member) == []
    # Replying again doesn't undo the member's choice.
    factories.reply(member, thread, "Thank you all.")
    factories.reply(other_member, thread, "Any time.")
    assert texts(member) == []


def test_a_blocked_member_does_not_reach_the_blocker(app, member, other_member):
    thread = factories.thread(member)
    blocking.block(member, other_member)
    db.session.commit()
    factories.reply(other_member, thread)
    assert texts(member) == []


def test_quoting_tells_the_quoted_member_once(app, member, other_member):
    thread = factories.thread(member, title="The guilt at drop-off")
    opening = factories.opening_post(thread)
    client = signed_in(app, other_member)
    form = client.get(f"/t/{thread.id}/reply?quote={opening.id}").text
    assert f'name="quote" type="hidden" value="{opening.id}"' in form
    body = posting.quotation(opening) + "It gets easier, I promise."
    response = client.post(f"/t/{thread.id}/reply", data={"body": body, "quote": opening.id})
    assert response.status_code == 302
    assert texts(member) == ["priya quoted you in “The guilt at drop-off”"]


@pytest.mark.parametrize("quote", ["abc", "-1", "99999999999", "999"])
def test_a_bad_quote_field_posts_the_reply_and_tells_nobody_of_a_quote(
    app, member, other_member, quote
):
    thread = factories.thread(member, title="The guilt at drop-off")
    response = signed_in(app, other_member).post(
        f"/t/{thread.id}/reply", data={"body": "> something\n\nHugs", "quote": quote}
    )
    assert response.status_code == 302
    assert texts(member) == ["priya replied in “The guilt at drop-off”"]


def unread(user) -> int:
    return db.session.scalar(notifications.unread_statement(user))


def test_reactions_gather_in_one_row_that_comes_back_unread(app, member, other_member):
    thread = factories.thread(member, title="Small win: she slept")
    post = factories.opening_post(thread)
    for name in ("a_parent", "b_parent", "c_parent"):
        reactions.toggle_reaction(factories.member(name), post, "hug")
    reactions.toggle_reaction(other_member, post, "heart")
    db.session.commit()
    assert texts(member) == [
        "1 parent sent a heart on your post in “Small win: she slept”",
        "3 parents sent hugs on your post in “Small win: she slept”",
    ]
    assert unread(member) == 2
    notifications.mark_all_read(member)
    reactions.toggle_reaction(other_member, post, "hug")
    db.session.commit()
    assert unread(member) == 1
    assert texts(member)[0] == "4 parents sent hugs on your post in “Small win: she slept”"
    assert db.session.scalar(select(func.count()).select_from(Notification)) == 2


def test_a_reaction_taken_back_says_so_rather_than_counting_nobody(app, member, other_member):
    post = factories.opening_post(factories.thread(member, title="Tired"))
    reactions.toggle_reaction(other_member, post, "hug")
    reactions.toggle_reaction(other_member, post, "hug")  # taken back
    db.session.commit()
    assert unread(member) == 1
    assert texts(member) == ["A reaction on your post in “Tired” was taken back"]


def test_marking_helped_again_and_again_stays_one_notification(app, member, other_member):
    thread = factories.thread(member)
    reply = factories.reply(other_member, thread, "Book the room as a meeting.")
    for helped in (True, False, True, False, True):
        helpful.mark_helped(member, reply, helped)
    db.session.commit()
    assert len(texts(other_member)) == 1


def test_marking_helped_tells_the_replier(app, member, other_member):
    thread = factories.thread(member, title="Pumping at work")
    reply = factories.reply(other_member, thread, "Book the room as a meeting.")
    helpful.mark_helped(member, reply, True)
    db.session.commit()
    assert (
        texts(other_member)[0] == "Your reply in “Pumping at work” helped the parent who started it"
    )


def test_moderation_outcomes_reach_the_author_and_the_reporters(app, member, other_member):
    mod = factories.member("morgan", role="moderator")
    thread = factories.thread(member, title="Honest feelings")
    reply = factories.reply(other_member, thread, "Stop moaning.")
    reporting.report_post(member, reply, "unkind")
    db.session.commit()
    moderation_actions.hide_post(
        mod, reply, "Unkind to a parent who is struggling", from_queue=True
    )
    sanctions.warn(mod, other_member, "Please be gentle here.")
    db.session.commit()
    assert texts(member)[0] == (
        "A moderator acted on a post you reported. Thank you for looking out for others."
    )
    assert texts(other_member) == [
        "The moderators sent you a message. Their note: Please be gentle here.",
        "A moderator hid your post in “Honest feelings”. Their note: Unkind to a parent who is struggling",
    ]
    assert "morgan" not in " ".join(texts(member) + texts(other_member))


def test_a_dismissed_report_tells_the_reporter_it_was_left_up(app, member, other_member):
    mod = factories.member("morgan", role="moderator")
    reply = factories.reply(other_member, factories.thread(member))
    reporting.report_post(member, reply, "spam")
    db.session.commit()
    moderation_actions.dismiss_reports(mod, reply, "Not spam")
    db.session.commit()
    assert texts(member)[0] == "A moderator reviewed a post you reported and left it up."


@pytest.mark.parametrize("decide", ["dismiss", "hide"])
def test_a_report_that_someone_may_be_at_risk_is_answered_with_care(
    app, member, other_member, decide
):
    """Whoever worried about a parent hears that a moderator has seen it, never "left it up";
    another member's report on the same post still hears its own outcome."""
    mod = factories.member("morgan", role="moderator")
    third = factories.member("tess")
    reply = factories.reply(other_member, factories.thread(member), "I can't do this any more.")
    reporting.report_post(member, reply, "at_risk")
    reporting.report_post(third, reply, "spam")
    db.session.commit()
    if decide == "dismiss":
        moderation_actions.dismiss_reports(mod, reply, "Checked in with her")
    else:
        moderation_actions.hide_post(mod, reply, "Details of a method", from_queue=True)
    db.session.commit()
    assert texts(member)[:1] == [
        "Thank you for looking out for them. A moderator has seen it and is keeping an eye on"
        " the thread."
    ]
    assert texts(third) == [
        "A moderator reviewed a post you reported and left it up."
        if decide == "dismiss"
        else "A moderator acted on a post you reported. Thank you for looking out for others."
    ]
    mine = signed_in(app, member).get("/me/reports").text
    assert "keeping an eye on the thread" in mine and "left up" not in mine


def test_the_bell_counts_unread_and_the_page_marks_them_read(app, member, other_member):
    thread = factories.thread(member)
    first = factories.reply(other_member, thread, "One")
    factories.reply(other_member, thread, "Two")
    client = signed_in(app, member)
    assert bell(client.get("/").text) == 2
    page = client.get("/notifications").text
    assert page.count("Unread: ") == 2
    [first_id] = db.session.scalars(
        select(Notification.id).where(Notification.post_id == first.id)
    ).all()
    assert f'href="/notifications/{first_id}"' in page
    response = client.get(f"/notifications/{first_id}")
    assert response.status_code == 302
    assert response.location.endswith(f"/t/{thread.id}?page=1#p{first.position}")
    assert bell(client.get("/").text) == 1
    client.post("/notifications/read")
    assert bell(client.get("/").text) == 0


def test_reading_twice_changes_nothing_more(app, member, other_member):
    factories.reply(other_member, factories.thread(member))
    [notification_id] = db.session.scalars(select(Notification.id)).all()
    client = signed_in(app, member)
    for _ in range(2):
        assert client.post(f"/notifications/{notification_id}/read").status_code == 302
        assert client.get(f"/notifications/{notification_id}").status_code == 302
    client.post("/notifications/read")
    assert unread(member) == 0


def test_nobody_opens_or_reads_another_members_notification(app, member, other_member):
    factories.reply(other_member, factories.thread(member))
    [notification_id] = db.session.scalars(select(Notification.id)).all()
    client = signed_in(app, other_member)
    assert client.get(f"/notifications/{notification_id}").status_code == 404
    assert client.post(f"/notifications/{notification_id}/read").status_code == 404
    assert client.get("/notifications/2147483647").status_code == 404
    assert unread(member) == 1


def test_the_notifications_page_is_newest_first_and_paginated(app, member, other_member):
    thread = factories.thread(member)
    for n in range(27):
        factories.reply(other_member, thread, f"Reply {n}")
    client = signed_in(app, member)
    first = client.get("/notifications").text
    assert first.count('<li class="notification') == 25
    assert 'aria-label="Page 2"' in first
    second = client.get("/notifications?page=2").text
    assert second.count('<li class="notification') == 2
    for bad in ("abc", "-1", "0"):
        assert client.get(f"/notifications?page={bad}").status_code == 200
    for past in ("9", "99999999999999999999", str(2**63)):
        assert client.get(f"/notifications?page={past}").status_code == 404
        assert client.get(f"/following?page={past}").status_code == 404


@pytest.mark.parametrize("url", ["/notifications", "/following", "/settings/email"])
def test_notification_pages_ask_visitors_to_log_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert "/login" in response.location


def test_starting_and_replying_follow_a_thread(app, member, other_member):
    thread = factories.thread(member)
    factories.reply(other_member, thread)
    followers = db.session.scalars(
        select(Subscription.user_id).where(Subscription.thread_id == thread.id)
    ).all()
    assert sorted(followers) == sorted([member.id, other_member.id])


def test_following_muting_and_unfollowing_from_the_thread_page(app, member, other_member):
    thread = factories.thread(member, title="Reading along")
    client = signed_in(app, other_member)
    assert "Follow this thread" in client.get(f"/t/{thread.id}").text
    response = client.post(f"/t/{thread.id}/follow", data={"state": "following"})
    assert response.status_code == 302
    assert "You're following this thread." in client.get(f"/t/{thread.id}").text
    assert "Reading along" in client.get("/following").text
    client.post(f"/t/{thread.id}/follow", data={"state": "muted"})
    assert "You muted this thread." in client.get(f"/t/{thread.id}").text
    assert "Muted" in client.get("/following").text
    stopped = client.post(f"/t/{thread.id}/follow", data={"state": "none"}, follow_redirects=True)
    assert "Replying follows it again; mute it to hear nothing from it." in unescape(stopped.text)
    assert "Reading along" not in client.get("/following").text


def test_replying_after_stopping_follows_again_but_a_mute_stays(app, member, other_member):
    thread = factories.thread(member)
    client = signed_in(app, other_member)
    client.post(f"/t/{thread.id}/follow", data={"state": "none"})
    client.post(f"/t/{thread.id}/reply", data={"body": "Thank you all, truly."})
    assert "You're following this thread." in client.get(f"/t/{thread.id}").text
    client.post(f"/t/{thread.id}/follow", data={"state": "muted"})
    client.post(f"/t/{thread.id}/reply", data={"body": "One last thing, then quiet."})
    assert "You muted this thread." in client.get(f"/t/{thread.id}").text


@pytest.mark.parametrize("state", ["", "everything", "following\x00"])
def test_an_unknown_follow_choice_is_refused_and_changes_nothing(app, member, other_member, state):
    thread = factories.thread(member)
    response = signed_in(app, other_member).post(f"/t/{thread.id}/follow", data={"state": state})
    assert response.status_code == 400
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(Subscription)
            .where(Subscription.user_id == other_member.id)
        )
        == 0
    )


def test_following_a_missing_thread_is_a_404(app, member):
    assert (
        signed_in(app, member).post("/t/999/follow", data={"state": "following"}).status_code == 404
    )


def test_a_notification_of_a_reply_later_hidden_names_nobody(app, member, other_member):
    mod = factories.member("morgan", role="moderator")
    thread = factories.thread(member, title="Tough day")
    reply = factories.reply(other_member, thread, "Something unkind")
    moderation_actions.hide_post(mod, reply, "Unkind")
    db.session.commit()
    assert texts(member) == ["Someone replied in “Tough day”"]


def test_the_header_reads_all_its_numbers_in_one_query(app, member, other_member):
    factories.reply(other_member, factories.thread(member))
    client = signed_in(app, member)
    plain = count_queries(client, "/guidelines")  # the user, and the header's one query
    assert plain == 2
    member.role = "moderator"
    db.session.commit()
    assert count_queries(client, "/guidelines") == plain
