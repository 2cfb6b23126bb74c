"""The member's side of moderation: reporting, auto-hide, warnings, suspensions, bans, appeals."""

from datetime import timedelta
from html import unescape

import pytest
from sqlalchemy import func, select

from forum.database import db, utcnow
from forum.formatting import exact_time
from forum.models import (
    NEUTRAL_TITLE,
    Action,
    Appeal,
    AppealStatus,
    MemberWarning,
    ModerationAction,
    Post,
    PostRevision,
    PostStatus,
    Report,
    ReportStatus,
    Thread,
)
from forum.services import appeals, moderation_actions, reporting, sanctions
from tests import factories
from tests.helpers import signed_in

HURTFUL = "Honestly, some mothers just shouldn't go back to work."


def report(browser, post, reason="unkind", details=""):
    return browser.post(f"/p/{post.id}/report", data={"reason": reason, "details": details})


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def page(browser, url: str) -> str:
    response = browser.get(url)
    assert response.status_code == 200, url
    return unescape(response.text)


@pytest.fixture
def thread(member):
    return factories.thread(
        member, title="Nursery drop-off tears", body="Every morning she clings to my coat."
    )


@pytest.fixture
def post(thread, member):
    """A reply by hannah in her own thread: the post the others report."""
    return factories.reply(member, thread, HURTFUL)


@pytest.fixture
def reporters(app):
    return [factories.member(name) for name in ("rosalind", "beatrix", "carmen")]


def auto_hide_actions() -> list[ModerationAction]:
    return list(
        db.session.scalars(
            select(ModerationAction).where(ModerationAction.action == Action.AUTO_HIDE)
        )
    )


# Reporting


def test_report_form_offers_every_reason(client, post, other_member, login):
    login(other_member)
    thread_page = client.get(f"/t/{post.thread_id}").text
    assert f"/p/{post.id}/report" in thread_page
    form = page(client, f"/p/{post.id}/report")
    for value, label in [
        ("unkind", "Unkind or judgemental"), ("harassment", "Harassment or bullying"),
        ("spam", "Spam or advertising"), ("private", "Shares private information"),
        ("at_risk", "Someone may be at risk"), ("other", "Something else"),
    ]:  # fmt: skip
        assert f'value="{value}"' in form
        assert label in form
    assert HURTFUL in form


def test_no_report_link_on_ones_own_post(client, post, member, login):
    login(member)
    assert f"/p/{post.id}/report" not in client.get(f"/t/{post.thread_id}").text


def test_report_is_filed_and_the_reporter_thanked(client, post, other_member, login):
    login(other_member)
    response = report(client, post, "harassment", "She keeps following me around threads.")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/p/{post.id}")
    filed = db.session.scalars(select(Report)).one()
    assert filed.post_id == post.id and filed.reporter_id == other_member.id
    assert filed.reason == "harassment"
    assert filed.details == "She keeps following me around threads."
    assert filed.status == ReportStatus.OPEN
    shown = page(client, f"/t/{post.thread_id}")
    assert "Thank you for telling us" in shown
    assert "A moderator will look at this soon" in shown
    assert "the author won't be told who reported it" in shown
    assert post.status == PostStatus.VISIBLE  # one report hides nothing


def test_details_are_optional(client, post, other_member, login):
    login(other_member)
    assert report(client, post, "spam").status_code == 302
    assert db.session.scalars(select(Report)).one().details == ""


def test_details_may_be_left_out_of_the_form_entirely(client, post, other_member, login):
    login(other_member)
    response = client.post(f"/p/{post.id}/report", data={"reason": "spam"})
    assert response.status_code == 302
    assert db.session.scalars(select(Report)).one().details == ""


def test_details_of_exactly_1000_characters_are_accepted(client, post, other_member, login):
    login(other_member)
    assert report(client, post, "other", "d" * 1_000).status_code == 302
    assert len(db.session.scalars(select(Report)).one().details) == 1_000


def test_reporting_again_updates_the_open_report(client, post, other_member, login):
    login(other_member)
    report(client, post, "unkind", "First thoughts")
    assert "Thank you for telling us" in page(client, f"/t/{post.thread_id}")
    first = db.session.scalars(select(Report)).one()
    response = report(client, post, "private", "She named my daughter's school.")
    assert response.status_code == 302
    updated = db.session.scalars(select(Report)).one()
    assert updated.id == first.id
    assert updated.reason == "private" and updated.details == "She named my daughter's school."
    assert updated.status == ReportStatus.OPEN
    shown = page(client, f"/t/{post.thread_id}")
    assert "You had already reported this post, so we've updated your report." in shown
    assert "Thank you for telling us" not in shown


