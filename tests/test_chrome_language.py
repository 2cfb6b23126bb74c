"""Every page's frame in the reader's language: the header, footer, error pages, the words the
scripts show, the installed app's manifest, times, and the footer's choice of language."""

import json
import re
from datetime import datetime, timedelta
from html import unescape

import pytest
from flask import g
from flask_babel import refresh

from forum.database import db
from forum.formatting import exact_time, time_ago, wait_in_words
from forum.i18n import written_for
from forum.models import User
from forum.services import policy
from forum.services.errors import NotAllowed
from tests import factories
from tests.helpers import make_app, signed_in

SPANISH = {"Accept-Language": "es-ES,es;q=0.9"}


def test_the_home_page_in_spanish_has_a_spanish_frame(client):
    page = unescape(client.get("/", headers=SPANISH).text)
    assert '<html lang="es">' in page
    assert "Ir al contenido" in page
    assert "Abrir un hilo" in page and "Iniciar sesión" in page
    assert "Blossom es apoyo entre iguales, no un servicio de crisis." in page
    assert "Normas de la comunidad" in page
    assert "Skip to content" not in page and "Community guidelines" not in page


def test_the_home_page_stays_english_by_default(client):
    page = client.get("/").text
    assert '<html lang="en">' in page and "Skip to content" in page


def test_times_are_said_in_the_readers_language(app):
    now = datetime(2026, 12, 3, 16, 30)
    with app.test_request_context(headers=SPANISH):
        refresh()  # the test's app context is shared: the language is read again
        assert time_ago(now - timedelta(minutes=5), now) == "hace 5 minutos"
        assert time_ago(now - timedelta(seconds=20), now) == "ahora mismo"
        assert wait_in_words(600) == "en unos 10 minutos"
    with app.test_request_context():
        refresh()
        assert time_ago(now - timedelta(minutes=5), now) == "5 minutes ago"
        assert time_ago(now - timedelta(minutes=90), now) == "1 hour ago"  # whole units
        assert time_ago(now - timedelta(days=3), now) == "3 days ago"
        assert time_ago(now - timedelta(seconds=20), now) == "just now"


def test_an_exact_time_is_in_the_members_own_time_zone(app):
    moment = datetime(2026, 12, 3, 16, 30)  # stored in UTC
    madrid = factories.member("lucia", locale="es", timezone="Europe/Madrid")
    with app.test_request_context(), written_for(madrid):
        assert exact_time(moment) == "3 de diciembre de 2026, 17:30 CET"
    with app.test_request_context():
        refresh()
        english = " ".join(exact_time(moment).replace("\u202f", " ").split())
        assert english == "December 3, 2026, 4:30 PM UTC"


