"""A push is written in the language of the member whose phone shows it, whoever replied."""

from sqlalchemy import select

from forum.database import db
from forum.models import Notification
from tests import factories
from tests.push.test_push import turn_on


def test_a_spanish_members_push_is_in_spanish_when_an_english_member_replies(
    app, pushing, member, other_member
):
    member.locale = "es"
    db.session.commit()
    device, _ = turn_on(app, member, pushing)
    thread = factories.thread(member, title="Sacarse leche en el trabajo")
    factories.reply(other_member, thread, "It gets easier.")  # an English member, and the worker
    assert pushing.errors == []
    [received] = pushing.to(device)
    notification = db.session.scalars(select(Notification)).one()
    assert received.shown == {
        "title": "Nueva respuesta en Blossom",
        "body": "Hay una respuesta nueva en un hilo que sigues.",
        "url": f"/notifications/{notification.id}",
        "tag": "replies",
    }


def test_an_english_members_push_stays_english(app, pushing, member, other_member):
    other_member.locale = "es"
    db.session.commit()
    device, _ = turn_on(app, member, pushing)
    thread = factories.thread(member)
    factories.reply(other_member, thread, "Te entiendo.")
    [received] = pushing.to(device)
    assert received.shown["title"] == "New reply on Blossom"
