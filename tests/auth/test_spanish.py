"""Joining, logging in and the guidelines in Spanish, and a new member's language kept for her
emails."""

from html import unescape

from sqlalchemy import select

from forum.database import db
from forum.models import OutgoingEmail, User
from tests import factories
from tests.auth.test_views import signup_data

SPANISH = {"Accept-Language": "es-ES,es;q=0.9"}


def test_the_sign_up_page_in_spanish(client):
    page = unescape(client.get("/signup", headers=SPANISH).text)
    assert '<html lang="es"' in page
    assert "Únete a Blossom" in page
    assert "Un lugar amable para madres y padres que trabajan." in page
    assert "Nombre de usuario" in page
    assert "He leído y acepto las normas de la comunidad" in page
    assert "Join Blossom" not in page


def test_the_log_in_page_in_spanish(client):
    page = unescape(client.get("/login", headers=SPANISH).text)
    assert "Hola de nuevo" in page
    assert "Iniciar sesión" in page
    assert "Mantener la sesión iniciada en este dispositivo" in page
    assert "¿Has olvidado tu contraseña?" in page
    asked = unescape(client.get("/login?next=/new", headers=SPANISH).text)
    assert "Únete a Blossom o inicia sesión para abrir un hilo" in asked


def test_a_refusal_at_the_sign_up_form_is_in_spanish(client):
    data = signup_data(password="short", confirm="short")
    page = unescape(client.post("/signup", data=data, headers=SPANISH).text)
    assert "La contraseña necesita al menos 10 caracteres." in page


def test_a_sign_up_made_in_spanish_keeps_spanish_for_her(client):
    page = unescape(client.post("/signup", data=signup_data(), headers=SPANISH).text)
    assert "Mira tu correo" in page
    user = db.session.scalars(select(User)).one()
    assert user.locale == "es"
    email = db.session.scalars(select(OutgoingEmail).where(OutgoingEmail.user_id == user.id)).one()
    assert email.subject == "Confirma tu correo para Blossom"


def test_a_sign_up_made_in_english_keeps_english(client):
    client.post("/signup", data=signup_data())
    assert db.session.scalars(select(User)).one().locale == "en"


def test_the_guidelines_in_spanish(client):
    page = unescape(client.get("/guidelines", headers=SPANISH).text)
    assert "Nuestras normas de la comunidad" in page
    assert "Ante todo, amabilidad" in page
    assert "Responde a la persona, no solo a la pregunta." in page
    # What to do when someone may be in danger is said in full, in Spanish too.
    assert "Blossom no es un servicio de emergencias" in page
    assert "llama al número de emergencias de tu zona" in page


def _subject_to(address: str) -> str:
    statement = select(OutgoingEmail.subject).where(OutgoingEmail.to_address == address)
    return db.session.scalars(statement).one()


def test_a_reset_asked_for_from_an_english_page_comes_in_her_language(client):
    factories.member("lucia", locale="es")
    client.post("/forgot", data={"email": "lucia@example.org"})
    assert _subject_to("lucia@example.org") == "Restablecer tu contraseña de Blossom"


def test_her_address_used_by_someone_signing_up_in_spanish_is_told_in_english(client):
    factories.member("hannah")  # no language chosen: the site's default, English
    data = signup_data(username="SomeoneElse", email="hannah@example.org")
    client.post("/signup", data=data, headers=SPANISH)
    subject = _subject_to("hannah@example.org")
    assert subject == "Someone tried to sign up to Blossom with your address"