def test_a_new_report_after_the_old_one_was_handled_is_a_new_report(
    client, post, other_member, moderator, login
):
    login(other_member)
    report(client, post, "unkind")
    moderation_actions.dismiss_reports(moderator, post, "It's blunt, but within the guidelines.")
    db.session.commit()
    assert report(client, post, "harassment").status_code == 302
    reports = db.session.scalars(select(Report).order_by(Report.id)).all()
    assert [r.status for r in reports] == [ReportStatus.DISMISSED, ReportStatus.OPEN]
    assert "Thank you for telling us" in page(client, f"/t/{post.thread_id}")


def test_reporting_a_missing_post_is_404(client, other_member, login):
    login(other_member)
    assert client.get("/p/424242/report").status_code == 404
    assert client.post("/p/424242/report", data={"reason": "spam"}).status_code == 404


def test_reporting_ones_own_post_is_refused(client, post, member, login):
    login(member)
    response = report(client, post, "spam", "Testing myself")
    assert response.status_code == 403
    assert "You can't report your own post" in unescape(response.text)
    assert count(Report) == 0


def test_the_report_form_for_ones_own_post_is_refused(client, post, member, login):
    login(member)
    assert client.get(f"/p/{post.id}/report").status_code == 403


def test_an_unknown_reason_is_refused_at_the_field(client, post, other_member, login):
    login(other_member)
    response = report(client, post, "rude", "Details I typed")
    assert response.status_code == 400
    assert '<p class="error" id="reason-error">Please choose a reason from the list.</p>' in (
        response.text
    )
    assert "Details I typed" in response.text
    assert count(Report) == 0


def test_a_missing_reason_is_refused_at_the_field(client, post, other_member, login):
    login(other_member)
    response = client.post(f"/p/{post.id}/report", data={"details": "No reason given"})
    assert response.status_code == 400
    assert 'id="reason-error">Please choose a reason.' in response.text
    assert count(Report) == 0


def test_details_over_1000_characters_come_back_with_the_text(client, post, other_member, login):
    login(other_member)
    details = "She said it again. " * 53  # 1,007 characters
    response = report(client, post, "unkind", details)
    assert response.status_code == 400
    assert "1,007 characters; it can be up to 1,000" in response.text
    assert details.strip() in response.text
    assert count(Report) == 0


def test_visitors_are_sent_to_log_in(client, post):
    response = client.get(f"/p/{post.id}/report")
    assert response.status_code == 302
    assert "/login?next=" in response.headers["Location"]
    # a report sent after the session ended: asked to log in, the text shown back, nothing filed
    response = report(client, post, "spam", "Typed while my session ended")
    assert response.status_code == 401
    assert "Please log in again" in response.text
    assert "Typed while my session ended" in response.text
    assert count(Report) == 0


def test_a_deleted_post_cannot_be_reported(client, post, member, other_member, login):
    browser = signed_in(client.application, member)
    browser.post(f"/p/{post.id}/delete")
    login(other_member)
    assert report(client, post, "spam").status_code == 400
    assert count(Report) == 0


@pytest.mark.parametrize("action", [moderation_actions.hide_post, moderation_actions.remove_post])
def test_a_post_a_moderator_took_down_cannot_be_reported_again(
    client, post, other_member, moderator, login, action
):
    action(moderator, post, "Unkind")
    db.session.commit()
    login(other_member)
    for response in (client.get(f"/p/{post.id}/report"), report(client, post, "spam")):
        assert response.status_code == 400
        assert "already taken that post down" in unescape(response.text)
    assert count(Report) == 0


# Auto-hide


