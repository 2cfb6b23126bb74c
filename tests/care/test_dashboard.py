"""The care dashboard: figures checked against ones worked out by hand from a seeded forum with
known times, small numbers hidden, SVG without style or script, and moderators only."""

import re
from datetime import timedelta

import pytest

from forum.database import db, utcnow
from forum.models import (
    Action,
    ModerationAction,
    Nudge,
    Report,
    ReportReason,
    ReportStatus,
)
from forum.services import care_dashboard
from tests import factories
from tests.helpers import signed_in

NOW = utcnow().replace(microsecond=0)
DAY = timedelta(days=1)


def minutes(n: float) -> timedelta:
    return timedelta(minutes=n)


def thread_at(author, started, replies=(), category="back-to-work", **options):
    """A thread started at `started`, with replies (author, minutes after the start)."""
    thread = factories.thread(author, title=f"A thread from {started:%d %B %H:%M:%S}",
                              category_slug=category, **options)  # fmt: skip
    thread.created_at = started
    factories.opening_post(thread).created_at = started
    for replier, after in replies:
        post = factories.reply(replier, thread)
        post.created_at = started + minutes(after)
    db.session.commit()
    return thread


@pytest.fixture
def seeded(app):
    """Seven days ago and the seven before, with every time known."""
    regular = factories.member("regular", display_name="Rowan Regular")
    helper_a, helper_b = factories.member("amara"), factories.member("bea")
    replier = factories.member("priya")
    thread_at(regular, NOW - 30 * DAY)  # her first thread, long before both periods
    current = [
        thread_at(factories.member("newcomer1"), NOW - DAY, [(helper_a, 10)]),
        thread_at(regular, NOW - 2 * DAY, [(helper_a, 20)]),
        thread_at(regular, NOW - 3 * DAY, [(helper_a, 30)]),
        thread_at(regular, NOW - 4 * DAY, [(helper_a, 40)]),
        thread_at(regular, NOW - 5 * DAY, [(helper_a, 300)]),
    ]
    waiting = thread_at(regular, NOW - 6 * DAY, anonymous=True)
    thread_at(factories.member("newcomer2"), NOW - DAY, [(replier, 60)], category="childcare")
    # The week before: five first threads, each author back the next day.
    for number, after in enumerate((5, 15, 25, 35, 45)):
        author = factories.member(f"first{number}")
        started = NOW - 8 * DAY - number * timedelta(hours=3)
        thread = thread_at(author, started, [(replier, after), (author, 24 * 60)])
        assert thread.first_thread
    # Ten nudges, five answered by the helper nudged.
    for thread in current:
        for helper in (helper_a, helper_b):
            db.session.add(Nudge(thread_id=thread.id, helper_id=helper.id,
                                 sent_at=thread.created_at + minutes(5)))  # fmt: skip
    # Five reports acted on after 10 to 50 minutes; one at-risk report open for two hours.
    moderator = factories.member("morgan", role="moderator")
    for thread, after in zip(current, (10, 20, 30, 40, 50), strict=True):
        post = factories.opening_post(thread)
        made = thread.created_at + minutes(1)
        db.session.add(Report(post_id=post.id, reporter_id=replier.id, reason=ReportReason.UNKIND,
                              status=ReportStatus.ACTIONED, created_at=made))  # fmt: skip
        db.session.add(ModerationAction(moderator_id=moderator.id, action=Action.HIDE,
                                        reason="Unkind", post_id=post.id,
                                        created_at=made + minutes(after)))  # fmt: skip
    db.session.add(Report(post_id=factories.opening_post(waiting).id, reporter_id=None,
                          reason=ReportReason.AT_RISK, created_at=NOW - timedelta(hours=2)))  # fmt: skip
    db.session.commit()
    return {"waiting": waiting, "regular": regular}


def cells(board, slug: str) -> dict[str, list[str]]:
    return {label: [c.text for c in row] for label, row in board.table(slug).rows}


def test_the_figures_match_the_hand_worked_ones(app, seeded):
    board = care_dashboard.dashboard(7, NOW)
    times = cells(board, "reply-times")
    # This week: 10, 20, 30, 40, 60, 300 minutes: median (30 + 40) / 2, 90th: the 6th of 6.
    # The week before: 5, 15, 25, 35, 45: median 25, 90th percentile the 5th of 5.
    assert times["All threads"] == ["35 min", "25 min", "5 h", "45 min", "6", "5"]
    assert times["Back to work"] == ["30 min", "25 min", "5 h", "45 min", "5", "5"]
    assert times["First threads"] == ["fewer than 5", "25 min", "fewer than 5", "45 min",
                                      "fewer than 5", "5"]  # fmt: skip
    assert times["Childcare"][0] == "fewer than 5"
    waited = cells(board, "waited")
    assert waited["1 hour"] == ["fewer than 5", "fewer than 5"]  # 300 min and the waiting one
    assert board.table("waited").links == [(seeded["waiting"].title, seeded["waiting"].id)]
    assert cells(board, "at-risk")["1 to 4 hours"] == ["fewer than 5"]
    handling = cells(board, "report-handling")
    assert handling["All reports"] == ["30 min", "fewer than 5", "50 min", "fewer than 5"]
    assert cells(board, "reasons")["Unkind or judgemental"] == [
        "5", "fewer than 5", "fewer than 5", "5", "fewer than 5"
    ]  # fmt: skip
    assert cells(board, "nudges") == {"Sent": ["10", "fewer than 5"],
                                      "Answered by the helper": ["5", "fewer than 5"]}  # fmt: skip
    # Started 8 to 9 days ago, so their week is over: all five came back the next day.
    assert cells(board, "came-back") == {"With a reply": ["100% of 5", "fewer than 5"],
                                         "Without a reply": ["fewer than 5", "fewer than 5"]}  # fmt: skip


def test_the_page_is_for_moderators_only(app, client, seeded, login):
    assert client.get("/mod/care").status_code == 302  # to sign in
    member = signed_in(app, factories.member("hannah"))
    assert member.get("/mod/care").status_code == 403
    assert member.get("/mod/care/reply-times.csv").status_code == 403


def test_the_charts_are_plain_svg_and_the_page_names_nobody(app, seeded):
    moderator = signed_in(app, factories.member("mod_lee", role="moderator"))
    for days in ("7", "30", "90", "oops", "-1", "7%00"):
        page = moderator.get(f"/mod/care?days={days}")
        assert page.status_code == 200
        html = page.text
        assert "<svg" in html and "<title" in html and "<desc" in html
        charts = re.findall(r"<svg.*?</svg>", html, re.S)
        assert len(charts) == 7
        for chart in charts:
            assert "style" not in chart.lower() and "script" not in chart.lower()
            assert re.search(r'<title id="[^"]+">[^<]+</title>', chart)
        assert " style=" not in html and "<style" not in html
        for name in ("regular", "Rowan", "amara", "priya", "first0", "newcomer"):
            assert name not in html, name
    csv = moderator.get("/mod/care/reply-times.csv?days=7")
    assert csv.status_code == 200 and csv.mimetype == "text/csv"
    assert "attachment" in csv.headers["Content-Disposition"]
    assert "All threads,35 min,25 min,5 h,45 min,6,5" in csv.text
    assert moderator.get("/mod/care/nothing.csv").status_code == 404
    assert re.search(r'class="chart"', moderator.get("/mod/care").text)
