"""The forum's own pages in Spanish for a reader whose browser asks for it: the home page, a
thread with anonymous authors (the same number in every language), the start-a-thread form and
its refusals, and what the draft script reads."""

from html import unescape

from flask_babel import force_locale

from forum.database import db
from forum.services import labels, posting
from forum.services.text import own_words
from tests import factories

SPANISH = {"Accept-Language": "es"}


def test_the_home_page_in_spanish(client, member):
    factories.thread(member, title="Pumping at work, any tips?", replies=2)
    html = unescape(client.get("/", headers=SPANISH).text)
    assert "No te pasa solo a ti." in html
    assert "Conversaciones recientes" in html
    assert "Abrir un hilo" in html
    assert "2 respuestas" in html
    assert "1 hilo" in html
    assert "Pumping at work, any tips?" in html  # her words stay hers
    assert "Latest conversations" not in html


def test_the_home_page_stays_english_without_a_language_asked(client, member):
    factories.thread(member, title="Pumping at work, any tips?", replies=1)
    html = unescape(client.get("/").text)
    assert "You're not the only one." in html and "1 reply" in html


def test_a_thread_with_anonymous_authors_in_spanish_keeps_their_numbers(
    client, member, other_member
):
    thread = factories.thread(member, title="Nobody tells you about the nights", anonymous=True)
    posting.reply(other_member, thread, "Same here, every night at three.", anonymous=True)
    posting.reply(
        member, thread, "Thank you, it helps to read that.", anonymous=True, kindness_confirmed=True
    )
    db.session.commit()
    spanish = unescape(client.get(f"/t/{thread.id}", headers=SPANISH).text)
    assert "Persona anónima (quien abrió el hilo)" in spanish
    assert "Persona anónima 2" in spanish
    assert "2 respuestas" in spanish
    assert "Únete a Blossom" in spanish
    english = unescape(client.get(f"/t/{thread.id}").text)
    assert "Anonymous parent (original poster)" in english and "Anonymous parent 2" in english
    for page in (spanish, english):  # nobody's name behind the labels, in either language
        assert member.display_name not in page and other_member.display_name not in page
        assert member.username not in page and other_member.username not in page


def test_the_labels_in_the_readers_language(app):
    with force_locale("es"):
        assert labels.anonymous_parent(7) == "Persona anónima 7"
        assert labels.shown("Anonymous parent 7") == "Persona anónima 7"
        assert labels.shown(labels.ORIGINAL_POSTER) == "Persona anónima (quien abrió el hilo)"
        assert labels.shown(labels.FORMER_MEMBER) == "Alguien que dejó Blossom"
        assert labels.shown("Maya") == "Maya"
    assert labels.shown("Anonymous parent 7") == "Anonymous parent 7"


def test_a_title_passing_for_a_spanish_label_is_refused_too(app):
    assert labels.is_label("Persona anónima 4")
    assert labels.is_label("PERSONA ANONIMA (quien abrió el hilo)")
    assert labels.passes_for_anonymous("Persona anónima feliz")
    assert not labels.is_label("Persona agotada")


def test_the_new_thread_form_in_spanish(client, member, login):
    login(member)
    html = unescape(client.get("/new", headers=SPANISH).text)
    assert "Cuenta lo que te ronda la cabeza. Como te salga, está bien." in html
    assert "Abrir el hilo" in html
    assert "Guardar borrador" in html
    assert "Otras personas verán «Persona anónima»" in html


def test_a_refused_new_thread_says_why_in_spanish_and_keeps_her_words(client, member, login):
    login(member)
    page = client.post(
        "/new",
        data={"category": "nowhere", "title": "Persona anónima 3", "body": "Lo que escribí."},
        headers=SPANISH,
    )
    html = unescape(page.text)
    assert page.status_code == 400
    assert "Elige dónde va tu hilo." in html
    assert "Lo que escribí." in html
    page = client.post(
        "/new",
        data={"category": "back-to-work", "title": "Persona anónima 3", "body": "Lo que escribí."},
        headers=SPANISH,
    )
    html = unescape(page.text)
    assert page.status_code == 400
    assert "Ese título se parece al nombre que Blossom muestra para una persona anónima" in html
    assert "Lo que escribí." in html


def test_a_draft_saved_by_the_script_answers_in_spanish(client, member, login):
    thread = factories.thread(member)
    login(member)
    answer = client.post(
        f"/t/{thread.id}/draft",
        data={"body": "Todavía lo estoy pensando."},
        headers={**SPANISH, "Accept": "application/json"},
    )
    assert answer.status_code == 200
    assert answer.json["status"] == "Borrador guardado"
    html = unescape(client.get(f"/t/{thread.id}", headers=SPANISH).text)
    assert "Aquí tienes tu borrador, tal como lo dejaste." in html
    assert "lo intentaremos de nuevo en un momento" in html  # for the script, if a save fails


def test_a_quotation_starts_in_the_sites_language_whatever_she_reads_in(
    client, member, other_member, login
):
    """Kept in her reply, which may be anonymous, the quotation's first line must not tell
    which language its writer reads Blossom in; and it is never counted as her own words."""
    thread = factories.thread(member, title="Nobody tells you about the nights", anonymous=True)
    login(other_member)
    opening = factories.opening_post(thread)
    answer = client.get(f"/p/{opening.id}/quote", headers=SPANISH).json
    assert answer["quotation"].startswith("**Anonymous parent** wrote:\n> ")
    assert answer == client.get(f"/p/{opening.id}/quote").json  # the same in English
    body = f"{answer['quotation']}A mí me pasa igual."
    reply = posting.reply(other_member, thread, body, kindness_confirmed=True)
    db.session.commit()
    assert own_words(reply.body_html) == "A mí me pasa igual."


def test_a_spanish_quotation_written_before_is_still_left_out_of_her_own_words(member):
    thread = factories.thread(member, title="Nights again")
    body = "**Persona anónima** escribió:\n> It was hard.\n\nA mí me pasa igual."
    reply = posting.reply(member, thread, body, kindness_confirmed=True)
    db.session.commit()
    assert own_words(reply.body_html) == "A mí me pasa igual."