def test_three_members_reporting_hide_the_post_pending_review(
    app, client, thread, post, member, other_member, moderator, reporters, login
):
    assert thread.reply_count == 1 and member.post_count == 2
    for reporter in reporters[:2]:
        assert report(signed_in(app, reporter), post).status_code == 302
    assert post.status == PostStatus.VISIBLE  # two is not enough
    assert auto_hide_actions() == []

    report(signed_in(app, reporters[2]), post, "harassment")
    assert post.status == PostStatus.PENDING
    assert thread.reply_count == 0 and thread.post_count == 2
    assert member.post_count == 1
    (action,) = auto_hide_actions()
    assert action.moderator_id is None
    assert action.post_id == post.id and action.thread_id == thread.id
    assert action.target_user_id == member.id

    login(other_member)
    others = page(client, f"/t/{thread.id}")
    assert "This post is waiting for a moderator" in others
    assert HURTFUL not in others
    assert "Every morning she clings to my coat." in others  # only the reported post is hidden

    author = page(signed_in(app, member), f"/t/{thread.id}")
    assert HURTFUL in author
    assert "Hidden from others while a moderator reviews reports about it." in author
    assert "You can edit it" in author
    assert f"/p/{post.id}/edit" in author

    staff = page(signed_in(app, moderator), f"/t/{thread.id}")
    assert HURTFUL in staff


def test_the_threshold_comes_from_the_config(app, post, reporters, monkeypatch):
    monkeypatch.setitem(app.config, "AUTO_HIDE_REPORTS", 2)
    report(signed_in(app, reporters[0]), post)
    assert post.status == PostStatus.VISIBLE
    report(signed_in(app, reporters[1]), post)
    assert post.status == PostStatus.PENDING
    assert len(auto_hide_actions()) == 1


def test_one_member_reporting_many_times_counts_once(app, post, other_member):
    browser = signed_in(app, other_member)
    for reason in ("unkind", "harassment", "spam", "other"):
        assert report(browser, post, reason).status_code == 302
    assert count(Report) == 1
    assert post.status == PostStatus.VISIBLE
    assert auto_hide_actions() == []


def test_reports_that_someone_is_at_risk_never_hide_a_post(
    app, client, thread, post, other_member, reporters, login
):
    for reporter in reporters:
        assert report(signed_in(app, reporter), post, "at_risk").status_code == 302
    assert count(Report) == 3
    assert post.status == PostStatus.VISIBLE
    assert auto_hide_actions() == []
    assert thread.reply_count == 1
    login(other_member)
    assert HURTFUL in page(client, f"/t/{thread.id}")


def test_an_at_risk_report_keeps_the_post_up_however_many_others_report_it(
    app, post, other_member, reporters
):
    report(signed_in(app, reporters[0]), post, "unkind")
    report(signed_in(app, reporters[1]), post, "spam")
    report(signed_in(app, reporters[2]), post, "at_risk")
    assert post.status == PostStatus.VISIBLE
    report(signed_in(app, other_member), post, "unkind")
    assert post.status == PostStatus.VISIBLE  # crisis first: flagged posts wait for a person
    assert auto_hide_actions() == []


@pytest.mark.parametrize("restriction", ["suspend", "ban"])
def test_reports_by_suspended_or_banned_members_do_not_count(
    app, post, other_member, moderator, reporters, restriction
):
    first, second, third = reporters
    report(signed_in(app, first), post)
    report(signed_in(app, second), post)
    if restriction == "suspend":
        sanctions.suspend(moderator, first, 3, "Reporting in bad faith.")
    else:
        sanctions.ban(moderator, first, "Reporting in bad faith.")
    db.session.commit()
    report(signed_in(app, third), post)
    assert post.status == PostStatus.VISIBLE  # only second and third count
    assert auto_hide_actions() == []
    report(signed_in(app, other_member), post)
    assert post.status == PostStatus.PENDING
    assert auto_hide_actions()[0].reason.startswith("3 ")


def test_the_author_may_edit_a_post_waiting_for_a_moderator(
    app, client, thread, post, member, other_member, moderator, reporters, login
):
    for reporter in reporters:
        report(signed_in(app, reporter), post)
    assert post.status == PostStatus.PENDING
    login(member)
    response = client.post(f"/p/{post.id}/edit", data={"body": "I was wrong to say that. Sorry."})
    assert response.status_code == 302
    assert post.body_markdown == "I was wrong to say that. Sorry."
    assert post.status == PostStatus.PENDING  # still waiting for a moderator
    assert [r.status for r in db.session.scalars(select(Report))] == [ReportStatus.OPEN] * 3
    assert thread.reply_count == 0 and member.post_count == 1
    others = page(signed_in(app, other_member), f"/t/{thread.id}")
    assert "I was wrong to say that" not in others
    assert "This post is waiting for a moderator" in others
    queue = page(signed_in(app, moderator), "/mod/")
    assert "I was wrong to say that. Sorry." in queue
    assert "3 members reported a post" in queue


