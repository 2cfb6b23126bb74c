"""Requests that arrive together, on real connections to the real database: reports that reach
the auto-hide threshold at once, a double-tapped post, a double-submitted appeal.

Each round sends its requests from threads released by one barrier, each request in its own app
context and transaction, as gunicorn's workers would; several rounds make a lost race likely to
show at least once."""

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from html import unescape
from threading import Barrier

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select, update

from forum.database import db
from forum.models import (
    Action,
    Appeal,
    ModerationAction,
    Notification,
    Post,
    PostStatus,
    Thread,
)
from forum.services import moderation_actions, reporting
from tests import factories
from tests.helpers import signed_in

ROUNDS = 6


def at_once(requests: list[Callable[[], int]]) -> list[int]:
    """Run the requests together, released at the same moment; their status codes, sorted."""
    start = Barrier(len(requests))

    def run(request: Callable[[], int]) -> int:
        start.wait(timeout=30)
        return request()

    with ThreadPoolExecutor(max_workers=len(requests)) as pool:
        statuses = sorted(pool.map(run, requests))
    db.session.commit()  # end the test's snapshot, so it reads what the requests wrote
    db.session.expire_all()
    return statuses


def posting(browser: FlaskClient, url: str, data: dict) -> Callable[[], int]:
    return lambda: browser.post(url, data=data).status_code


def consistent(app) -> str:
    result = app.test_cli_runner().invoke(args=["check-consistency"])
    db.session.commit()
    return result.output.strip()


def test_reports_arriving_together_hide_the_post_once(app, member, other_member, monkeypatch):
    """Two reports, the threshold two: whichever commits second sees the first and hides it."""
    monkeypatch.setitem(app.config, "AUTO_HIDE_REPORTS", 2)
    thread = factories.thread(other_member)
    posts = [
        factories.reply(member, thread, f"Reply number {n}, to report.") for n in range(ROUNDS)
    ]
    reporters = [signed_in(app, factories.member(name)) for name in ("rosalind", "beatrix")]
    post_ids = [p.id for p in posts]
    db.session.commit()

    for post_id in post_ids:
        url = f"/p/{post_id}/report"
        statuses = at_once([posting(r, url, {"reason": "unkind"}) for r in reporters])
        assert statuses == [302, 302]

    hides = list(
        db.session.scalars(
            select(ModerationAction.post_id).where(ModerationAction.action == Action.AUTO_HIDE)
        )
    )
    assert sorted(hides) == post_ids  # each post hidden, and only once
    statuses = db.session.scalars(select(Post.status).where(Post.id.in_(post_ids))).all()
    assert set(statuses) == {PostStatus.PENDING}
    assert db.session.get(Thread, thread.id).reply_count == 0
    assert consistent(app) == "All counters are exact."


def test_an_at_risk_report_arriving_with_the_deciding_report_is_never_overruled(
    app, member, other_member, monkeypatch
):
    """Crisis first holds under a race: the reports queue on the post. If the at-risk report is
    first, the post stays up; if the deciding report is first, the post was hidden before anyone
    flagged it, and the at-risk report is told a moderator is already looking. Never both taken
    and the post hidden."""
    monkeypatch.setitem(app.config, "AUTO_HIDE_REPORTS", 2)
    thread = factories.thread(other_member)
    posts = [
        factories.reply(member, thread, f"Reply number {n}, to report.") for n in range(ROUNDS)
    ]
    first, worried, last = (factories.member(n) for n in ("rosalind", "beatrix", "carmen"))
    for post in posts:
        reporting.report_post(first, post, "spam")
    post_ids = [p.id for p in posts]
    worried, last = signed_in(app, worried), signed_in(app, last)
    db.session.commit()

    for post_id in post_ids:
        url = f"/p/{post_id}/report"
        flagged = posting(worried, url, {"reason": "at_risk"})
        statuses = at_once([flagged, posting(last, url, {"reason": "spam"})])
        status = db.session.scalar(select(Post.status).where(Post.id == post_id))
        hides = select(func.count()).where(
            ModerationAction.action == Action.AUTO_HIDE, ModerationAction.post_id == post_id
        )
        if statuses == [302, 302]:  # both taken: the at-risk report keeps the post up
            assert (status, db.session.scalar(hides)) == (PostStatus.VISIBLE, 0)
        else:  # hidden first, then the at-risk report refused: it never flagged a hidden post
            assert statuses == [302, 400]
            assert (status, db.session.scalar(hides)) == (PostStatus.PENDING, 1)