def test_the_footer_sets_the_language_for_a_visitor(client):
    response = client.post("/language", data={"language": "es", "next": "/support"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/support")
    assert re.search(r"lang=es;", response.headers["Set-Cookie"])
    page = unescape(client.get("/").text)
    assert '<html lang="es">' in page and "Ir al contenido" in page
    assert 'value="es" lang="es" selected' in page


def test_a_member_choosing_spanish_in_the_footer_keeps_it_on_her_account(app, member):
    browser = signed_in(app, member)
    token = re.search(r'name="csrf_token" value="([^"]+)"', browser.get("/").text).group(1)
    choice = {"language": "es", "csrf_token": token}
    assert browser.post("/language", data=choice).status_code == 302
    db.session.expire_all()
    assert db.session.get(User, member.id).locale == "es"
    # On another device, with no cookie and an English browser, her pages are in Spanish.
    elsewhere = signed_in(app, member)
    page = unescape(elsewhere.get("/", headers={"Accept-Language": "en"}).text)
    assert '<html lang="es">' in page and "Cerrar sesión" in page


def test_a_language_we_dont_have_changes_nothing(client):
    response = client.post("/language", data={"language": "xx"})
    assert response.status_code == 302 and "Set-Cookie" not in response.headers


def test_error_pages_are_in_the_readers_language(client):
    response = client.get("/no-such-page", headers=SPANISH)
    assert response.status_code == 404
    page = unescape(response.text)
    assert '<html lang="es">' in page
    assert "No encontramos esa página" in page and "aquí tienes apoyo" in page


@pytest.fixture
def unreachable_app(tmp_path):
    app = make_app(f"sqlite:///{tmp_path}/missing-folder/forum.db")
    yield app
    with app.app_context():
        db.engine.dispose()


def test_the_unavailable_page_is_in_the_readers_language(unreachable_app):
    client = unreachable_app.test_client()
    with client.session_transaction() as session:  # a member's cookie: her account can't be read
        session["_user_id"] = "1:a-sign-in-token"
    client.set_cookie("lang", "es")
    response = client.post("/t/1/reply", data={"body": "Hoy no puedo más."})
    assert response.status_code == 503
    page = unescape(response.text)
    assert '<html lang="es">' in page
    assert "Blossom se está tomando un pequeño descanso" in page
    assert "Lo que escribiste: cópialo para no perderlo" in page
    assert "Hoy no puedo más." in page
    english = unescape(unreachable_app.test_client().get("/").text)
    assert '<html lang="en">' in english and "Blossom is taking a short break" in english


def test_the_scripts_words_come_in_the_pages_language(client):
    page = client.get("/", headers=SPANISH).text
    found = re.search(r"<meta name=\"blossom-texts\" content='([^']*)'>", page)
    texts = json.loads(unescape(found.group(1)))
    assert texts["pushAsking"] == "Preguntando a tu navegador…"
    assert all(texts.values())


def test_the_photo_fields_speak_her_language(app, member):
    browser = signed_in(app, member)
    page = unescape(browser.get("/new", headers=SPANISH).text)
    assert "Añadir fotos" in page and "Describe la foto 1" in page
    assert 'data-too-large="Esa foto pesa más de' in page


def test_the_writing_hint_follows_each_pages_language(app, member):
    """A macro file's words set once are read again for each page, in its language."""
    browser = signed_in(app, member)
    for headers, hint in (
        ({}, "put *stars* around words"),
        (SPANISH, "Puedes poner *asteriscos*"),
        ({}, "put *stars* around words"),
    ):
        assert hint in unescape(browser.get("/new", headers=headers).text)


def test_a_form_sent_back_says_what_is_wrong_in_her_language(app, member):
    browser = signed_in(app, member)
    data = {"category": "childcare", "title": "x" * 151, "body": "Hola."}
    response = browser.post("/new", data=data, headers=SPANISH)
    assert response.status_code == 400
    page = unescape(response.text)
    assert "El título tiene 151 caracteres; puede tener hasta 150." in page
    assert (
        "Revisa el campo marcado aquí abajo." in page
        and "Todo lo que escribiste sigue aquí." in page
    )


def test_the_manifest_is_neutral_in_every_language(client):
    manifest = client.get("/manifest.webmanifest", headers=SPANISH)
    data = manifest.json
    assert data["name"] == "Blossom" and data["lang"] == "es"
    assert data["description"] == "Un lugar tranquilo para leer y escribir."
    words = json.dumps(data, ensure_ascii=False).lower()
    assert not any(word in words for word in ("support", "forum", "apoyo", "foro", "crisis"))
    assert "Accept-Language" in manifest.headers["Vary"]
    assert client.get("/manifest.webmanifest").json["lang"] == "en"


def test_written_for_leaves_the_page_language_as_it_was(app):
    spanish = factories.member("lucia", locale="es")
    with app.test_request_context():
        refresh()
        with written_for(spanish):
            assert time_ago(datetime(2020, 1, 1)).startswith("hace ")
        assert "written_for" not in g
        assert time_ago(datetime(2020, 1, 1)).endswith(" ago")


def test_refusals_are_written_in_her_language(app, member):
    with app.test_request_context(headers=SPANISH):
        refresh()
        assert NotAllowed().message == "Eso no se puede hacer aquí."
        with pytest.raises(NotAllowed) as refused:
            policy.require_moderator(member)
        assert refused.value.message == "Solo el equipo de moderación puede hacer eso."
    with app.test_request_context():
        refresh()
        assert NotAllowed().message == "You can't do that here."
