"""Every email is written in its recipient's language, whoever caused it and wherever it is
written (her own request, another member's, a task of the queue); the default categories are
stored in English and read in hers; commands speak the site's default language."""

from sqlalchemy import select

from forum import queue
from forum.database import db, utcnow
from forum.models import Category
from forum.services import digest, mail
from tests import factories
from tests.helpers import signed_in

SPANISH = {"Accept-Language": "es"}


def verified(name: str, **choices):
    choices.setdefault("email_own_threads", choices.get("email_replies", "daily"))
    return factories.member(name, email_verified_at=utcnow(), **choices)


def body(message, subtype: str) -> str:
    return message.get_body(preferencelist=(subtype,)).get_content()


def test_a_spanish_member_is_emailed_in_spanish_when_an_english_request_replies(app, mailbox):
    lucia = verified("lucia", email_replies="immediately", locale="es")
    thread = factories.thread(lucia, title="Volver al trabajo")
    response = signed_in(app, factories.member("priya")).post(
        f"/t/{thread.id}/reply", data={"body": "It gets easier, I promise."}
    )
    assert response.status_code == 302
    [message] = mailbox.to("lucia@example.org")
    assert message["Subject"] == "Nueva respuesta en Blossom"
    text, html = body(message, "plain"), body(message, "html")
    assert "Hay una respuesta nueva en un hilo que sigues." in text
    assert "Inicia sesión en Blossom para leerlo." in text
    assert "Para dejar de recibirlos, abre este enlace:" in text
    assert '<html lang="es">' in html
    assert "no un servicio de crisis" in html and "busca apoyo ahora" in html
    assert "new reply" not in text.lower()


def test_an_english_member_stays_in_english_when_a_spanish_member_replies(app, mailbox):
    hannah = verified("hannah", email_replies="immediately")  # she never chose: the default
    thread = factories.thread(hannah, title="Crying in the car park")
    browser = signed_in(app, factories.member("lucia", locale="es"))
    response = browser.post(f"/t/{thread.id}/reply", data={"body": "Te entiendo."}, headers=SPANISH)
    assert response.status_code == 302
    [message] = mailbox.to("hannah@example.org")
    assert message["Subject"] == "New reply on Blossom"
    assert "There's a new reply in a thread you follow." in body(message, "plain")
    assert '<html lang="en">' in body(message, "html")


def test_a_spanish_members_digest_is_in_spanish(app, mailbox):
    lucia = verified("lucia", email_replies="daily", locale="es", timezone="Europe/Madrid")
    thread = factories.thread(lucia, title="Primera semana")
    factories.reply(factories.member("priya"), thread, "You are doing so well.")
    queue.run_waiting()
    assert digest.send_digests().members == 1
    [message] = mailbox.to("lucia@example.org")
    assert message["Subject"] == "Tu resumen de Blossom"
    text = body(message, "plain")
    assert "Esto es lo que ha pasado en Blossom desde tu último resumen:" in text
    assert "Hay una respuesta nueva en un hilo que sigues." in text


def test_a_lazy_subject_is_written_in_the_recipients_language(app):
    from flask_babel import lazy_gettext

    lucia = factories.member("lucia", locale="es")
    hannah = factories.member("hannah")
    subject = lazy_gettext("Your Blossom digest")
    with app.test_request_context(headers=SPANISH):
        english = mail.queue(hannah.email, subject, "verify", user=hannah, link="/x")
        spanish = mail.queue(lucia.email, subject, "verify", user=lucia, link="/x")
    assert english.subject == "Your Blossom digest"
    assert spanish.subject == "Tu resumen de Blossom"
    assert "Confirma que esta es tu dirección de correo para Blossom" in spanish.text_body
    assert "Please confirm that this is your email address" in english.text_body


def test_signing_up_in_spanish_brings_the_confirmation_in_spanish(app, client, mailbox):
    data = {"username": "carmen", "email": "carmen@example.org",
            "password": "tea gone cold again today", "confirm": "tea gone cold again today"}  # fmt: skip
    response = client.post("/signup", data={**data, "agree": "y"}, headers=SPANISH)
    assert response.status_code in (200, 302)
    [message] = mailbox.to("carmen@example.org")
    assert "Confirma que esta es tu dirección de correo para Blossom" in body(message, "plain")


def test_default_categories_are_stored_in_english_and_read_in_spanish(app, client):
    stored = db.session.scalar(select(Category.stored_name).where(Category.slug == "childcare"))
    assert stored == "Childcare"
    found = db.session.scalar(select(Category).where(Category.name == "Back to work"))
    assert found is not None and found.slug == "back-to-work"
    assert found.name == "Back to work"  # no request asks for another language
    page = client.get("/", headers=SPANISH).text
    assert "La vuelta al trabajo" in page and "Pequeñas victorias" in page
    assert "Lo bueno, por pequeño que sea. Compártelo aquí." in page
    assert "Back to work" in client.get("/").text


def test_a_category_a_site_named_itself_shows_as_written(app):
    category = factories.category("small-wins")
    category.name = "Little wins"
    db.session.commit()
    with app.test_request_context(headers=SPANISH):
        assert category.name == "Little wins"
        assert factories.category("childcare").name == "Cuidado de los peques"


def test_commands_speak_english_by_default(app):
    result = app.test_cli_runner().invoke(args=["send-emails"])
    assert result.exit_code == 0, result.output
    assert "Sent 0 emails; 0 will be tried again." in result.output
    result = app.test_cli_runner().invoke(args=["check-consistency"])
    assert "All counters are exact." in result.output
