"""Joining without losing her place: a visitor who taps "Start a thread" or "Reply" is asked to
join or log in; the link in the confirmation email, opened in the browser she joined in, signs
her in once and takes her back to the form she wanted; opened anywhere else it only confirms."""

import re
from html import unescape
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from sqlalchemy import select

from forum.database import db
from forum.models import User
from forum.services import sanctions
from tests import factories

PASSWORD = "quiet tea before the school run"
WANTED = "/new?category=back-to-work"


def join(client, name: str = "hannah", next: str | None = WANTED):
    """Sign up as a browser does, from the sign-up page she was sent to."""
    data = {"username": name, "email": f"{name}@example.org", "password": PASSWORD,
            "confirm": PASSWORD, "agree": "y"}  # fmt: skip
    response = client.post("/signup", query_string={"next": next} if next else None, data=data)
    assert response.status_code == 200 and "Check your email" in response.text, response.text
    return response


def confirmation_link(mailbox, name: str = "hannah") -> str:
    text = mailbox.to(f"{name}@example.org")[-1].get_body(("plain",)).get_content()
    found = re.search(r"http://127\.0\.0\.1:5000(/verify/\S+)", text)
    assert found, text
    return found.group(1)


def carried(html: str, path: str) -> set[str]:
    """The `next` each link to `path` on a page carries."""
    hrefs = re.findall(rf'href="({re.escape(path)}\?[^"]*)"', html)
    return {parse_qs(urlsplit(unescape(href)).query)["next"][0] for href in hrefs}


def is_signed_in(client) -> bool:
    return client.get("/settings").status_code == 200


def member_named(name: str) -> User:
    return db.session.scalars(select(User).where(User.username == name)).one()


# Asked to join or log in, in those words


@pytest.mark.parametrize(
    ("wanted", "words"),
    [(WANTED, "Join Blossom or log in to start a thread"), ("/t/{id}/reply", "to reply")],
)
def test_a_visitor_who_taps_start_a_thread_or_reply_is_asked_to_join_or_log_in(
    client, member, wanted, words
):
    thread = factories.thread(member)
    wanted = wanted.format(id=thread.id)
    asked = client.get(wanted)
    assert asked.status_code == 302
    page = client.get(asked.headers["Location"])
    text = unescape(page.text)
    assert page.status_code == 200 and words in text
    assert "Please log in first" not in text  # not a bare login form with a scolding
    # Both ways in carry her back to what she wanted.
    assert carried(page.text, "/signup") == {wanted}
    assert 'name="login"' in page.text and 'name="password"' in page.text


def test_the_thread_page_offers_joining_for_its_reply_box(client, member):
    thread = factories.thread(member)
    text = unescape(client.get(f"/t/{thread.id}").text)
    assert "Join Blossom</a> or" in text and "to reply" in text
    assert carried(text, "/signup") == carried(text, "/login") == {f"/t/{thread.id}/reply"}


def test_logging_in_from_the_join_or_log_in_page_goes_back(client, member):
    page = client.get(client.get(WANTED).headers["Location"])
    assert "Join Blossom or log in to start a thread" in unescape(page.text)
    response = client.post(
        f"/login?next={quote(WANTED, safe='')}",
        data={"login": "hannah", "password": factories.PASSWORD},
    )
    assert response.headers["Location"] == WANTED


def test_the_sign_up_page_carries_next_and_says_she_will_come_back(client):
    page = client.get(f"/signup?next={quote(WANTED, safe='')}")
    text = unescape(page.text)
    assert "we'll bring you straight back to start a thread" in text
    assert carried(page.text, "/login") == {WANTED}


# The link in the email


def test_the_link_in_the_browser_that_joined_signs_her_in_and_takes_her_back(app, client, mailbox):
    sent = join(client)
    assert "you'll be logged in and brought back to start a thread" in unescape(sent.text)
    assert not is_signed_in(client)  # signing up alone doesn't sign in
    response = client.get(confirmation_link(mailbox))
    assert response.status_code == 302
    assert response.headers["Location"] == WANTED
    form = client.get(WANTED)
    assert form.status_code == 200
    assert "Welcome to Blossom, hannah" in unescape(form.text)
    assert is_signed_in(client)
    assert member_named("hannah").email_verified_at is not None
    # The form she wanted, with the category she chose already chosen.
    assert re.search(
        r'<option selected value="back-to-work">|value="back-to-work" selected', form.text
    )


def test_the_reply_box_she_wanted_is_where_she_lands(app, client, mailbox, member):
    thread = factories.thread(member)
    join(client, "sam", next=f"/t/{thread.id}/reply")
    response = client.get(confirmation_link(mailbox, "sam"))
    assert response.headers["Location"] == f"/t/{thread.id}/reply"
    page = client.get(response.headers["Location"])
    assert page.status_code == 200 and 'name="body"' in page.text


