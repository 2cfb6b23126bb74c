"""The moderators' tools about members: finding one, reading what she wrote by name, common
reasons with a moderator's own words, a warning apart from suspending and banning, a ban that is
confirmed, and a caring answer to someone at risk."""

from html import unescape

import pytest
from sqlalchemy import select

from forum.database import db
from forum.models import Action, ModerationAction, Notification, Report, ReportStatus
from forum.services import reporting
from forum.services.notifications import describe
from tests import factories
from tests.helpers import signed_in


def logged(action: Action) -> list[str]:
    return list(
        db.session.scalars(select(ModerationAction.reason).where(ModerationAction.action == action))
    )


@pytest.fixture
def mod(app, moderator):
    return signed_in(app, moderator)


def test_member_search_finds_by_username_or_display_name(app, mod, member, other_member):
    factories.member("hannelore", display_name="Lore P")
    other_member.display_name = "Priya Shah"
    db.session.commit()
    page = unescape(mod.get("/mod/members?q=HANN").text)
    assert "@hannah" in page and "@hannelore" in page and "@priya" not in page
    assert page.index("@hannah") < page.index("@hannelore")
    page = unescape(mod.get("/mod/members?q=shah").text)
    assert "@priya" in page and "@hannah" not in page
    assert "Nobody" in mod.get("/mod/members?q=%25").text  # a wildcard is only a character
    assert mod.get("/mod/members?q=" + "x" * 5000).status_code == 200
    assert signed_in(app, member).get("/mod/members?q=priya").status_code == 403


def test_member_search_and_member_page_never_show_anonymous_posts(mod, member):
    hidden = factories.thread(member, title="Nobody can know this is me", anonymous=True)
    named = factories.thread(member, title="Sleep regression at four months")
    factories.reply(member, hidden, "Thank you all, by name this time.")
    page = unescape(mod.get("/mod/members?q=hannah").text)
    assert "@hannah" in page and hidden.title not in page
    assert "Anonymous" not in page
    assert "@" not in unescape(mod.get("/mod/members?q=Anonymous+parent").text).split("<h1")[1]
    page = unescape(mod.get("/mod/members/hannah").text)
    assert named.title in page  # her named thread is listed
    assert hidden.title not in page  # neither her anonymous thread nor her named reply in it


def test_a_common_reason_and_the_moderators_own_words_are_logged_together(mod, member):
    answer = mod.post(
        "/mod/members/hannah/warn",
        data={"preset": "Harassment or bullying", "reason": "Second time this week."},
    )
    assert answer.status_code == 302
    mod.post("/mod/members/hannah/warn", data={"preset": "Spam or advertising", "reason": ""})
    assert logged(Action.WARN) == [
        "Harassment or bullying. Second time this week.",
        "Spam or advertising",
    ]
    refused = mod.post("/mod/members/hannah/warn", data={"preset": "", "reason": " "})
    assert refused.status_code == 400 and 'id="warn-reason-error"' in refused.text
    made_up = mod.post("/mod/members/hannah/warn", data={"preset": "Made up", "reason": "Kept"})
    assert made_up.status_code == 400 and 'id="warn-preset-error"' in made_up.text
    assert "Kept</textarea>" in made_up.text and len(logged(Action.WARN)) == 2


def test_warning_is_apart_from_suspending_and_a_ban_is_confirmed(mod, member):
    page = mod.get("/mod/members/hannah").text
    forms = page.split('<form class="action-form"')[1:]
    warn = next(f for f in forms if "/warn" in f)
    assert "/ban" not in warn and "/suspend" not in warn
    assert 'name="confirm_ban"' in next(f for f in forms if "/ban" in f)

    refused = mod.post("/mod/members/hannah/ban", data={"reason": "Spam, again and again"})
    assert refused.status_code == 400
    assert 'id="member-confirm_ban-error"' in refused.text
    assert "Spam, again and again" in refused.text
    db.session.refresh(member)
    assert not member.is_banned and logged(Action.BAN) == []
    done = mod.post(
        "/mod/members/hannah/ban", data={"reason": "Spam, again and again", "confirm_ban": "y"}
    )
    assert done.status_code == 302
    db.session.refresh(member)
    assert member.is_banned and logged(Action.BAN) == ["Spam, again and again"]


def test_a_moderator_checks_in_on_someone_at_risk_and_the_reporter_is_told(
    app, mod, member, other_member
):
    thread = factories.thread(member, title="I can't do this anymore", anonymous=True)
    post = factories.opening_post(thread)
    reporting.report_post(other_member, post, "at_risk", "Please look")
    unkind = factories.member("uma")
    reporting.report_post(unkind, post, "unkind")
    calm = factories.opening_post(factories.thread(factories.member("vera"), title="Naps"))
    reporting.report_post(other_member, calm, "spam")
    db.session.commit()

    queue = unescape(mod.get("/mod/").text)
    assert queue.count("I've checked in") == 1
    assert f"/mod/posts/{post.id}/check_in" in queue
    answer = mod.post(f"/mod/posts/{post.id}/check_in", data={"reason": "Sent her a message"})
    assert answer.status_code == 302
    assert logged(Action.CHECK_IN) == ["Sent her a message"]
    statuses = dict(db.session.execute(select(Report.reason, Report.status)).all())
    assert statuses["at_risk"] == ReportStatus.DISMISSED
    assert statuses["unkind"] == ReportStatus.OPEN  # the other report still waits
    told = db.session.scalars(
        select(Notification).where(Notification.user_id == other_member.id)
    ).one()
    with app.test_request_context():
        shown = describe([told])[0].text
    assert shown == (
        "Thank you for looking out for them. "
        "A moderator has seen it and is keeping an eye on the thread."
    )
    assert not db.session.scalars(
        select(Notification).where(Notification.user_id.in_([member.id, unkind.id]))
    ).all()
    again = mod.post(f"/mod/posts/{post.id}/check_in", data={"reason": "Again"})
    assert again.status_code == 409
    assert logged(Action.CHECK_IN) == ["Sent her a message"]
    assert mod.post(f"/mod/posts/{calm.id}/check_in", data={"reason": "x"}).status_code != 302
