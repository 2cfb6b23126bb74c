import re
from html import unescape

import pytest
from markupsafe import escape
from werkzeug.security import check_password_hash

from forum.database import db
from forum.formatting import exact_time
from forum.services import posting
from tests import factories

NEW_PASSWORD = "sleep is a distant memory now"


def field_tag(html: str, name: str) -> str:
    """The <input> or <textarea> of a field, as rendered."""
    match = re.search(rf'<(?:input|textarea)\b[^>]*\bname="{name}"[^>]*>', html)
    assert match, f"no field named {name}"
    return match.group(0)


def field_error(html: str, name: str) -> str:
    """The message shown at a field; the field is marked invalid for screen readers too."""
    assert 'aria-invalid="true"' in field_tag(html, name), f"{name} is not marked invalid"
    match = re.search(rf'<p class="error" id="{name}-error">(.*?)</p>', html, re.S)
    assert match, f"no error at {name}"
    return unescape(match.group(1))


def error_fields(html: str) -> set[str]:
    return set(re.findall(r'<p class="error" id="([\w-]+)-error">', html))


# The profile page


def test_profile_shows_name_bio_joined_counts_and_recent_posts(client, member, other_member):
    member.display_name = "Hannah B"
    member.bio = "Mum of two, back at work three days a week."
    db.session.commit()
    factories.thread(member, title="Pumping at work, any tips?")
    elsewhere = factories.thread(other_member, title="Nursery drop-off guilt")
    first = factories.reply(member, elsewhere, "Same here, every single morning.")
    second = factories.reply(member, elsewhere, "It got easier after a fortnight.")
    response = client.get("/u/hannah")
    assert response.status_code == 200
    html = response.text
    assert "<h1><bdi>Hannah B</bdi></h1>" in html
    assert "<title>Hannah B · Blossom</title>" in html
    assert "@hannah · joined" in html
    assert exact_time(member.created_at) in html
    assert '<p class="bio">Mum of two, back at work three days a week.</p>' in html
    assert "1 thread started · 3 posts" in html
    assert "Pumping at work, any tips?" in html
    assert html.count("Re: <bdi>Nursery drop-off guilt</bdi>") == 2
    assert f'href="/p/{first.id}"' in html and f'href="/p/{second.id}"' in html
    assert "No threads yet." not in html and "No replies yet." not in html


def test_counts_are_singular_and_plural(client, member, other_member):
    factories.thread(member, title="First thread of mine")
    factories.thread(member, title="Second thread of mine")
    factories.reply(member, factories.thread(other_member))
    assert "2 threads started · 3 posts" in client.get("/u/hannah").text
    assert "1 thread started · 1 post<" in client.get("/u/priya").text


def test_a_new_member_has_nothing_listed_yet(client, member):
    html = client.get("/u/hannah").text
    assert "0 threads started · 0 posts" in html
    assert "No threads yet." in html
    assert "No replies yet." in html
    assert 'class="bio"' not in html


def test_opening_posts_are_not_listed_as_replies(client, member):
    thread = factories.thread(member, title="Only my own thread")
    html = client.get("/u/hannah").text
    assert "Only my own thread" in html
    assert "Re: Only my own thread" not in html
    assert f'href="/p/{factories.opening_post(thread).id}"' not in html
    assert "No replies yet." in html


def test_deleted_replies_are_not_listed(client, member, other_member):
    elsewhere = factories.thread(other_member, title="Back to work after twins")
    kept = factories.reply(member, elsewhere, "You can do this.")
    gone = factories.reply(member, elsewhere, "I wish I hadn't said that.")
    posting.delete_post(member, gone)
    db.session.commit()
    html = client.get("/u/hannah").text
    assert f'href="/p/{kept.id}"' in html
    assert f'href="/p/{gone.id}"' not in html
    assert html.count("Re: <bdi>Back to work after twins</bdi>") == 1


def test_recent_lists_show_the_five_newest(client, member, other_member):
    threads = [factories.thread(member, title=f"My thread number {n}") for n in range(7)]
    elsewhere = factories.thread(other_member, title="A thread to reply to")
    replies = [factories.reply(member, elsewhere, f"Reply {n}") for n in range(7)]
    html = client.get("/u/hannah").text
    for thread in threads[2:]:
        assert f'href="/t/{thread.id}"' in html
    for thread in threads[:2]:
        assert f'href="/t/{thread.id}"' not in html
    for reply in replies[2:]:
        assert f'href="/p/{reply.id}"' in html
    for reply in replies[:2]:
        assert f'href="/p/{reply.id}"' not in html
    newest_first = [html.index(f'href="/t/{t.id}"') for t in reversed(threads[2:])]
    assert newest_first == sorted(newest_first)


@pytest.mark.parametrize("username", ["HANNAH", "Hannah", "hAnNaH"])
def test_profile_lookup_ignores_case(client, member, username):
    response = client.get(f"/u/{username}")
    assert response.status_code == 200
    assert "@hannah · joined" in response.text


