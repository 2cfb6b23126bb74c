"""Every route of a conversation refuses anyone who is not a party with a 404, as for a
conversation that doesn't exist, and changes nothing."""

import pytest
from sqlalchemy import func, select

from forum.database import db
from forum.models import Conversation, Message, MessageReport
from tests import factories
from tests.helpers import signed_in
from tests.messages.people import accepted, talked

ROUTES = [
    ("get", "/messages/{key}", None),
    ("post", "/messages/{key}", {"body": "Let me in"}),
    ("post", "/messages/{key}/accept", None),
    ("post", "/messages/{key}/decline", None),
    ("post", "/messages/{key}/leave", None),
    ("post", "/messages/{key}/block", None),
    ("post", "/messages/{key}/name/show", None),
    ("get", "/messages/{key}/{message}/report", None),
    ("post", "/messages/{key}/{message}/report", {"reason": "spam", "context": "0"}),
]


@pytest.mark.parametrize(("method", "route", "data"), ROUTES)
def test_non_parties_get_a_404_and_nothing_changes(app, member, other_member, method, route, data):
    talked(member, other_member)
    conversation = accepted(member, other_member)
    message = db.session.scalar(select(Message.id))
    outsider = signed_in(app, factories.member("carmen"))
    moderator = signed_in(app, factories.member("morgan", role="moderator"))
    for url in (
        route.format(key=conversation.key, message=message),
        route.format(key="no-such-key", message=message),
    ):
        for client in (outsider, moderator):  # moderators never browse conversations either
            response = getattr(client, method)(url, data=data)
            assert response.status_code == 404, (url, response.status_code)
    db.session.expire_all()
    assert db.session.get(Conversation, conversation.id).state == "open"
    assert db.session.scalar(select(func.count(Message.id))) == 1
    assert db.session.scalar(select(func.count(MessageReport.id))) == 0


def test_a_message_of_another_conversation_cant_be_reported_through_hers(app, member, other_member):
    carmen = factories.member("carmen")
    talked(member, other_member, carmen)
    mine = accepted(member, other_member)
    theirs = accepted(other_member, carmen, "Something private")
    their_message = db.session.scalar(
        select(Message.id).where(Message.conversation_id == theirs.id)
    )
    hannah = signed_in(app, member)
    assert hannah.get(f"/messages/{mine.key}/{their_message}/report").status_code == 404


def test_signed_out_visitors_are_asked_to_log_in(client, member, other_member):
    talked(member, other_member)
    conversation = accepted(member, other_member)
    for url in ("/messages", f"/messages/{conversation.key}", "/settings/messages"):
        assert client.get(url).status_code == 302
