"""What a person does in the browser, written once: log in, open a thread, find a post."""

import re

from playwright.sync_api import Locator, Page, expect

from tests import factories
from tests.browser.helpers import Member


def log_in(page: Page, member: Member) -> None:
    """Through the login form, as a member does."""
    page.goto("/login")
    page.get_by_label("Username or email").fill(member.username)
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(account_menu(page)).to_be_visible()


def account_menu(page: Page) -> Locator:
    return page.get_by_text(re.compile(r"\(your account\)$")).locator("..")


def log_out(page: Page) -> None:
    account_menu(page).click()
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("link", name="Log in")).to_be_visible()


def post_by(page: Page, name: str) -> Locator:
    """A post on a thread page, found by who wrote it, as a screen reader lists them."""
    return page.get_by_role("article", name=name, exact=True)


def open_reactions(post: Locator) -> None:
    """The five reactions wait behind one summary line ("3 hugs, 1 heart"): tap it open."""
    post.locator("details.react > summary").click()
    expect(post.locator("details.react")).to_have_attribute("open", "")


def tab_to(page: Page, target: Locator, key: str = "Tab", limit: int = 60) -> None:
    """Press Tab (or Shift+Tab) until the focus is on target, as a keyboard user does."""
    for _ in range(limit):
        page.keyboard.press(key)
        if target.evaluate_all("(elements) => elements.includes(document.activeElement)"):
            return
    raise AssertionError(f"{limit} presses of {key} never reached {target}")


def focus_ring(page: Page) -> dict:
    """The focused element's outline and shadow as the browser draws them."""
    return page.evaluate(
        """() => {
            const element = document.activeElement;
            const style = getComputedStyle(element);
            return {
                focusVisible: element.matches(':focus-visible'),
                outlineStyle: style.outlineStyle,
                outlineWidth: parseFloat(style.outlineWidth),
                shadow: style.boxShadow,
                element: element.outerHTML.slice(0, 80),
            };
        }"""
    )


def assert_focus_ring(page: Page) -> None:
    """A ring a tired eye can find: at least 2px of outline (browsers' own is 1px), or a shadow."""
    ring = focus_ring(page)
    assert ring["focusVisible"], ring
    outlined = ring["outlineStyle"] != "none" and ring["outlineWidth"] >= 2
    assert outlined or ring["shadow"] != "none", ring
