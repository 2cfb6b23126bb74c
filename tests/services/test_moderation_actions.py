"""Two moderators acting at once never both succeed in contradictory ways, on either database."""

from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

import pytest
from sqlalchemy import func, select

from forum.database import db
from forum.models import ModerationAction, PostStatus, Report, ReportStatus
from forum.services import reporting
from tests import factories


@pytest.mark.parametrize(
    ("first", "second"),
    [("hide", "dismiss"), ("remove", "hide"), ("dismiss", "remove"), ("hide", "hide")],
)
def test_two_moderators_at_once_only_one_succeeds(app, member, other_member, first, second):
    thread = factories.thread(member)
    post = factories.reply(member, thread, "Words someone reported")
    reporting.report_post(other_member, post, "unkind", "")
    mods = [factories.member(f"mod{n}", role="moderator").username for n in range(2)]
    post_id = post.id
    db.session.commit()
    start = Barrier(2)

    def act(username_and_action: tuple[str, str]) -> int:
        username, action = username_and_action
        client = app.test_client()
        client.post("/login", data={"login": username, "password": factories.PASSWORD})
        start.wait()
        data = {"reason": "Checked", "from_queue": "1"}  # both acting on the queue item they saw
        return client.post(f"/mod/posts/{post_id}/{action}", data=data).status_code

    with ThreadPoolExecutor(max_workers=2) as pool:
        statuses = sorted(pool.map(act, [(mods[0], first), (mods[1], second)]))
    assert statuses == [302, 409]

    db.session.commit()  # a new snapshot: see what the other threads wrote
    logged = db.session.scalar(
        select(func.count(ModerationAction.id)).where(ModerationAction.post_id == post_id)
    )
    assert logged == 1
    report = db.session.scalars(select(Report)).one()
    assert report.status != ReportStatus.OPEN
    expected = {
        "hide": PostStatus.HIDDEN,
        "remove": PostStatus.REMOVED,
        "dismiss": PostStatus.VISIBLE,
    }
    winner = db.session.scalar(
        select(ModerationAction.action).where(ModerationAction.post_id == post_id)
    )
    assert post.status == expected[winner]
    assert (thread.reply_count, member.post_count) == ((1, 2) if winner == "dismiss" else (0, 1))
