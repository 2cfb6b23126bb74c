"""Support resources by country, in the reader's language: her setting, a visitor's choice or
browser, the site's default; the "Language and region" settings; the wording checks in every
language, whatever the page's."""

import re
import tomllib
from html import unescape
from importlib import resources

import pytest
from sqlalchemy import select

from forum.database import db
from forum.models import Report
from forum.services import safety
from tests import factories
from tests.helpers import make_app, signed_in

SPANISH = {"Accept-Language": "es"}


def crisis_panel(page: str) -> str | None:
    found = re.search(r'<section class="crisis-panel"[^>]*>(.*?)</section>', page, re.S)
    return unescape(found.group(1)) if found else None


def system_reports() -> list[Report]:
    return list(db.session.scalars(select(Report).where(Report.reporter_id.is_(None))))


@pytest.fixture
def thread(member):
    return factories.thread(member, title="Back at work", body="The first week is so hard.")


@pytest.fixture
def lucia(app):
    return factories.member("lucia", country="MX", locale="es")


# Where the reader is


def test_a_member_in_mexico_sees_mexicos_resources_in_spanish(app, lucia):
    page = unescape(signed_in(app, lucia).get("/support").text)
    assert "Línea de la Vida" in page and 'href="tel:8009112000"' in page
    assert "Llama al 800 911 2000" in page and "SAPTEL" in page
    assert "Llama al (55) 5259-8121" in page
    assert 'href="tel:988"' not in page and "Samaritans" not in page
    assert "Busca apoyo ahora" in page
    assert "Estos servicios son para quienes están en México." in page