def test_the_author_never_learns_who_reported(
    app, client, thread, post, member, moderator, reporters, login
):
    rosalind = reporters[0]
    rosalind.display_name = "Rosalind Quill"
    db.session.commit()
    report(signed_in(app, rosalind), post, "private", "I know her from the school gate.")
    for reporter in reporters[1:]:
        report(signed_in(app, reporter), post)
    assert post.status == PostStatus.PENDING
    # the moderators do see who reported, so the name is there to leak
    assert "rosalind" in page(signed_in(app, moderator), "/mod/")
    login(member)
    for url in ("/", f"/t/{thread.id}", "/me/notices", "/me/reports", "/u/hannah", "/settings"):
        shown = page(client, url).lower()
        for secret in ("rosalind", "quill", "beatrix", "carmen", "school gate"):
            assert secret not in shown, (url, secret)


def test_your_reports_shows_what_became_of_each(
    app, client, member, other_member, moderator, reporters, login
):
    titles = ["Left up after review", "Hidden by the moderators", "Still in the queue"]
    posts = [factories.opening_post(factories.thread(other_member, title=t)) for t in titles]
    elsewhere = factories.opening_post(factories.thread(other_member, title="Someone else's"))
    login(member)
    for post in posts:
        assert report(client, post, "spam").status_code == 302
    report(signed_in(app, reporters[0]), elsewhere, "spam")
    moderation_actions.dismiss_reports(moderator, posts[0], "This is fine.")
    moderation_actions.hide_post(moderator, posts[1], "Advertising.")
    db.session.commit()

    shown = page(client, "/me/reports")
    assert "Someone else's" not in shown
    # An opening post hidden takes its title with it, for the reporter too.
    assert titles[1] not in shown
    items = shown.split("<li>")
    for title, status in zip(
        [titles[0], NEUTRAL_TITLE, titles[2]],
        ["Reviewed and left up", "A moderator took action", "Waiting for a moderator"],
        strict=True,
    ):
        (item,) = [i for i in items if title in i]
        assert status in item, title
        assert "Spam or advertising" in item


def test_your_reports_is_for_members_only(client):
    response = client.get("/me/reports")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


# Warnings


@pytest.fixture
def warning(member, moderator):
    sanctions.warn(moderator, member, "Please keep it kind in the Childcare threads.")
    db.session.commit()
    return db.session.scalars(select(MemberWarning)).one()


BANNER = "A moderator has sent you a message"


def test_a_warned_member_sees_a_banner_until_they_acknowledge(
    client, thread, member, warning, login
):
    login(member)
    for url in ("/", f"/t/{thread.id}", "/me/reports", "/u/hannah", "/settings"):
        assert BANNER in page(client, url), url
    notices = page(client, "/me/notices")
    assert "Please keep it kind in the Childcare threads." in notices
    assert f"/me/warnings/{warning.id}/acknowledge" in notices

    response = client.post(f"/me/warnings/{warning.id}/acknowledge")
    assert response.status_code == 302
    assert warning.acknowledged_at is not None
    assert member.unread_warnings == 0
    for url in ("/", f"/t/{thread.id}", "/me/reports"):
        assert BANNER not in page(client, url), url
    notices = page(client, "/me/notices")
    assert "Please keep it kind in the Childcare threads." in notices  # still there to re-read
    assert f"/me/warnings/{warning.id}/acknowledge" not in notices


