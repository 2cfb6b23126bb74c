"""Crisis first, always: a post flagged "someone may be at risk" is never hidden by members'
reports, and a suspended member can still tell the moderators someone may be at risk."""

from html import unescape

import pytest
from sqlalchemy import select

from forum.database import db
from forum.models import Action, ModerationAction, PostStatus, Report, ReportReason, ReportStatus
from forum.services import moderation_actions, reporting, sanctions
from forum.services.errors import NotAllowed
from tests import factories
from tests.helpers import signed_in

CRISIS = "Some nights I feel everyone would be better off without me."
PLAIN = "Three weeks back and I still cry in the car park at lunch."


@pytest.fixture
def thread(other_member):
    return factories.thread(other_member, title="Back at work, and lost")


@pytest.fixture
def reporters(app):
    return [factories.member(name) for name in ("rosalind", "beatrix", "carmen", "delphine")]


def report(browser, post, reason: str):
    return browser.post(f"/p/{post.id}/report", data={"reason": reason, "details": ""})


def auto_hides() -> list[ModerationAction]:
    return list(
        db.session.scalars(
            select(ModerationAction).where(ModerationAction.action == Action.AUTO_HIDE)
        )
    )


def at_risk_reports(post) -> list[Report]:
    return list(
        db.session.scalars(
            select(Report).where(Report.post_id == post.id, Report.reason == ReportReason.AT_RISK)
        )
    )


def test_a_post_whose_wording_reads_as_crisis_is_never_hidden_by_reports(
    app, thread, member, reporters
):
    post = factories.reply(member, thread, CRISIS)
    db.session.commit()
    (flag,) = at_risk_reports(post)
    assert flag.reporter_id is None  # Blossom's own report, from the wording
    for reporter, reason in zip(reporters, ("spam", "unkind", "harassment", "other"), strict=True):
        report(signed_in(app, reporter), post, reason)
        assert post.status == PostStatus.VISIBLE, reason
    assert len(db.session.scalars(select(Report).where(Report.post_id == post.id)).all()) == 5
    assert auto_hides() == []


def test_a_members_at_risk_report_keeps_the_post_up_whatever_others_report(
    app, thread, member, reporters
):
    post = factories.reply(member, thread, PLAIN)
    db.session.commit()
    assert at_risk_reports(post) == []
    first, *others = reporters
    assert report(signed_in(app, first), post, "at_risk").status_code == 302
    for reporter in others:
        report(signed_in(app, reporter), post, "spam")
        assert post.status == PostStatus.VISIBLE
    assert auto_hides() == []


def test_the_flag_holds_after_a_moderator_has_looked_at_it(
    app, thread, member, moderator, reporters
):
    post = factories.reply(member, thread, CRISIS)
    db.session.commit()
    moderation_actions.dismiss_reports(moderator, post, "Reached out; she has support at home.")
    db.session.commit()
    assert {r.status for r in at_risk_reports(post)} == {ReportStatus.DISMISSED}
    for reporter in reporters:
        report(signed_in(app, reporter), post, "unkind")
        assert post.status == PostStatus.VISIBLE
    assert auto_hides() == []


def test_other_posts_are_still_hidden_after_enough_reports(app, thread, member, reporters):
    post = factories.reply(member, thread, PLAIN)
    db.session.commit()
    for reporter in reporters[:3]:
        report(signed_in(app, reporter), post, "spam")
    assert post.status == PostStatus.PENDING
    assert len(auto_hides()) == 1


@pytest.fixture
def suspended(app, thread, member, moderator):
    """hannah, suspended for three days, and a post by priya that worries her."""
    sanctions.suspend(moderator, member, 3, "Too sharp with a new member.")
    db.session.commit()
    return factories.opening_post(thread)


def test_a_suspended_member_can_say_someone_may_be_at_risk(app, member, suspended):
    browser = signed_in(app, member)
    form = browser.get(f"/p/{suspended.id}/report")
    assert form.status_code == 200
    shown = unescape(form.text)
    assert "Someone may be at risk" in shown
    assert 'value="spam"' not in shown  # the one reason a suspension leaves open
    assert report(browser, suspended, "at_risk").status_code == 302
    (filed,) = at_risk_reports(suspended)
    assert filed.reporter_id == member.id and filed.status == ReportStatus.OPEN


def test_a_suspended_member_still_cannot_report_for_other_reasons(app, member, suspended):
    response = report(signed_in(app, member), suspended, "spam")
    assert response.status_code == 403
    shown = unescape(response.text)
    assert "suspended until" in shown
    assert "You can still tell the moderators if someone may be at risk." in shown
    assert db.session.scalars(select(Report)).all() == []


def test_a_banned_member_cannot_report_at_all(app, member, moderator, suspended):
    sanctions.ban(moderator, member, "Repeated harassment after warnings.")
    db.session.commit()
    with pytest.raises(NotAllowed, match="banned"):
        reporting.report_post(member, suspended, ReportReason.AT_RISK)
