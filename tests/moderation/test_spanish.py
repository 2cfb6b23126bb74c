"""Moderation in Spanish: the moderators' pages in the language their browser asks for, a member's
report form and notices in hers, and what is stored staying as it was."""

from html import unescape

from sqlalchemy import select

from forum.database import db
from forum.models import Action, MemberWarning, ModerationAction
from forum.services import reporting, sanctions
from tests import factories
from tests.helpers import signed_in

SPANISH = {"Accept-Language": "es"}
OWN_WORDS = "Please keep it gentle, everyone here is tired."


def spanish(browser, url: str) -> str:
    response = browser.get(url, headers=SPANISH)
    assert response.status_code == 200, url
    return unescape(response.text)


def test_the_queue_is_in_spanish(app, member, other_member):
    thread = factories.thread(member)
    post = factories.reply(other_member, thread, "Some mothers just shouldn't go back to work.")
    reporting.report_post(factories.member("tomas"), post, "unkind", "She was hurtful.")
    db.session.commit()
    moderator = signed_in(app, factories.member("mod_lee", role="moderator"))
    page = spanish(moderator, "/mod/")
    assert '<html lang="es"' in page
    assert "Cola de moderación" in page
    assert "Primero, quien podría estar en peligro" in page
    assert "1 persona avisó de una publicación en" in page
    assert "Poco amable o que juzga" in page
    assert "Dejarla publicada" in page and "Retirar la publicación" in page
    assert "No hay apelaciones abiertas." in page
    assert "She was hurtful." in page  # what the member wrote stays as written
    english = moderator.get("/mod/").text  # no Accept-Language: English, as before
    assert "Moderation queue" in english and "1 member reported a post in" in unescape(english)


def test_the_care_dashboard_and_its_csv_are_in_spanish(app, member):
    moderator = signed_in(app, factories.member("mod_lee", role="moderator"))
    page = spanish(moderator, "/mod/care?days=7")
    assert "Panel de cuidado" in page
    assert "Tiempo hasta la primera respuesta" in page
    assert "Últimos 7 días" in page and "Los 7 días anteriores" in page
    assert "menos de 5" in page
    assert "Las barras muestran" in page  # the charts' accessible descriptions
    assert "Descargar «Tiempo hasta la primera respuesta» en CSV" in page
    csv = moderator.get("/mod/care/reply-times.csv?days=7", headers=SPANISH).text
    assert csv.splitlines()[0].startswith("Hilos,Mediana,Mediana antes,Percentil 90")
    assert "Todos los hilos,menos de 5" in csv


def test_the_report_form_is_in_spanish(app, member, other_member):
    thread = factories.thread(member)
    post = factories.reply(member, thread)
    reporter = signed_in(app, other_member)
    page = spanish(reporter, f"/p/{post.id}/report")
    assert "Avisar a moderación de una publicación" in page
    assert "¿Por qué avisas a moderación de esta publicación?" in page
    for reason in ("Poco amable o que juzga", "Alguien podría estar en peligro", "Otra cosa"):
        assert reason in page
    assert "Enviar el aviso" in page
    refused = reporter.post(f"/p/{post.id}/report", data={"details": "Mean."}, headers=SPANISH)
    assert refused.status_code == 400
    assert "Elige un motivo, por favor." in unescape(refused.text)
    assert "Mean." in refused.text  # nothing typed is lost
    sent = reporter.post(f"/p/{post.id}/report", data={"reason": "unkind"}, headers=SPANISH)
    assert sent.status_code == 302
    thanked = reporter.get(sent.headers["Location"], headers=SPANISH, follow_redirects=True)
    assert "Gracias por avisarnos." in unescape(thanked.text)
    assert "Poco amable o que juzga" in spanish(reporter, "/me/reports")


def test_a_warning_reads_in_spanish_around_the_moderators_own_words(app, member):
    member.locale = "es"
    db.session.commit()
    admin = factories.member("ada", role="admin")
    moderator = signed_in(app, admin)
    sent = moderator.post(
        f"/mod/members/{member.username}/warn",
        data={"preset": "Harassment or bullying", "reason": OWN_WORDS},
    )
    assert sent.status_code == 302
    # Stored as it was: the action's value, and the reason in the words it was sent in.
    entry = db.session.scalar(select(ModerationAction).where(ModerationAction.action == "warn"))
    assert entry.reason == f"Harassment or bullying. {OWN_WORDS}"
    warning = db.session.scalar(select(MemberWarning))
    assert warning.message == entry.reason
    # Her page is in her own language whatever her browser says; the moderator's words are hers.
    notices = unescape(signed_in(app, member).get("/me/notices").text)
    assert "Mensajes de moderación" in notices
    assert "Del equipo de moderación" in notices
    assert f"Acoso o intimidación. {OWN_WORDS}" in notices
    assert "Recibiste una advertencia" in notices and "Apelar esta decisión" in notices
    assert "Ya lo leí" in notices
    # The moderator reads the log in Spanish too: the action's name, the reason as stored.
    log = spanish(moderator, "/mod/log")
    assert "Registro de moderación" in log
    assert '<td data-label="Acción">advertencia</td>' in log
    english = unescape(moderator.get("/mod/log").text)
    assert "warned" in english and f"Harassment or bullying. {OWN_WORDS}" in english


def test_a_suspension_s_length_is_stored_in_english_and_shown_in_spanish(app, member):
    admin = factories.member("ada", role="admin")
    sanctions.suspend(admin, member, 7, "A week away to rest.")
    db.session.commit()
    assert db.session.scalar(select(ModerationAction.detail)) == "7 days"
    moderator = signed_in(app, admin)
    page = spanish(moderator, f"/mod/members/{member.username}")
    assert "suspensión</strong> (7 días)" in page
    assert "A week away to rest." in page
    assert Action.SUSPEND == "suspend"
