"""Messages in Spanish: the pages, the second looks and a private reply's aliases in the
reader's language, while what is stored (the aliases) stays as it is, in English."""

from flask_babel import gettext
from sqlalchemy import select

from forum.database import db
from forum.models import Party
from forum.services import messaging
from tests import factories
from tests.helpers import signed_in
from tests.messages.people import accepted, ready, talked

SPANISH = {"Accept-Language": "es"}


def test_a_conversation_page_is_in_spanish(app, member, other_member):
    talked(member, other_member)
    conversation = accepted(member, other_member)
    page = signed_in(app, other_member).get(f"/messages/{conversation.key}", headers=SPANISH)
    assert page.status_code == 200
    text = page.text
    assert "Avisar a moderación de este mensaje" in text
    assert "Salir de la conversación" in text
    assert "Puedes usar *asteriscos* para resaltar" in text
    assert "Can I ask about nursery?" in text  # what she wrote stays as she wrote it
    listing = signed_in(app, member).get("/messages", headers=SPANISH).text
    assert "Conversaciones privadas." in listing


def test_a_request_form_and_its_contact_pause_are_in_spanish(app, member, other_member):
    talked(member, other_member)
    them = signed_in(app, member)
    form = them.get(f"/u/{other_member.username}/message", headers=SPANISH)
    assert form.status_code == 200
    assert "Solicitud de mensaje para" in form.text and "Enviar solicitud" in form.text
    paused = them.post(
        f"/u/{other_member.username}/message",
        data={"body": "Text me on 0612 345 678 any time"},
        headers=SPANISH,
    )
    assert paused.status_code == 400
    assert "¿Compartes datos de contacto?" in paused.text
    assert "Enviar igualmente" in paused.text
    assert "Text me on 0612 345 678 any time" in paused.text  # nothing typed is lost


def _private_reply_offered(member):
    author = ready(factories.member("juniper"))
    thread = factories.thread(author, title="Back at work and so tired", anonymous=True)
    post = factories.opening_post(thread)
    post.private_replies = True
    ready(member)
    db.session.commit()
    return author, post


def test_a_private_reply_sent_from_a_spanish_page_stores_its_aliases_in_english(app, member):
    _, post = _private_reply_offered(member)
    sent = signed_in(app, member).post(
        f"/p/{post.id}/private-reply", data={"body": "Me too. How are nights?"}, headers=SPANISH
    )
    assert sent.status_code == 302
    stored = set(db.session.scalars(select(Party.alias)))
    assert stored == {"A parent from the thread", "Anonymous parent (original poster)"}


def test_a_private_reply_shows_the_aliases_in_the_readers_language(app, member):
    author, post = _private_reply_offered(member)
    with app.test_request_context(headers=SPANISH):  # the thread's label, as the catalog has it
        label = gettext("Anonymous parent (original poster)")
    assert label != "Anonymous parent (original poster)"
    replier = signed_in(app, member)
    form = replier.get(f"/p/{post.id}/private-reply", headers=SPANISH).text
    assert f"Responder en privado a {label}" in form
    sent = replier.post(f"/p/{post.id}/private-reply", data={"body": "Me too. How are nights?"})
    key = sent.headers["Location"].rsplit("/", 1)[-1]
    hers = signed_in(app, author).get(f"/messages/{key}", headers=SPANISH).text
    assert "Con <bdi>Alguien del hilo</bdi>" in hers
    assert f"Apareces como <bdi>{label}</bdi>" in hers
    theirs = replier.get(f"/messages/{key}").text  # no language asked: English, as ever
    assert "With <bdi>Anonymous parent (original poster)</bdi>" in theirs


def test_a_refusal_and_a_flash_are_in_spanish(app, member, other_member):
    talked(member, other_member)
    conversation = messaging.request(member, other_member, "Hello there").conversation
    db.session.commit()
    page = signed_in(app, member).post(
        f"/messages/{conversation.key}", data={"body": "Anyone there?"}, headers=SPANISH
    )
    assert "Tu solicitud está esperando respuesta" in page.text
    her = signed_in(app, other_member)
    her.post(f"/messages/{conversation.key}/accept", headers=SPANISH)
    assert "Has aceptado." in her.get(f"/messages/{conversation.key}", headers=SPANISH).text
