"""What every form shares, as a member meets it: a form sent back with a problem says truly
what of her typing is still there."""

from html import unescape

import pytest

from tests import factories

GOOD = "quiet tea before the school run"


def sent_back(response) -> str:
    assert response.status_code == 400, response.text
    return unescape(response.text)


def test_a_form_with_no_passwords_keeps_everything(client, member, login):
    login(member)
    page = sent_back(client.post("/new", data={"title": "", "body": "Long day, short fuse."}))
    assert "Everything you typed is still here." in page
    assert "Long day, short fuse." in page


@pytest.mark.parametrize(
    ("url", "data", "said"),
    [
        ("/login", {"login": "hannah", "password": ""},
         "Everything you typed is still here except your password, so please type it again."),
        ("/signup", {"username": "SunflowerMum", "email": "sun@example.org", "password": GOOD,
                     "confirm": GOOD + "!", "agree": "y"},
         "Everything you typed is still here except the passwords, so please type them again."),
    ],
)  # fmt: skip
def test_a_form_with_passwords_says_they_must_be_typed_again(client, member, url, data, said):
    page = sent_back(client.post(url, data=data))
    assert said in page
    assert "Everything you typed is still here." not in page


def test_a_form_of_passwords_only_asks_for_them_again(client, login):
    login(factories.member("tess"))
    page = sent_back(
        client.post(
            "/settings/password",
            data={"current_password": factories.PASSWORD, "new_password": GOOD, "confirm": "x"},
        )
    )
    assert "Please type the passwords again." in page
    assert "Everything you typed" not in page


def test_the_writing_hint_is_in_plain_words(client, member, login):
    thread = factories.thread(member)
    reply = factories.reply(member, thread, "Mine to edit.")
    login(member)
    for url in ("/new", f"/t/{thread.id}", f"/t/{thread.id}/reply", f"/p/{reply.id}/edit"):
        page = unescape(client.get(url).text)
        assert "put *stars* around words for emphasis, and start a line with > to quote" in page, (
            url
        )
        assert "Markdown" not in page and "**bold**" not in page, url