def test_a_member_in_mexico_sees_mexicos_resources_after_a_crisis_post(app, lucia, thread):
    browser = signed_in(app, lucia)
    response = browser.post(
        f"/t/{thread.id}/reply", data={"body": "Ya no puedo más, quiero morir."}
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("#support")
    panel = crisis_panel(browser.get(response.headers["Location"]).text)
    assert panel is not None
    assert "Línea de la Vida" in panel and "Llama al 800 911 2000" in panel
    assert "988" not in panel
    assert "No estás sola ni solo" in panel
    [report] = system_reports()
    assert report.reason == "at_risk"


@pytest.mark.parametrize(
    ("language", "shown", "not_shown"),
    [
        ("es-MX,es;q=0.9", ["Línea de la Vida", "Llama al 800 911 2000"], ["tel:988"]),
        ("en-GB,en;q=0.8", ["Samaritans", 'href="tel:116123"', "Call 999"], ["tel:988"]),
        ("es-ES", ["Llama al 024", "Teléfono de la Esperanza", "Llama al 112"], ["tel:911"]),
        ("en-CA", ["Call or text 9-8-8", "Call 911"], ["Samaritans"]),
        ("en-US", ["Call or text 988", "Text HOME to 741741", "Call 911"], ["Samaritans"]),
        ("fr-FR", ["Call or text 988"], ["Samaritans"]),  # not ours: the site's country
        ("es", ["Llama al 988", "Escribe AYUDA al 988"], ["Samaritans"]),
    ],
)
def test_a_visitors_browser_region_picks_the_country(client, language, shown, not_shown):
    page = unescape(client.get("/support", headers={"Accept-Language": language}).text)
    for words in shown:
        assert words in page
    for words in not_shown:
        assert words not in page


def test_the_uk_resources_say_where_they_are_for(client):
    page = unescape(client.get("/support", headers={"Accept-Language": "en-GB"}).text)
    assert "These are for the United Kingdom." in page
    assert "Not in the United Kingdom? Find a free helpline in your country" in page


def test_a_visitor_chooses_her_country_on_the_support_page(client):
    page = client.get("/support", headers={"Accept-Language": "en-GB"}).text
    assert 'action="/support/country"' in page and "csrf_token" not in page
    response = client.post("/support/country", data={"country": "ES"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/support")
    page = unescape(client.get("/support", headers={"Accept-Language": "en-GB"}).text)
    assert "Call 024" in page and "Samaritans" not in page
    assert '<option value="ES" selected>' in page
    # a country we have nothing for changes nothing
    client.post("/support/country", data={"country": "ZZ"})
    assert "Call 024" in unescape(client.get("/support").text)


def test_a_members_choice_on_the_support_page_is_kept_on_her_account(app, member):
    browser = signed_in(app, member)
    page = browser.get("/support").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = browser.post("/support/country", data={"country": "GB", "csrf_token": token})
    assert response.status_code == 302
    db.session.refresh(member)
    assert member.country == "GB"
    assert "Samaritans" in unescape(browser.get("/support").text)


def test_a_members_setting_beats_her_browser(app, lucia):
    page = unescape(
        signed_in(app, lucia).get("/support", headers={"Accept-Language": "en-GB"}).text
    )
    assert "Línea de la Vida" in page and "Samaritans" not in page


def test_the_offline_page_shows_her_countrys_resources_in_her_language(client):
    page = unescape(client.get("/offline", headers={"Accept-Language": "es-MX"}).text)
    assert "Línea de la Vida" in page and 'lang="es"' in page
    assert "Estás sin conexión" in page
    page = unescape(client.get("/offline", headers={"Accept-Language": "en-GB"}).text)
    assert "Samaritans" in page and "You're offline" in page


def test_a_text_with_none_in_her_language_is_shown_in_english(app, tmp_path):
    config = tmp_path / "safety-here.toml"
    config.write_text(
        """
[countries.NZ]
name = "New Zealand"
region = { en = "Aotearoa New Zealand", es = "Nueva Zelanda" }

[[countries.NZ.lines]]
name = "Need to talk?"
detail = { en = "Free call or text 1737 any time.", es = "Llama o escribe gratis al 1737." }
contact = "Call or text 1737"
href = "tel:1737"
source = "https://1737.org.nz"
"""
    )
    here = make_app(app.config["SQLALCHEMY_DATABASE_URI"], SAFETY_CONFIG=str(config))
    try:
        page = unescape(here.test_client().get("/support", headers=SPANISH).text)
        assert "Llama o escribe gratis al 1737." in page and "Call or text 1737" in page
        assert "Need to talk?" in page
        # the phrases are still the default file's
        with here.app_context():
            assert safety.mentions_crisis("quiero morir")
    finally:
        with here.app_context():
            db.engine.dispose()


def test_the_demo_file_makes_the_united_kingdom_the_sites_country(app):
    uk = str(resources.files("forum") / "data" / "safety-uk.toml")
    demo = make_app(app.config["SQLALCHEMY_DATABASE_URI"], SAFETY_CONFIG=uk)
    try:
        page = unescape(demo.test_client().get("/support").text)
        assert "Samaritans" in page and "tel:988" not in page
        page = unescape(
            demo.test_client().get("/support", headers={"Accept-Language": "es-MX"}).text
        )
        assert "Línea de la Vida" in page
    finally:
        with demo.app_context():
            db.engine.dispose()


# The "Language and region" settings


def test_the_settings_page_saves_her_language_country_and_time_zone(app, member):
    browser = signed_in(app, member)
    page = browser.get("/settings/language")
    assert page.status_code == 200
    assert 'aria-current="page">Language and region</a>' in page.text
    assert '<option value="MX">Mexico</option>' in page.text
    assert '<option value="America/Mexico_City">' in page.text
    response = browser.post(
        "/settings/language",
        data={"language": "es", "country": "MX", "timezone": "America/Mexico_City"},
    )
    assert response.status_code == 302
    db.session.refresh(member)
    assert (member.locale, member.country, member.timezone) == ("es", "MX", "America/Mexico_City")
    page = unescape(browser.get("/settings/language").text)
    assert "Guardamos tu idioma y tu región." in page and 'lang="es"' in page
    assert '<option selected value="MX">México</option>' in page
    assert "Línea de la Vida" in unescape(browser.get("/support").text)
    # somewhere else, and the site's time zone
    response = browser.post(
        "/settings/language", data={"language": "en", "country": "", "timezone": ""}
    )
    assert response.status_code == 302
    db.session.refresh(member)
    assert (member.locale, member.country, member.timezone) == ("en", None, None)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"language": "fr", "country": "MX", "timezone": ""}, "language", "Choose one of the languages."),
        ({"language": "en", "country": "ZZ", "timezone": ""}, "country", "Choose one of the countries"),
        ({"language": "en", "country": "MX", "timezone": "Mars/Olympus"}, "timezone", "Choose a time zone from the list."),
        ({"language": "en"}, "country", "Choose one of the countries"),
    ],
)  # fmt: skip
def test_the_settings_page_says_what_is_wrong_at_the_field(app, member, data, field, message):
    response = signed_in(app, member).post("/settings/language", data=data)
    assert response.status_code == 422
    page = unescape(response.text)
    assert re.search(rf'<p class="error" id="{field}-error">{re.escape(message)}', page)
    db.session.refresh(member)
    assert (member.locale, member.country, member.timezone) == (None, None, None)


