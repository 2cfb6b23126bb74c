"""Profiles, settings, notifications and following in Spanish: for a browser that asks for it
(Accept-Language), and for a member who chose it, whatever her browser asks."""

import re
from html import unescape

import pytest
from flask_babel import force_locale

from forum.database import db
from forum.models import ReactionKind
from forum.services import links, tokens
from forum.services.reactions import ReactionCount
from tests import factories
from tests.helpers import signed_in

SPANISH = {"Accept-Language": "es-MX,es;q=0.9"}


def text(html: str) -> str:
    """What the page says, tags left out, entities read."""
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def test_a_profile_in_spanish(app, client, member, other_member):
    factories.thread(member, replies=2, replier=other_member)
    page = client.get(f"/u/{member.username}", headers=SPANISH)
    assert page.status_code == 200
    said = text(page.text)
    assert '<html lang="es"' in page.text
    assert "1 hilo abierto · 1 publicación" in said
    assert "Hilos recientes" in said and "Respuestas recientes" in said
    assert "Todavía no hay respuestas." in said
    assert "se unió" in said
    # A member reading it sees the block button in her language, around the other's name.
    reader = signed_in(app, other_member)
    said = text(reader.get(f"/u/{member.username}", headers=SPANISH).text)
    assert f"Bloquear a {member.display_name}" in said
    assert "Sus publicaciones quedarán plegadas para ti. No se le avisa." in said
    assert "Enviar una solicitud de mensaje" in said


# Each settings page, and one thing it says in Spanish besides its tabs.
SETTINGS = [
    ("/settings", "Guardar perfil"),
    ("/settings/picture", "Usar esta foto"),
    ("/settings/password", "Contraseña actual"),
    ("/settings/email-address", "Cambia tu dirección"),
    ("/settings/email", "Guardar preferencias de correo"),
    ("/settings/push", "Guardar preferencias de notificaciones"),
    ("/settings/helping", "Avísame cuando alguien esté esperando"),
    ("/settings/blocked", "No has bloqueado a nadie."),
    ("/settings/devices", "Un navegador desconocido"),
    ("/settings/tokens", "Qué puede hacer la aplicación"),
    ("/settings/privacy", "Descarga tus datos"),
    ("/notifications", "Elige qué te enviamos por correo"),
    ("/following", "Todavía no sigues ningún hilo."),
]


@pytest.mark.parametrize(("path", "phrase"), SETTINGS)
def test_each_settings_page_in_spanish(app, member, path, phrase):
    browser = signed_in(app, member)
    page = browser.get(path, headers=SPANISH)
    assert page.status_code == 200
    said = text(page.text)
    assert phrase in said
    if path.startswith("/settings"):
        assert "Ajustes" in said and "Preferencias de correo" in said and "Tus datos" in said


def test_a_member_who_chose_spanish_reads_it_whatever_her_browser_asks(app, member):
    member.locale = "es"
    db.session.commit()
    browser = signed_in(app, member)
    said = text(browser.get("/settings/privacy", headers={"Accept-Language": "en"}).text)
    assert "Elimina tu cuenta" in said and "¿Qué hacemos con tus publicaciones?" in said
    assert "Delete your account" not in said


def test_the_email_choices_form_in_spanish_refuses_a_bad_choice_at_the_field(app, member):
    browser = signed_in(app, member)
    page = browser.get("/settings/email", headers=SPANISH).text
    said = text(page)
    assert "Respuestas en los hilos que sigues, y citas de tus publicaciones" in said
    assert "En el momento" in said and "En un resumen diario" in said and "Nunca" in said
    data = {"own_threads": "immediately", "replies": "hourly", "reactions": "daily",
            "helped": "never", "moderation": "immediately"}  # fmt: skip
    refused = browser.post("/settings/email", data=data, headers=SPANISH)
    assert refused.status_code == 400
    error = re.search(r'<p class="error" id="replies-error">(.*?)</p>', refused.text, re.S)
    assert (
        error and unescape(error.group(1)) == "Elige «en el momento», «resumen diario» o «nunca»."
    )
    # What she chose elsewhere is still chosen, and nothing was saved.
    assert '<input checked id="reactions-1" name="reactions" type="radio" value="daily">' in (
        refused.text
    )
    db.session.refresh(member)
    assert (member.email_replies, member.email_reactions) == ("daily", "never")
    saved = browser.post("/settings/email", data=data | {"replies": "immediately"},
                         headers=SPANISH, follow_redirects=True)  # fmt: skip
    assert "Guardamos tus preferencias de correo." in text(saved.text)
    db.session.refresh(member)
    assert (member.email_replies, member.email_reactions) == ("immediately", "daily")


