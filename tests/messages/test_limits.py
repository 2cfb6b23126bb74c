"""Requests and messages have a rate limit of their own, tighter for new accounts."""

from forum.database import db, utcnow
from tests import factories
from tests.messages.people import accepted, talked
from tests.test_limits import client_at, make_limited, sign_in, storage  # noqa: F401


def test_messages_are_limited_and_new_accounts_wait_longer(
    make_limited,  # noqa: F811 -- the fixture, from tests/test_limits.py
    member,
    other_member,
):
    talked(member, other_member)
    conversation = accepted(member, other_member)
    limited_app = make_limited()
    client = client_at(limited_app)
    sign_in(client, "hannah", factories.PASSWORD)
    url = f"/messages/{conversation.key}"
    statuses = [client.post(url, data={"body": f"Message {n}"}).status_code for n in range(11)]
    assert statuses == [302] * 10 + [429]
    member.created_at = utcnow()  # a new account: 3 a minute
    db.session.commit()
    other = client_at(limited_app, "192.0.2.77")
    sign_in(other, "priya", factories.PASSWORD)
    other_member.created_at = utcnow()
    db.session.commit()
    statuses = [other.post(url, data={"body": f"Reply {n}"}).status_code for n in range(4)]
    assert statuses == [302] * 3 + [429]