def test_the_warning_itself_is_on_every_page_and_is_acknowledged_where_it_is_read(
    client, thread, member, warning, login
):
    login(member)
    for url in ("/", f"/t/{thread.id}?page=1", "/u/hannah"):
        banner = page(client, url).split('class="warning-banner"')[1].split("</div>")[0]
        assert "Please keep it kind in the Childcare threads." in banner, url
        assert f'action="/me/warnings/{warning.id}/acknowledge"' in banner, url
    response = client.post(
        f"/me/warnings/{warning.id}/acknowledge", data={"next": f"/t/{thread.id}?page=1"}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"/t/{thread.id}?page=1"
    assert warning.acknowledged_at is not None
    assert "Please keep it kind" not in page(client, f"/t/{thread.id}")
    sanctions.warn(factories.member("mo_two", role="moderator"), member, "A second word.")
    db.session.commit()
    response = client.post(
        f"/me/warnings/{warning.id}/acknowledge", data={"next": "https://evil.example/"}
    )
    assert response.headers["Location"] == "/me/notices"
    assert "A second word." in page(client, "/")


def test_acknowledging_twice_changes_nothing(client, member, warning, login):
    login(member)
    client.post(f"/me/warnings/{warning.id}/acknowledge")
    first = warning.acknowledged_at
    assert client.post(f"/me/warnings/{warning.id}/acknowledge").status_code == 302
    assert warning.acknowledged_at == first
    assert member.unread_warnings == 0


def test_the_banner_stays_while_any_warning_is_unread(client, member, moderator, warning, login):
    sanctions.warn(moderator, member, "A second, separate message.")
    db.session.commit()
    login(member)
    client.post(f"/me/warnings/{warning.id}/acknowledge")
    assert member.unread_warnings == 1
    assert BANNER in page(client, "/")


def test_acknowledging_someone_elses_warning_is_refused(
    app, client, member, other_member, warning, login
):
    login(other_member)
    response = client.post(f"/me/warnings/{warning.id}/acknowledge")
    assert response.status_code == 403
    assert warning.acknowledged_at is None
    assert member.unread_warnings == 1
    assert BANNER in page(signed_in(app, member), "/")
    assert client.post("/me/warnings/424242/acknowledge").status_code == 404


# Suspensions

SUSPENSION_REASON = "Cooling off after the nursery thread."
TYPED = "My typed words, kept safe"


@pytest.fixture
def suspended(thread, member, other_member, moderator):
    """hannah has a reply of her own in priya's thread, and is suspended for three days."""
    theirs = factories.thread(other_member, title="Working from home with a toddler")
    own = factories.reply(member, theirs, "My own reply, before the suspension.")
    sanctions.suspend(moderator, member, 3, SUSPENSION_REASON)
    db.session.commit()
    return {"thread": theirs, "own": own, "theirs": factories.opening_post(theirs)}


def write(client, suspended: dict, action: str):
    thread, own, theirs = suspended["thread"], suspended["own"], suspended["theirs"]
    url, data = {
        # Not the reply's words again: those would be refused as a duplicate.
        "new": (
            "/new",
            {
                "category": "back-to-work",
                "title": "My typed title",
                "body": f"{TYPED}\n\nAnd a thread of its own.",
            },
        ),
        "reply": (f"/t/{thread.id}/reply", {"body": TYPED}),
        "edit": (f"/p/{own.id}/edit", {"body": TYPED}),
        "delete": (f"/p/{own.id}/delete", {}),
        "report": (f"/p/{theirs.id}/report", {"reason": "spam", "details": TYPED}),
    }[action]
    return client.post(url, data=data)


def test_a_suspended_member_can_sign_in_and_read(client, member, suspended, login):
    login(member)
    shown = page(client, f"/t/{suspended['thread'].id}")
    assert "My own reply, before the suspension." in shown


@pytest.mark.parametrize("action", ["new", "reply", "edit", "delete", "report"])
def test_a_suspended_member_cannot_write(client, member, suspended, login, action):
    login(member)
    before = {model: count(model) for model in (Thread, Post, PostRevision, Report)}
    response = write(client, suspended, action)
    assert response.status_code == 403
    shown = unescape(response.text)
    assert f"suspended until {exact_time(member.suspended_until)}" in shown
    assert SUSPENSION_REASON in shown
    if action != "delete":
        assert TYPED in shown
    assert {model: count(model) for model in before} == before
    own = suspended["own"]
    assert own.body_markdown == "My own reply, before the suspension." and own.deleted_at is None
    assert member.thread_count == 1 and member.post_count == 2


def test_once_the_suspension_is_over_the_member_can_write_again(client, member, suspended, login):
    member.suspended_until = utcnow() - timedelta(minutes=1)
    db.session.commit()
    login(member)
    for action in ("report", "reply", "edit", "new", "delete"):
        assert write(client, suspended, action).status_code == 302, action
    assert count(Report) == 1
    assert suspended["own"].deleted_at is not None
    assert db.session.scalar(select(Thread).where(Thread.title == "My typed title")) is not None


# Bans


@pytest.fixture
def banned(member, moderator):
    sanctions.ban(moderator, member, "Repeated harassment after warnings.")
    db.session.commit()
    return member


def test_a_banned_member_is_told_plainly_when_the_password_is_right(client, banned):
    response = client.post("/login", data={"login": "hannah", "password": factories.PASSWORD})
    assert response.status_code != 302
    shown = unescape(response.text)
    assert "This account has been banned, so it can't sign in." in shown
    assert "Repeated harassment after warnings." in shown
    new = client.get("/new")
    assert new.status_code == 302 and "/login" in new.headers["Location"]


def test_a_banned_member_with_a_wrong_password_gets_the_usual_message(client, banned):
    response = client.post("/login", data={"login": "hannah", "password": "not my password at all"})
    assert response.status_code == 400
    shown = unescape(response.text)
    assert "That username or email and password don't match." in shown
    assert "banned" not in shown.lower()


def test_a_ban_ends_a_session_already_open(client, member, moderator, login):
    login(member)
    assert client.get("/new").status_code == 200
    sanctions.ban(moderator, member, "Repeated harassment after warnings.")
    db.session.commit()
    response = client.get("/new")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


# Appeals


@pytest.fixture
def removal(post, moderator):
    action = moderation_actions.remove_post(moderator, post, "It names a child at the nursery.")
    db.session.commit()
    return action


def test_the_moderators_words_read_as_their_note(client, member, removal, login):
    login(member)
    notices = page(client, "/me/notices")
    assert "Their note: It names a child at the nursery." in notices
    assert "The moderators' note: It names a child at the nursery." in page(
        client, f"/me/appeals/{removal.id}"
    )


def test_a_member_appeals_a_removal_once(client, thread, post, member, removal, login):
    assert post.status == PostStatus.REMOVED
    login(member)
    notices = page(client, "/me/notices")
    assert "Your post was removed" in notices and "It names a child at the nursery." in notices
    assert f"/me/appeals/{removal.id}" in notices
    form = page(client, f"/me/appeals/{removal.id}")
    assert "It names a child at the nursery." in form

    response = client.post(
        f"/me/appeals/{removal.id}", data={"message": "The name was made up, honestly."}
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/me/notices")
    appeal = db.session.scalars(select(Appeal)).one()
    assert appeal.user_id == member.id and appeal.action_id == removal.id
    assert appeal.message == "The name was made up, honestly."
    assert appeal.status == AppealStatus.OPEN
    notices = page(client, "/me/notices")
    assert "You appealed" in notices
    assert f"/me/appeals/{removal.id}" not in notices

    again = client.post(f"/me/appeals/{removal.id}", data={"message": "Please, a second look."})
    assert again.status_code == 409
    assert "You've already appealed this decision" in unescape(again.text)
    assert db.session.scalars(select(Appeal)).one().message == "The name was made up, honestly."


@pytest.mark.parametrize("decision", ["warn", "suspend"])
def test_a_warning_or_suspension_can_be_appealed(client, member, moderator, login, decision):
    if decision == "warn":
        action = sanctions.warn(moderator, member, "Too sharp with a new member.")
    else:
        action = sanctions.suspend(moderator, member, 1, "Too sharp with a new member.")
    db.session.commit()
    login(member)
    assert "Too sharp with a new member." in page(client, "/me/notices")
    response = client.post(f"/me/appeals/{action.id}", data={"message": "I apologised to her."})
    assert response.status_code == 302
    assert db.session.scalars(select(Appeal)).one().action_id == action.id


def test_appealing_someone_elses_decision_is_404(client, removal, other_member, login):
    login(other_member)
    assert client.get(f"/me/appeals/{removal.id}").status_code == 404
    response = client.post(f"/me/appeals/{removal.id}", data={"message": "Not mine to appeal"})
    assert response.status_code == 404
    assert client.post("/me/appeals/424242", data={"message": "Nothing"}).status_code == 404
    assert count(Appeal) == 0


@pytest.mark.parametrize("decision", ["hide", "dismiss", "auto_hide"])
def test_a_hide_or_a_dismissal_cannot_be_appealed(
    app, client, post, member, moderator, reporters, login, decision
):
    if decision == "hide":
        action = moderation_actions.hide_post(moderator, post, "Too heated; cooling off.")
    elif decision == "dismiss":
        reporting.report_post(reporters[0], post, "spam")
        action = moderation_actions.dismiss_reports(moderator, post, "Fine as it is.")
    else:
        for reporter in reporters:
            reporting.report_post(reporter, post, "unkind")
        (action,) = auto_hide_actions()
    db.session.commit()
    assert action.target_user_id == member.id
    login(member)
    response = client.post(f"/me/appeals/{action.id}", data={"message": "Please look again."})
    assert response.status_code == 403
    assert count(Appeal) == 0


@pytest.mark.parametrize(
    ("message", "error"),
    [("", "Please say in a few words why you're appealing."),
     ("   \n ", "Please say in a few words why you're appealing."),
     ("I was only trying to help. " * 40, "1,080 characters; it can be up to 1,000")],
)  # fmt: skip
def test_a_bad_appeal_comes_back_with_the_text(client, member, removal, login, message, error):
    login(member)
    response = client.post(f"/me/appeals/{removal.id}", data={"message": message})
    assert response.status_code == 400
    shown = unescape(response.text)
    assert error in shown
    assert message.strip() in shown
    assert count(Appeal) == 0


@pytest.fixture
def appealed(member, removal):
    """The member appeals through the service: the appeal page is tested above."""
    entry = appeals.appeal(member, removal, "The name was made up, honestly.")
    db.session.commit()
    return entry


def test_the_appeal_is_in_the_moderators_queue(app, appealed, moderator):
    queue = page(signed_in(app, moderator), "/mod/")
    assert "The name was made up, honestly." in queue
    assert "hannah" in queue and "It names a child at the nursery." in queue
    assert f"/mod/appeals/{appealed.id}" in queue


def test_overturning_a_removal_restores_the_post(
    app, client, thread, post, member, other_member, moderator, appealed, login
):
    assert thread.reply_count == 0 and member.post_count == 1
    response = signed_in(app, moderator).post(
        f"/mod/appeals/{appealed.id}",
        data={"decision": "overturn", "reason": "You're right; the name was invented."},
    )
    assert response.status_code == 302
    assert appealed.status == AppealStatus.OVERTURNED
    assert post.status == PostStatus.VISIBLE
    assert thread.reply_count == 1 and member.post_count == 2
    assert HURTFUL in page(signed_in(app, other_member), f"/t/{thread.id}")
    login(member)
    notices = page(client, "/me/notices")
    assert (
        "Your appeal was accepted and the decision undone: You're right; the name was invented."
        in notices
    )


def test_an_upheld_removal_stays_removed(
    app, client, thread, post, member, moderator, appealed, login
):
    response = signed_in(app, moderator).post(
        f"/mod/appeals/{appealed.id}",
        data={"decision": "uphold", "reason": "The child is identifiable from the details."},
    )
    assert response.status_code == 302
    assert appealed.status == AppealStatus.UPHELD
    assert post.status == PostStatus.REMOVED
    login(member)
    notices = page(client, "/me/notices")
    assert (
        "Your appeal was reviewed and the decision stands: "
        "The child is identifiable from the details." in notices
    )


def test_overturning_a_suspension_lifts_it(app, client, thread, member, moderator, login):
    action = sanctions.suspend(moderator, member, 30, "Heated replies in several threads.")
    db.session.commit()
    login(member)
    assert client.post(f"/t/{thread.id}/reply", data={"body": "Can I?"}).status_code == 403
    client.post(f"/me/appeals/{action.id}", data={"message": "It was one bad day."})
    entry = db.session.scalars(select(Appeal)).one()
    response = signed_in(app, moderator).post(
        f"/mod/appeals/{entry.id}", data={"decision": "overturn", "reason": "Fair enough."}
    )
    assert response.status_code == 302
    assert member.suspended_until is None
    assert "Your appeal was accepted and the decision undone: Fair enough." in page(
        client, "/me/notices"
    )
    assert client.post(f"/t/{thread.id}/reply", data={"body": "Thank you."}).status_code == 302
    assert thread.reply_count == 1


# What authors see on their hidden or removed posts


@pytest.mark.parametrize(("decision", "label"), [("hide", "Hidden"), ("remove", "Removed")])
def test_the_author_sees_the_reason_on_the_post(
    app, client, thread, post, member, other_member, moderator, login, decision, label
):
    handler = moderation_actions.hide_post if decision == "hide" else moderation_actions.remove_post
    handler(moderator, post, "Please don't generalise about other parents.")
    db.session.commit()
    login(member)
    author = page(client, f"/t/{thread.id}")
    assert f"{label} by a moderator: Please don't generalise about other parents." in author
    assert HURTFUL in author
    others = page(signed_in(app, other_member), f"/t/{thread.id}")
    assert f"This post was {label.lower()} by a moderator." in others
    assert HURTFUL not in others
