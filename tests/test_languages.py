"""A visitor whose browser asks for Spanish reads Blossom in Spanish, from the first page to the
support page; one who asks for nothing, or for a language we don't ship, reads English."""

from html import unescape

import pytest
from flask_babel import force_locale, gettext

from forum.services import accounts, labels
from forum.services.errors import ServiceError
from tests import factories

# (address, messages of its own that the page must show, as the reader's catalog words them)
PAGES = [
    ("/", ["Start a thread", "Latest conversations"]),
    ("/t/{thread}", ["Home", "Get support now"]),
    ("/signup", ["Join Blossom", "Password"]),
    ("/support", ["Get support now"]),
    ("/guidelines", ["Community guidelines"]),
]


def _in(language: str, message: str) -> str:
    with force_locale(language):
        return gettext(message)


@pytest.mark.parametrize(
    "asked, language",
    [
        ("es-MX,es;q=0.9,en;q=0.5", "es"),
        ("es", "es"),
        ("en-GB", "en"),
        ("de-DE", "en"),
        (None, "en"),
    ],
)
def test_a_visitor_reads_each_page_in_the_language_her_browser_asks_for(
    app, client, member, asked, language
):
    thread = factories.thread(member, title="Back at work", body="The first week back.")
    headers = {"Accept-Language": asked} if asked else {}
    for address, messages in PAGES:
        page = client.get(address.format(thread=thread.id), headers=headers)
        assert page.status_code == 200, address
        text = unescape(page.text)
        assert f'<html lang="{language}">' in text, address
        for message in messages:
            words = _in(language, message)
            if language != "en":
                assert words != message, f"{message!r} has no Spanish"
            assert words in text, (address, words)
        # What members wrote is shown as they wrote it, in any language.
        if address.startswith("/t/"):
            assert "The first week back." in text


@pytest.mark.parametrize(
    "name",
    ["A parent from the thread", "Alguien del hilo", "the Blossom moderators", "Persona anónima 3"],
)
def test_no_member_may_take_a_name_blossom_writes_in_place_of_someone_in_any_language(app, name):
    """A conversation's alias or the moderators' name, in English or Spanish, would pass a
    member off as an anonymous replier or as the moderators."""
    with pytest.raises(ServiceError):
        accounts.check_display_name(name)
    with force_locale("es"):
        assert labels.is_label(labels.moderators()) and labels.is_label(labels.replier_alias())