@pytest.mark.parametrize("username", ["nobody", "hannah2", "hann", "%20hannah%20x"])
def test_unknown_member_is_a_kind_404(client, member, username):
    response = client.get(f"/u/{username}")
    assert response.status_code == 404
    assert "couldn't find that page" in unescape(response.text)


def test_own_profile_links_to_settings_and_others_do_not(client, member, other_member, login):
    login(member)
    assert 'href="/settings">Edit your profile' in client.get("/u/hannah").text
    assert "Edit your profile" not in client.get("/u/priya").text


def test_bio_with_html_is_shown_escaped(client, member):
    member.bio = "<script>alert('hi')</script> I like <b>tea</b> & cake"
    db.session.commit()
    html = client.get("/u/hannah").text
    assert "<script>alert" not in html
    assert "<b>tea</b>" not in html
    assert (
        "&lt;script&gt;alert(&#39;hi&#39;)&lt;/script&gt; I like &lt;b&gt;tea&lt;/b&gt; &amp; cake"
        in html
    )


def test_bio_with_html_set_through_settings_is_shown_escaped(client, member, login):
    login(member)
    bio = '<script>document.location="https://evil.example/"</script><img src=x onerror=alert(1)>'
    assert client.post("/settings", data={"display_name": "Hannah", "bio": bio}).status_code == 302
    assert member.bio == bio
    html = client.get("/u/hannah").text
    assert "<script>document" not in html
    assert "<img src=x" not in html
    assert str(escape(bio)) in html


def test_display_name_with_html_is_shown_escaped(client, member):
    member.display_name = "<i>Hannah</i>"
    db.session.commit()
    html = client.get("/u/hannah").text
    assert "<i>Hannah</i>" not in html
    assert "<h1><bdi>&lt;i&gt;Hannah&lt;/i&gt;</bdi></h1>" in html


# Settings


@pytest.mark.parametrize("url", ["/settings", "/settings/password"])
def test_settings_need_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/login?next={url.replace('/', '%2F')}"


def test_settings_post_without_login_changes_nothing(client, member):
    response = client.post("/settings", data={"display_name": "Intruder", "bio": "Hacked"})
    assert response.status_code == 401
    assert "Please log in again" in response.text
    assert "Hacked" in response.text  # shown back, never saved
    assert member.display_name == "hannah"
    assert member.bio == ""


def test_settings_form_shows_the_current_profile(client, member, login):
    member.display_name = "Hannah B"
    member.bio = "Two under three."
    db.session.commit()
    login(member)
    html = client.get("/settings").text
    assert 'value="Hannah B"' in field_tag(html, "display_name")
    assert "Two under three.</textarea>" in html
    assert 'aria-current="page">Profile' in html
    assert 'href="/u/hannah">See your profile' in html


