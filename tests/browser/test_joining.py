"""Joining on a phone without losing her place: "Start a thread" asks her to join or log in,
the sign-up carries where she was going, "Check your email" can send the link again, and the
link, opened in the same browser, signs her in on the form she wanted. Screenshots of each step
at 390 px go to screenshots/signup-return-*-phone.png."""

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from tests.browser.people import account_menu

PASSWORD = "quiet mornings with tea"


@pytest.fixture
def size() -> str:
    """This is about what she sees on her phone: 390 px wide only."""
    return "phone"


def open_link(page: Page, link: str) -> None:
    """The emailed link, on this test's server (as a tap in the mail app would open it)."""
    parts = urlsplit(link)
    page.goto(f"{parts.path}?{parts.query}" if parts.query else parts.path)


def shot(page: Page, screenshots, step: str) -> None:
    page.screenshot(path=screenshots / f"signup-return-{step}-phone.png", full_page=True)


def sign_up(page: Page, username: str) -> None:
    page.get_by_label("Username").fill(username)
    page.get_by_label("Email").fill(f"{username}@example.org")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password again").fill(PASSWORD)
    page.get_by_label("I have read and agree to the community guidelines").check()


def test_sign_up_from_start_a_thread_comes_back_to_the_form(page: Page, forum, screenshots):
    username = forum.name("newmum")
    page.goto("/c/back-to-work")
    page.get_by_role("main").get_by_role("link", name="Start a thread").click()

    # Asked to join or log in, in those words, with both ways in on one page.
    expect(
        page.get_by_role("heading", level=1, name="Join Blossom or log in to start a thread")
    ).to_be_visible()
    expect(page.get_by_label("Username or email")).to_have_attribute("autocapitalize", "none")
    shot(page, screenshots, "1-join-or-log-in")

    page.get_by_role("link", name="Join Blossom").first.click()
    expect(page.get_by_text("we'll bring you straight back to start a thread")).to_be_visible()
    username_field = page.get_by_label("Username")
    for name, value in (
        ("autocapitalize", "none"),
        ("autocorrect", "off"),
        ("spellcheck", "false"),
    ):
        expect(username_field).to_have_attribute(name, value)
    sign_up(page, username)
    shot(page, screenshots, "2-sign-up")
    page.get_by_role("button", name="Join Blossom").click()

    expect(page.get_by_role("heading", level=1, name="Check your email")).to_be_visible()
    expect(
        page.get_by_text("you'll be logged in and brought back to start a thread")
    ).to_be_visible()
    shot(page, screenshots, "3-check-your-email")
    page.get_by_role("button", name="Send it again").click()
    expect(page.get_by_text("We've sent it again.")).to_be_visible()
    shot(page, screenshots, "4-sent-again")

    # The newest link, opened in this browser: signed in, on the form she wanted, in her category.
    open_link(page, forum.link_emailed_to(f"{username}@example.org"))
    expect(page.get_by_role("heading", level=1, name="Start a thread")).to_be_visible()
    expect(page.get_by_text(f"Welcome to Blossom, {username}.")).to_be_visible()
    expect(page.get_by_label("Category")).to_have_value("back-to-work")
    expect(account_menu(page)).to_contain_text(username)
    shot(page, screenshots, "5-back-where-she-was")


def test_the_link_opened_on_another_device_confirms_and_says_why_not_signed_in(
    page: Page, open_page, forum, screenshots
):
    username = forum.name("newdad")
    page.goto("/signup")
    sign_up(page, username)
    page.get_by_role("button", name="Join Blossom").click()
    expect(page.get_by_role("heading", level=1, name="Check your email")).to_be_visible()

    laptop = open_page()
    open_link(laptop, forum.link_emailed_to(f"{username}@example.org"))
    expect(
        laptop.get_by_role("heading", level=1, name="Your email address is confirmed")
    ).to_be_visible()
    expect(laptop.get_by_text("We haven't logged you in here")).to_be_visible()
    expect(laptop.get_by_role("link", name="Log in").first).to_be_visible()
    shot(laptop, screenshots, "6-other-device")
