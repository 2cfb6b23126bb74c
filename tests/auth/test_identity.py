"""Nobody can pass for someone else by spelling, invisible characters or reordered text."""

import re
from html import unescape

import pytest
from markupsafe import escape
from sqlalchemy import func, select

from forum.database import db
from forum.models import Post, Thread, User
from forum.services import accounts, labels, posting
from tests import factories

PASSWORD = "tea gone cold again today"


def sign_up(client, username: str, email: str = "new.parent@example.org"):
    data = {"username": username, "email": email, "password": PASSWORD, "confirm": PASSWORD}
    return client.post("/signup", data={**data, "agree": "y"})


@pytest.mark.parametrize(
    ("spelling", "message"),
    [
        ("ALICE", "Someone already has that username"),
        ("Alice", "Someone already has that username"),
        ("ａｌｉｃｅ", "Someone already has that username"),  # fullwidth letters
        ("ＡＬＩＣＥ", "Someone already has that username"),
        ("alice\u200b", "invisible characters"),  # a zero-width space
        ("al\u200dice", "invisible characters"),  # a zero-width joiner
        ("\ufeffalice", "invisible characters"),  # a byte-order mark
        ("\u202ealice", "invisible characters"),  # a right-to-left override
        ("alice\u2066", "invisible characters"),  # a left-to-right isolate
        ("alice\u200f", "invisible characters"),  # a right-to-left mark
    ],
)
def test_look_alike_usernames_cannot_impersonate(client, app, spelling, message):
    factories.member("alice")
    response = sign_up(client, spelling)
    assert response.status_code == 400
    assert message in response.text
    assert db.session.scalar(select(func.count()).select_from(User)) == 1


def test_username_keys_are_nfkc_and_case_folded():
    assert accounts.username_key("ALICE") == "alice"
    assert accounts.username_key("ａｌｉｃｅ") == "alice"
    assert accounts.username_key(" Alice ") == "alice"
    # Every username the rules allow (ASCII) keeps the key it had: lower case.
    for name in ("Sunflower_Mum", "dad-of-3", "X_Y_Z"):
        assert accounts.username_key(name) == name.lower()


def test_a_fullwidth_username_is_stored_as_the_letters_it_shows(client):
    assert sign_up(client, "ｍｏｏｎ＿ｄａｄ").status_code == 200
    user = db.session.scalars(select(User)).one()
    assert (user.username, user.username_key) == ("moon_dad", "moon_dad")
    assert client.get("/u/ＭＯＯＮ_ＤＡＤ").status_code == 200  # found however it is typed


def test_sign_in_finds_the_account_however_its_name_is_typed(client, app):
    factories.member("alice")
    for login in ("ALICE", "ａｌｉｃｅ", " Alice "):
        response = app.test_client().post(
            "/login", data={"login": login, "password": factories.PASSWORD}
        )
        assert response.status_code == 302, login


@pytest.mark.parametrize("control", ["\u202e", "\u202b", "\u2067", "\u200f", "\u061c"])
def test_direction_changing_characters_are_refused_in_names_and_titles(
    client, member, login, control
):
    login(member)
    response = client.post("/settings", data={"display_name": f"Hannah{control}", "bio": "Hi"})
    assert response.status_code == 400
    assert "change the direction of text" in response.text
    assert db.session.get(User, member.id).display_name == "hannah"
    title = f"Back at work{control} and tired"
    data = {"category": "childcare", "title": title, "body": "My words, kept."}
    response = client.post("/new", data=data)
    assert response.status_code == 400
    assert "change the direction of text" in response.text and "My words, kept." in response.text
    assert db.session.scalar(select(func.count()).select_from(Thread)) == 0
    thread = factories.thread(member)
    post = factories.opening_post(thread)
    response = client.post(f"/p/{post.id}/edit", data={"title": title, "body": "Edited words"})
    assert response.status_code == 400
    assert "Edited words" in response.text
    db.session.refresh(thread)
    assert thread.title == "First week back and I cried in the car"


@pytest.mark.parametrize("control", ["\u202e", "\u202b", "\u2067", "\u200f", "\u061c"])
def test_direction_changing_characters_are_refused_in_content_notes(
    client, member, other_member, login, control
):
    login(member)
    note = f"loss{control} and grief"
    data = {"category": "childcare", "title": "Eight weeks on", "body": "My words, kept.",
            "content_note": note}  # fmt: skip
    response = client.post("/new", data=data)
    assert response.status_code == 400
    assert "change the direction of text" in response.text and "My words, kept." in response.text
    assert db.session.scalar(select(func.count()).select_from(Thread)) == 0
    thread = factories.thread(other_member)
    response = client.post(
        f"/t/{thread.id}/reply", data={"body": "Words for you, kept.", "content_note": note}
    )
    assert response.status_code == 400
    assert "change the direction of text" in response.text
    assert "Words for you, kept." in response.text
    assert db.session.scalar(select(func.count()).select_from(Post)) == 1


def test_content_notes_are_isolated_on_the_page(client, member, other_member):
    thread = factories.thread(member, title="Back at my desk today")
    posting.reply(other_member, thread, "Mine was hard too.", content_note="loss")
    db.session.commit()
    assert "Content note: <bdi>loss</bdi>" in client.get(f"/t/{thread.id}").text


