"""The data download holds her conversations; deleting the account removes her messages
("deleted" in place for the other side) and her requests."""

import json

from sqlalchemy import func, select

from forum.database import db
from forum.models import Conversation, Message
from forum.services import messaging
from tests import factories
from tests.helpers import signed_in
from tests.messages.people import accepted, talked


def test_the_download_holds_her_conversations_without_member_ids(app, member, other_member):
    talked(member, other_member)
    conversation = accepted(member, other_member, "Can I ask about pumping at work?")
    messaging.send(other_member, conversation, "Of course")
    db.session.commit()
    response = signed_in(app, member).post(
        "/settings/privacy/download", data={"password": factories.PASSWORD}
    )
    data = json.loads(response.data)
    [exported] = data["conversations"]
    assert exported["with"] == other_member.display_name
    assert [m["from"] for m in exported["messages"]] == ["you", other_member.display_name]
    assert f'"{other_member.id}"' not in json.dumps(exported)


def test_deleting_the_account_leaves_deleted_in_place_and_removes_requests(
    app, member, other_member
):
    carmen = factories.member("carmen")
    talked(member, other_member, carmen)
    conversation = accepted(member, other_member, "Hello from Hannah")
    messaging.request(member, carmen, "A request from Hannah")
    db.session.commit()
    hannah = signed_in(app, member)
    gone = hannah.post(
        "/settings/privacy/delete",
        data={"password": factories.PASSWORD, "posts": "remove", "understood": "y"},
    )
    assert gone.status_code in (302, 200), gone.text
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Conversation.id))) == 1
    words = db.session.scalars(select(Message.body_markdown)).all()
    assert words == [""]
    page = signed_in(app, other_member).get(f"/messages/{conversation.key}").text
    assert "(deleted)" in page and "Hello from Hannah" not in page
    assert "This conversation is closed." in page