def test_the_link_in_another_browser_confirms_but_does_not_sign_in(app, client, mailbox):
    join(client)
    elsewhere = app.test_client()
    page = elsewhere.get(confirmation_link(mailbox))
    text = unescape(page.text)
    assert page.status_code == 200
    assert "Your email address is confirmed" in text
    assert "We haven't logged you in here" in text
    assert "only in the browser you joined Blossom in" in text
    assert carried(page.text, "/login") == set()  # that browser kept no page of hers
    assert not is_signed_in(elsewhere)
    assert member_named("hannah").email_verified_at is not None
    # Nor does the browser she joined in get signed in by it afterwards: the link has done its job.
    again = client.get(confirmation_link(mailbox))
    assert again.status_code == 200 and "already confirmed" in again.text
    assert carried(again.text, "/login") == {WANTED}
    assert not is_signed_in(client)


def test_the_link_signs_in_once(app, client, mailbox):
    join(client)
    link = confirmation_link(mailbox)
    kept = client.get_cookie("session").value  # the browser's session before the link was used
    assert client.get(link).status_code == 302 and is_signed_in(client)
    client.post("/logout")
    assert client.get(link).status_code == 200 and not is_signed_in(client)
    # A copy of the cookie from before the first click gets nothing either.
    copy = app.test_client()
    copy.set_cookie("session", kept)
    assert copy.get(link).status_code == 200 and not is_signed_in(copy)


def test_the_link_never_signs_in_a_banned_account(app, client, mailbox, moderator):
    join(client)
    sanctions.ban(moderator, member_named("hannah"), "Spam.")
    db.session.commit()
    response = client.get(confirmation_link(mailbox))
    assert response.status_code == 200
    assert not is_signed_in(client)


def test_a_link_without_the_browser_mark_or_with_anothers_does_not_sign_in(app, mailbox):
    first, second = app.test_client(), app.test_client()
    join(first)
    join(second, "sam")
    # The second browser opens the first one's link: confirmed, not signed in.
    assert second.get(confirmation_link(mailbox)).status_code == 200
    assert not is_signed_in(second) and not is_signed_in(first)


@pytest.mark.parametrize("next", ["//evil.example/", "https://evil.example/", "/\\evil.example"])
def test_only_a_path_on_this_site_is_carried(app, client, mailbox, next):
    join(client, next=next)
    response = client.get(confirmation_link(mailbox))
    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_without_a_next_she_lands_on_the_home_page_signed_in(app, client, mailbox):
    join(client, next=None)
    response = client.get(confirmation_link(mailbox))
    assert response.headers["Location"] == "/" and is_signed_in(client)


# Send it again


def test_check_your_email_can_send_the_link_again(app, client, mailbox):
    join(client)
    sent = client.get("/signup/sent")
    assert "Send it again" in sent.text and 'action="/verify/resend"' in sent.text
    response = client.post("/verify/resend")
    assert response.status_code == 302
    page = client.get(response.headers["Location"])
    assert "We've sent it again" in unescape(page.text)
    assert "hannah@example.org" in page.text
    assert len(mailbox.to("hannah@example.org")) == 2
    # The new link works like the first: she is signed in and back where she was.
    assert client.get(confirmation_link(mailbox)).headers["Location"] == WANTED


def test_send_it_again_answers_the_same_for_an_address_that_had_an_account(
    app, client, member, mailbox
):
    member.email_verified_at = member.created_at
    db.session.commit()
    response = client.post(
        "/signup",
        data={"username": "newname", "email": "hannah@example.org", "password": PASSWORD,
              "confirm": PASSWORD, "agree": "y"},
    )  # fmt: skip
    assert "Check your email" in response.text
    [notice] = mailbox.to("hannah@example.org")
    resent = client.post("/verify/resend")
    assert resent.status_code == 302 and resent.headers["Location"] == "/signup/sent?again=1"
    assert mailbox.to("hannah@example.org") == [notice]  # nothing new for a confirmed member


def test_send_it_again_needs_a_sign_up_in_this_browser(client, mailbox):
    assert client.post("/verify/resend").status_code == 401
    assert client.get("/signup/sent").headers["Location"] == "/signup"
    assert mailbox.messages == []


# Fields a phone shouldn't change


@pytest.mark.parametrize(("url", "name"), [("/signup", "username"), ("/login", "login")])
def test_usernames_are_not_capitalised_or_corrected_by_a_phone(client, url, name):
    tag = re.search(rf'<input\b[^>]*\bname="{name}"[^>]*>', client.get(url).text).group(0)
    assert 'autocapitalize="none"' in tag
    assert 'autocorrect="off"' in tag
    assert 'spellcheck="false"' in tag