# The labels Blossom writes in place of a person, spelled to pass for them: each one differs
# from the label in the characters it holds, not in how it looks.
LOOK_ALIKE_LABELS = [
    "Anon\u00adymous parent (original poster)",  # a soft hyphen
    "Anon\u200bymous parent 2",  # a zero-width space
    "\u2060Anonymous parent",  # a word joiner
    "An\u034fonymous parent (original poster)",  # a combining grapheme joiner
    "\u0410n\u043enym\u043eus parent (original poster)",  # Cyrillic А and о
    "An0nyrnous parent 3",  # a zero, and "rn" for "m"
    "ANONYM\u039fUS PARENT 2",  # a Greek capital omicron
    "A f\u043ermer member",  # a Cyrillic о
    "A former mem\u00adber",  # a soft hyphen
    "A\u200b former member",  # a zero-width space
    "\u0410 former member",  # a Cyrillic А
    "A forrner rnember",  # "rn" for "m"
    "A  former   member.",  # spacing and a full stop
    "\u0391NONYMOUS PARENT (ORIGINAL POSTER)",  # capitals, a Greek capital alpha
]


def field_error(html: str, name: str) -> str:
    found = re.search(rf'<p class="error" id="{name}-error">(.*?)</p>', html, re.S)
    assert found, f"no error at {name}"
    return unescape(found.group(1))


@pytest.mark.parametrize("label", LOOK_ALIKE_LABELS)
def test_a_display_name_cannot_pass_for_an_anonymous_parent_or_a_former_member(
    client, member, login, label
):
    login(member)
    response = client.post("/settings", data={"display_name": label, "bio": "Hi"})
    assert response.status_code == 400
    assert "kept for" in field_error(response.text, "display_name")
    typed = " ".join(label.split())  # the form trims and collapses spaces
    assert f'value="{escape(typed)}"' in response.text  # what was typed comes back
    assert db.session.get(User, member.id).display_name == "hannah"


@pytest.mark.parametrize("label", LOOK_ALIKE_LABELS)
def test_a_thread_title_cannot_pass_for_an_anonymous_parent_or_a_former_member(
    client, member, login, label
):
    login(member)
    data = {"category": "childcare", "title": label, "body": "My words, kept."}
    response = client.post("/new", data=data)
    assert response.status_code == 400
    assert "reads like the name Blossom shows" in field_error(response.text, "title")
    assert "My words, kept." in response.text
    assert db.session.scalar(select(func.count()).select_from(Thread)) == 0
    thread = factories.thread(member)
    post = factories.opening_post(thread)
    response = client.post(f"/p/{post.id}/edit", data={"title": label, "body": "Edited words"})
    assert response.status_code == 400 and "Edited words" in response.text
    db.session.refresh(thread)
    assert thread.title == "First week back and I cried in the car"


@pytest.mark.parametrize(
    ("display_name", "title"),
    [
        ("Anna", "Anonymous posting: does anyone really not know it's me?"),
        ("Amy, a former nurse", "A former member of my team had twins"),
        ("Anonymously Yours", "Anonymous parents' evening"),  # names may not, titles may
        ("Ａｍｙ 👩\u200d👧", "Being an anonymous parent at the school gate"),
    ],
)
def test_names_and_titles_that_only_mention_the_words_are_fine(
    client, member, login, display_name, title
):
    login(member)
    response = client.post("/settings", data={"display_name": display_name, "bio": ""})
    assert response.status_code == (400 if display_name.startswith("Anonymous") else 302)
    data = {"category": "childcare", "title": title, "body": f"About {title}."}
    assert client.post("/new", data=data).status_code == 302


def test_look_alikes_share_one_key():
    key = labels.looks_like("A former member")
    assert key == labels.looks_like("\u0410 f\u043er\u00adme\u200br ME\u041cBER")
    assert labels.looks_like("Hannah") != labels.looks_like("Hanna")
    assert labels.is_label("Anonymous parent 12") and labels.is_label("Anonymous parent")
    assert not labels.is_label("Anonymous parent twelve")
    assert labels.passes_for_anonymous("\u0410\u043d\u043enymous") is False  # Cyrillic н: an H
    assert labels.passes_for_anonymous("\u0410n\u043enymous")


def test_emoji_with_joiners_are_fine_in_a_display_name(client, member, login):
    login(member)
    name = "Hannah 👩\u200d👧"
    assert client.post("/settings", data={"display_name": name, "bio": ""}).status_code == 302
    assert db.session.get(User, member.id).display_name == name


def test_names_and_titles_are_isolated_on_the_page(client, member, other_member):
    factories.reply(other_member, factories.thread(member, title="Back at my desk today"))
    thread_page = client.get("/t/1").text
    assert '<h1 class="thread-heading"><bdi>Back at my desk today</bdi></h1>' in thread_page
    assert "<bdi>hannah</bdi></a>" in thread_page and "<bdi>priya</bdi></a>" in thread_page
    listing = client.get("/c/back-to-work").text
    assert "<bdi>Back at my desk today</bdi>" in listing and "<bdi>hannah</bdi>" in listing
    assert "<h1><bdi>hannah</bdi></h1>" in client.get("/u/hannah").text