@pytest.mark.parametrize("where", ["reply", "thread"])
def test_a_double_tapped_post_goes_up_once(app, member, other_member, where):
    thread = factories.thread(other_member)
    thread_id = thread.id
    # Two sign-ins of one member: two phones, or one phone whose first request was slow.
    taps = [signed_in(app, member), signed_in(app, member)]
    db.session.commit()

    for n in range(ROUNDS):
        body = f"Same here, round {n}. The first week back is the hardest."
        if where == "reply":
            url, data = f"/t/{thread_id}/reply", {"body": body}
        else:
            url, data = (
                "/new",
                {"category": "childcare", "title": f"Pick-up guilt {n}", "body": body},
            )
        assert at_once([posting(tap, url, data) for tap in taps]) == [302, 409]
        saying = select(func.count()).where(Post.body_markdown == body)
        assert db.session.scalar(saying) == 1, n

    threads = db.session.scalar(select(func.count()).select_from(Thread))
    assert threads == (1 if where == "reply" else 1 + ROUNDS)
    assert consistent(app) == "All counters are exact."


def test_a_double_submitted_appeal_is_taken_once_and_the_second_told_so(
    app, member, other_member, moderator
):
    thread = factories.thread(other_member)
    removals = []
    for n in range(ROUNDS):
        post = factories.reply(member, thread, f"Reply number {n}, later removed.")
        removals.append(moderation_actions.remove_post(moderator, post, "Names a child.").id)
    taps = [signed_in(app, member), signed_in(app, member)]
    db.session.commit()

    for action_id in removals:
        url = f"/me/appeals/{action_id}"
        data = {"message": "The name was made up, honestly."}
        responses = []

        def appeal(tap: FlaskClient, url=url, data=data, responses=responses) -> int:
            response = tap.post(url, data=data)
            responses.append(response)
            return response.status_code

        assert at_once([lambda tap=tap: appeal(tap) for tap in taps]) == [302, 409]
        (refused,) = [r for r in responses if r.status_code == 409]
        assert "You've already appealed this decision" in unescape(refused.text)
        assert "The name was made up, honestly." in unescape(refused.text)  # what was typed is kept

    appealed = db.session.scalars(select(Appeal.action_id)).all()
    assert sorted(appealed) == removals


def test_opening_a_notification_while_another_write_is_under_way_waits_for_it(
    app, member, other_member
):
    """The GETs that record something take the write lock as a POST does. Read first and then
    write, on SQLite, and a write committed in between fails them at once ("database is
    locked", a 503): here a worker's commit lands while the notification is being opened."""
    thread = factories.thread(member)
    factories.reply(other_member, thread)
    notification = db.session.scalar(select(Notification).where(Notification.user_id == member.id))
    notification_id = notification.id
    browser = signed_in(app, member)
    db.session.commit()
    with db.engine.connect() as worker:
        worker.execute(
            update(Notification)
            .where(Notification.id == notification_id)
            .values(group_key="worker was here")
        )  # the worker's transaction holds the write lock (SQLite) and the row (PostgreSQL)
        with ThreadPoolExecutor(max_workers=1) as pool:
            opened = pool.submit(lambda: browser.get(f"/notifications/{notification_id}"))
            time.sleep(0.5)  # the page has begun by now, and waits on the worker
            worker.commit()
            response = opened.result(timeout=30)
    assert response.status_code == 302, response.text
    db.session.expire_all()
    notification = db.session.get(Notification, notification_id)
    assert notification.read_at is not None and notification.group_key == "worker was here"