def test_the_settings_page_in_spanish(app, member):
    page = unescape(signed_in(app, member).get("/settings/language", headers=SPANISH).text)
    assert "Idioma y región" in page and "Zona horaria" in page and "Otro lugar" in page


def test_the_settings_page_is_for_members(client):
    response = client.get("/settings/language")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


# The wording checks, every language on every text


@pytest.mark.parametrize(
    "text",
    ["Ya no puedo más, quiero morir", "No quiero vivir así", "A veces pienso en acabar con todo",
     "tengo miedo de hacerme daño", "tengo miedo de hacerme dano", "Me quiero morir",
     "Estarían mejor sin mí", "He pensado en quitarme la vida", "pienso en tomarme todas las pastillas",
     "Tengo miedo de lastimar a mi bebé"],
)  # fmt: skip
def test_spanish_phrasings_read_as_a_crisis(app, text):
    assert safety.mentions_crisis(text)


@pytest.mark.parametrize(
    "text",
    ["No quiero volver al trabajo el lunes", "Me corté el pelo", "Se me acabó la leche",
     "Mi bebé no quiere dormir", "No puedo seguir dando pecho en el trabajo",
     "Estaría mejor sin mi jefe", "Quiero que esta semana se acabe ya", "Me muero de sueño"],
)  # fmt: skip
def test_ordinary_spanish_sentences_do_not_read_as_a_crisis(app, text):
    assert not safety.mentions_crisis(text)


def test_a_spanish_crisis_post_in_an_english_page_raises_the_at_risk_report(
    app, thread, other_member
):
    browser = signed_in(app, other_member)
    response = browser.post(f"/t/{thread.id}/reply", data={"body": "No quiero vivir así."})
    assert response.status_code == 302 and response.headers["Location"].endswith("#support")
    [report] = system_reports()
    assert report.reason == "at_risk" and report.reporter_id is None
    assert crisis_panel(browser.get(response.headers["Location"]).text) is not None


@pytest.mark.parametrize(
    ("text", "words"),
    [("Eres una mala madre por dejarla tanto tiempo.", ["mala madre"]),
     ("Es tu culpa, supéralo.", ["es tu culpa", "supéralo"]),
     ("Qué egoísta.", ["egoísta"])],
)  # fmt: skip
def test_unkind_spanish_replies_pause(app, text, words):
    assert sorted(safety.unkind_words(text)) == sorted(words)


@pytest.mark.parametrize(
    "text",
    ["No eres una mala madre, eres una madre cansada.", "Me siento una mala madre a veces.",
     "> eres una mala madre\nNadie debería decirte eso.", "Deberías haber visto su cara"],
)  # fmt: skip
def test_kind_spanish_replies_go_straight_up(app, text):
    assert safety.unkind_words(text) == []


def test_a_spanish_unkind_reply_pauses_in_an_english_page(app, thread, other_member):
    response = signed_in(app, other_member).post(
        f"/t/{thread.id}/reply", data={"body": "Eres una mala madre."}
    )
    assert response.status_code == 400


# The file itself


def shipped() -> dict:
    return tomllib.loads(resources.files("forum").joinpath("data/safety.toml").read_text())


def test_every_shipped_resource_names_its_source():
    countries = shipped()["countries"]
    assert {"US", "GB", "CA", "MX", "ES"} <= set(countries)
    for code, country in countries.items():
        assert country["lines"], code
        for line in country["lines"]:
            assert re.fullmatch(r"https://[\w.-]+\.[a-z]{2,}(/\S*)?", line.get("source", "")), (
                code,
                line["name"],
            )
            assert line["href"].startswith(("tel:", "sms:")), (code, line["name"])


def test_every_shipped_text_is_in_english_and_spanish():
    for code, country in shipped()["countries"].items():
        for text in [country["name"], country["region"]]:
            assert {"en", "es"} <= set(text), code
        for line in country["lines"]:
            for key in ("name", "detail", "contact", "sms_contact"):
                if key in line:
                    assert {"en", "es"} <= set(line[key]), (code, key)


def test_the_phrases_are_there_for_every_language():
    data = shipped()
    for section in ("crisis", "kindness"):
        assert {"en", "es"} <= set(data[section])
        assert all(data[section][language]["phrases"] for language in ("en", "es"))
