"""With the keyboard alone: Tab, Shift+Tab, Enter, Space and typing, at both sizes.

Every stop on the way must show where the focus is: a visible outline or shadow.
"""

import re

from playwright.sync_api import Page, expect

from tests import factories
from tests.browser.people import assert_focus_ring, log_in, post_by, tab_to


def test_skip_link_is_the_first_stop_and_moves_to_the_content(
    page: Page, forum, size, screenshots
) -> None:
    author = forum.member("hannah")
    thread_id = forum.thread(author, forum.title("Skipping the header"), "Hello.")
    page.goto(f"/t/{thread_id}")

    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    assert_focus_ring(page)
    page.screenshot(path=screenshots / f"skip-link-{size}.png")

    page.keyboard.press("Enter")
    expect(page.get_by_role("main")).to_be_focused()
    page.keyboard.press("Tab")  # the next stop is in the page's content, past the header
    assert page.evaluate("() => document.querySelector('main').contains(document.activeElement)")
    expect(
        page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name="Home")
    ).to_be_focused()


def test_log_in_and_start_a_thread_with_the_keyboard(page: Page, forum) -> None:
    member = forum.member("hannah")
    page.goto("/login")
    tab_to(page, page.get_by_label("Username or email"))
    assert_focus_ring(page)
    page.keyboard.type(member.username)
    page.keyboard.press("Tab")
    page.keyboard.type(factories.PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_text(f"Welcome back, {member.display_name}.")).to_be_visible()

    tab_to(page, page.get_by_role("link", name="Start a thread"))
    assert_focus_ring(page)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1, name="Start a thread")).to_be_visible()

    category = page.get_by_label("Category")
    tab_to(page, category)
    assert_focus_ring(page)
    page.keyboard.press("ArrowDown")  # the next category, without opening the list
    expect(category).not_to_have_value("back-to-work")
    chosen = category.evaluate("(select) => select.selectedOptions[0].text")

    title = forum.title("Small wins count too")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Title")).to_be_focused()
    assert_focus_ring(page)
    page.keyboard.type(title)
    # Past "Check for similar threads" (and any similar threads it lists) to the post itself.
    tab_to(page, page.get_by_label("What's on your mind?"))
    page.keyboard.type("He waved at me from the nursery window.")
    page.keyboard.press("Enter")  # a new line in the post, not a submit
    page.keyboard.type("Made my whole week.")

    anonymous = page.get_by_label("Post anonymously")
    tab_to(page, anonymous)
    assert_focus_ring(page)
    page.keyboard.press("Space")
    expect(anonymous).to_be_checked()
    page.keyboard.press("Shift+Tab")  # back up to add a content note after all
    expect(page.get_by_label("Content note (optional)")).to_be_focused()
    page.keyboard.type("nursery")
    page.keyboard.press("Space")
    page.keyboard.type("goodbyes")

    tab_to(page, page.get_by_role("button", name="Start the thread"))
    assert_focus_ring(page)
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1, name=title)).to_be_visible()
    expect(page.get_by_role("link", name=chosen)).to_be_visible()
    opening = post_by(page, "Anonymous parent (original poster)")
    expect(opening).to_contain_text("Content note: nursery goodbyes")
    opening.get_by_text("Content note: nursery goodbyes").focus()
    page.keyboard.press("Enter")  # opens the folded post
    expect(opening).to_contain_text("He waved at me from the nursery window.\nMade my whole week.")


def test_react_quote_and_reply_with_the_keyboard(page: Page, forum) -> None:
    author = forum.member("hannah")
    member = forum.member("priya")
    title = forum.title("Keyboard reply")
    forum.thread(author, title, "First day back, and the coffee machine is broken.")
    log_in(page, member)
    page.goto("/")

    tab_to(page, page.get_by_role("link", name=title).first)
    assert_focus_ring(page)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1, name=title)).to_be_visible()

    opening = post_by(page, author.display_name)
    # The five reactions open from one summary line, by keyboard as by touch.
    reactions = opening.locator("details.react > summary")
    tab_to(page, reactions)
    assert_focus_ring(page)
    page.keyboard.press("Enter")
    hug = opening.get_by_role("button", name="Send a hug (0 hugs)")
    tab_to(page, hug)
    assert_focus_ring(page)
    page.keyboard.press("Space")
    hugged = opening.get_by_role("button", name="Send a hug (1 hug)")
    expect(hugged).to_have_attribute("aria-pressed", "true")
    expect(hugged).to_be_focused()  # still in the same place after the update
    assert_focus_ring(page)

    # A reply with nothing in it comes back with the message, and the focus in the box.
    reply = page.get_by_label("Your reply")
    tab_to(page, page.get_by_role("button", name="Reply", exact=True))
    page.keyboard.press("Enter")
    expect(page.get_by_text("Write a few words first.")).to_be_visible()
    expect(reply).to_be_focused()
    assert_focus_ring(page)
    page.keyboard.type("Sending coffee-shaped hugs.")
    tab_to(page, page.get_by_role("button", name="Reply", exact=True))
    page.keyboard.press("Enter")
    expect(page.get_by_text("Your reply is posted.")).to_be_visible()
    expect(post_by(page, member.display_name)).to_contain_text("coffee-shaped hugs")

    # Quote the opening post: back up with Shift+Tab from the reply box to its Quote link.
    tab_to(page, page.get_by_label("Your reply"))
    tab_to(page, post_by(page, author.display_name).get_by_role("link", name="Quote"), "Shift+Tab")
    assert_focus_ring(page)
    page.keyboard.press("Enter")
    body = page.get_by_label("Your reply")
    expect(body).to_be_focused()
    expect(body).to_have_value(re.compile("coffee machine is broken"))
    page.keyboard.press("Control+End")
    page.keyboard.type("\nThe machine always breaks on the hardest days.")
    tab_to(page, page.get_by_role("button", name="Reply", exact=True))
    page.keyboard.press("Enter")
    expect(page.get_by_text("Your reply is posted.")).to_be_visible()
    quoting = post_by(page, member.display_name).last
    expect(quoting).to_contain_text("the coffee machine is broken")
    expect(quoting).to_contain_text("The machine always breaks on the hardest days.")