def test_edit_display_name_and_bio(client, member, login):
    thread = factories.thread(member, title="My first thread here")
    login(member)
    response = client.post(
        "/settings",
        data={
            "display_name": "  Hannah (Sam's mum)  ",
            "bio": "  Nurse, night shifts.\r\nTired.  ",
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/settings"
    assert member.display_name == "Hannah (Sam's mum)"
    assert member.bio == "Nurse, night shifts.\nTired."
    assert member.username == "hannah"
    profile = unescape(client.get("/u/hannah").text)
    assert "<h1><bdi>Hannah (Sam's mum)</bdi></h1>" in profile
    assert "Nurse, night shifts.\nTired." in profile
    posts = unescape(client.get(f"/t/{thread.id}").text)
    assert '<a class="member" href="/u/hannah"><bdi>Hannah (Sam\'s mum)</bdi></a>' in posts
    assert "Log out" in posts and "Hannah (Sam's mum)</bdi></span>" in posts  # the header too


def test_settings_accept_the_longest_name_and_bio(client, member, login):
    login(member)
    name, bio = "N" * 50, "b" * 500
    response = client.post("/settings", data={"display_name": name, "bio": bio})
    assert response.status_code == 302
    assert member.display_name == name
    assert member.bio == bio


def test_bio_can_be_cleared(client, member, login):
    member.bio = "Something I no longer want to share."
    db.session.commit()
    login(member)
    assert client.post("/settings", data={"display_name": "hannah", "bio": "  "}).status_code == 302
    assert member.bio == ""
    assert 'class="bio"' not in client.get("/u/hannah").text


ANONYMOUS_NAME = "Names starting with “Anonymous” are kept for anonymous posts."


@pytest.mark.parametrize(
    ("display_name", "bio", "field", "message"),
    [
        ("", "A kept bio", "display_name", "Choose a name to show beside your posts."),
        ("   ", "A kept bio", "display_name", "Choose a name to show beside your posts."),
        (
            "D" * 51,
            "A kept bio",
            "display_name",
            "Your display name is 51 characters; it can be up to 50.",
        ),
        ("Hannah B", "b" * 501, "bio", "Your bio is 501 characters; it can be up to 500."),
        ("Anonymous parent (original poster)", "A kept bio", "display_name", ANONYMOUS_NAME),
        ("  anonymous PARENT 2", "A kept bio", "display_name", ANONYMOUS_NAME),
        ("Ａｎｏｎｙｍｏｕｓ parent", "A kept bio", "display_name", ANONYMOUS_NAME),
        ("Hannah B", "é" * 2_000, "bio", "Your bio is 2,000 characters; it can be up to 500."),
    ],
)
def test_settings_refuse_bad_input_and_keep_the_text(
    client, member, login, display_name, bio, field, message
):
    member.bio = "The bio before."
    db.session.commit()
    login(member)
    response = client.post("/settings", data={"display_name": display_name, "bio": bio})
    assert response.status_code == 400
    assert message in field_error(response.text, field)
    assert error_fields(response.text) == {field}
    assert f'value="{escape(display_name.strip())}"' in field_tag(response.text, "display_name")
    assert f"{bio}</textarea>" in response.text
    assert member.display_name == "hannah"
    assert member.bio == "The bio before."


def test_settings_with_an_empty_post_wipes_nothing(client, member, login):
    """With no fields sent at all, the form falls back to the profile as it is."""
    member.display_name = "Hannah B"
    member.bio = "Two under three."
    db.session.commit()
    login(member)
    response = client.post("/settings", data={})
    assert response.status_code in (302, 400)
    assert member.display_name == "Hannah B"
    assert member.bio == "Two under three."


@pytest.mark.parametrize("url", ["/settings", "/settings/password"])
def test_a_fresh_settings_form_marks_no_field_invalid_and_focuses_none(client, member, login, url):
    """Screen readers treat an aria-invalid value they don't know, such as "None", as "true"."""
    login(member)
    html = client.get(url).text
    tags = re.findall(r"<(?:input|textarea)\b[^>]*>", html)
    assert len(tags) >= 2
    for tag in tags:
        assert "aria-invalid" not in tag, tag
        assert "autofocus" not in tag, tag
        assert '="None"' not in tag, tag


# Changing the password


def change_password(client, current, new, confirm=None):
    return client.post(
        "/settings/password",
        data={
            "current_password": current,
            "new_password": new,
            "confirm": new if confirm is None else confirm,
        },
    )


def log_in(app, password: str):
    return app.test_client().post("/login", data={"login": "hannah", "password": password})


def test_password_page_renders(client, member, login):
    login(member)
    html = client.get("/settings/password").text
    assert 'aria-current="page">Password' in html
    assert 'name="current_password"' in html


def test_change_password(app, client, member, login):
    login(member)
    response = change_password(client, factories.PASSWORD, NEW_PASSWORD)
    assert response.status_code == 302
    assert response.headers["Location"] == "/settings"
    assert "Your password is changed." in client.get("/settings").text
    assert check_password_hash(member.password_hash, NEW_PASSWORD)
    assert not check_password_hash(member.password_hash, factories.PASSWORD)
    assert NEW_PASSWORD not in member.password_hash
    old = log_in(app, factories.PASSWORD)
    assert old.status_code == 400
    assert "don't match" in unescape(old.text)
    assert log_in(app, NEW_PASSWORD).status_code == 302


@pytest.mark.parametrize(
    ("current", "new", "confirm", "field", "message"),
    [
        ("not my password", NEW_PASSWORD, None, "current_password", "That isn't your current password."),
        ("", NEW_PASSWORD, None, "current_password", "Enter your current password."),
        (factories.PASSWORD, "too short", None, "new_password", "Passwords need at least 10 characters."),
        (factories.PASSWORD, "password123", None, "new_password", "That password is too easy to guess."),
        (factories.PASSWORD, "1234567890", None, "new_password", "That password is too easy to guess."),
        (factories.PASSWORD, "hannah is tired today", None, "new_password", "That password is too easy to guess."),
        (factories.PASSWORD, "", "", "new_password", "Choose a new password."),
        (factories.PASSWORD, NEW_PASSWORD, NEW_PASSWORD + ".", "confirm", "The two passwords don't match. Try typing them again."),
    ],
)  # fmt: skip
def test_password_change_refuses_bad_input_and_keeps_the_old_password(
    app, client, member, login, current, new, confirm, field, message
):
    login(member)
    before = member.password_hash
    response = change_password(client, current, new, confirm)
    assert response.status_code == 400
    assert message in field_error(response.text, field)
    assert error_fields(response.text) == {field}
    for secret in {current, new, confirm} - {"", None}:
        assert secret not in response.text
    assert member.password_hash == before
    assert log_in(app, factories.PASSWORD).status_code == 302
    if new:
        assert log_in(app, new).status_code == 400


def test_password_change_with_an_empty_post_is_a_400(client, member, login):
    login(member)
    before = member.password_hash
    response = client.post("/settings/password", data={})
    assert response.status_code == 400
    assert "Enter your current password." in field_error(response.text, "current_password")
    assert "Choose a new password." in field_error(response.text, "new_password")
    assert member.password_hash == before


def test_password_change_needs_login(client, member):
    before = member.password_hash
    response = change_password(client, factories.PASSWORD, NEW_PASSWORD)
    assert response.status_code == 401
    assert NEW_PASSWORD not in response.text  # passwords are never shown back
    assert member.password_hash == before