def test_a_bad_email_choice_says_what_to_choose_in_english_too(app, member):
    browser = signed_in(app, member)
    refused = browser.post("/settings/email", data={"replies": "hourly"})
    assert refused.status_code == 400
    assert "Choose straight away, daily digest or never." in text(refused.text)


def test_unsubscribing_in_spanish(app, client, member):
    token = links.make_token("unsubscribe", {"u": member.id, "t": "digest"})
    asked = text(client.get(f"/unsubscribe/{token}", headers=SPANISH).text)
    assert "¿Dejar de recibir estos correos?" in asked
    assert "Así dejarás de recibir el resumen diario. Seguirás viéndolo todo en la aplicación." in (
        asked
    )
    done = text(client.post(f"/unsubscribe/{token}", headers=SPANISH).text)
    assert "Ya no te enviaremos el resumen diario." in done
    assert "Ajustes › Preferencias de correo" in done


def test_signed_in_devices_name_the_browser_in_her_language(app, member):
    browser = app.test_client()
    firefox = "Mozilla/5.0 (Android 14; Mobile; rv:128.0) Gecko/128.0 Firefox/128.0"
    data = {"login": member.username, "password": factories.PASSWORD}
    assert browser.post("/login", data=data, headers={"User-Agent": firefox}).status_code == 302
    spanish = browser.get("/settings/devices", headers=SPANISH | {"User-Agent": firefox})
    said = text(spanish.text)
    assert "Firefox en Android" in said and "Este dispositivo" in said
    assert "Cerrar sesión en este móvil" in said
    english = text(browser.get("/settings/devices", headers={"User-Agent": firefox}).text)
    assert "Firefox on Android" in english and "Sign out of this phone" in english


def test_reactions_are_named_and_counted_in_the_readers_language(app):
    hugs, thanks = (
        ReactionCount(ReactionKind.HUG, 3, False),
        ReactionCount(ReactionKind.THANK_YOU, 1, True),
    )
    with app.test_request_context(), force_locale("es"):
        assert (hugs.action, hugs.spoken) == ("Enviar un abrazo", "3 abrazos")
        assert (thanks.action, thanks.spoken) == ("Gracias", "1 «gracias»")
    with app.test_request_context():
        assert (hugs.action, hugs.spoken) == ("Send a hug", "3 hugs")
        assert (thanks.action, thanks.spoken) == ("Thank you", "1 thank you")
    assert hugs.kind == "hug"  # what is stored and sent stays the kind


def test_the_security_record_reads_in_her_language(app, member):
    browser = signed_in(app, member)
    made = browser.post("/settings/tokens", data={"name": "Mi móvil", "scope_read": "y",
                        "scope_write_posts": "y", "days": "30"}, headers=SPANISH)  # fmt: skip
    said = text(made.text)
    assert "Tu nuevo token «Mi móvil»." in said
    assert "lectura y publicación" in said
    assert "Token «Mi móvil» creado (lectura y publicación)" in said
    tokens.revoke_all(member.id, tokens.NEW_PASSWORD)
    db.session.commit()
    said = text(browser.get("/settings/tokens", headers=SPANISH).text)
    assert "Todos los tokens revocados (1): tu contraseña cambió" in said
    english = text(browser.get("/settings/tokens").text)
    assert "Every token revoked (1): your password changed" in english
    assert "Token “Mi móvil” made (reading and posting)" in english
