"""Drafts in the browser, at phone and desktop size: what she types is kept on the server as she
types, comes back after a reload and on another device, vanishes once posted or discarded, and
nothing of it is ever written to the browser's own storage."""

from playwright.sync_api import Page, expect

from tests.browser.people import log_in, log_out

WORDS = "Three weeks back and nursery has called me every single day."


# htmx notes the address of the page it is on, for its history support (which the forum doesn't
# use): an address, never anything typed.
HTMX_PATH = "htmx-current-path-for-history"


def assert_nothing_kept_in_the_browser(page: Page) -> None:
    """Nothing typed is in the browser's own storage: localStorage is empty, and sessionStorage
    holds no more than htmx's note of the address."""
    local, session = page.evaluate(
        """() => [window.localStorage, window.sessionStorage].map(
            (store) => Object.fromEntries(Object.keys(store).map((k) => [k, store.getItem(k)])))"""
    )
    assert local == {}
    assert set(session) <= {HTMX_PATH}
    assert all(value.startswith("/") and "nursery" not in value for value in session.values())


def status(page: Page):
    return page.locator("[data-draft-status]")


def watch_the_policy(page: Page) -> list[str]:
    """Console reports of anything the Content-Security-Policy refused."""
    refused: list[str] = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return refused


def test_a_reply_typed_comes_back_after_a_reload_and_vanishes_once_posted(
    page: Page, forum
) -> None:
    author, member = forum.member("hannah"), forum.member("priya")
    thread_id = forum.thread(author, forum.title("Nursery bugs"), f"Every week ({author.id}).")
    refused = watch_the_policy(page)
    log_in(page, member)
    page.goto(f"/t/{thread_id}")
    body = page.get_by_label("Your reply")
    body.fill(WORDS)
    page.get_by_label("Content note (optional)").fill("illness")
    page.get_by_label("Post anonymously").check()
    expect(status(page)).to_have_text("Draft saved")
    expect(status(page)).to_have_attribute("aria-live", "polite")
    assert_nothing_kept_in_the_browser(page)

    page.reload()
    expect(page.get_by_label("Your reply")).to_have_value(WORDS)
    expect(page.get_by_label("Content note (optional)")).to_have_value("illness")
    expect(page.get_by_label("Post anonymously")).to_be_checked()
    expect(status(page)).to_have_text("Your draft is back, as you left it.")

    page.get_by_role("button", name="Reply", exact=True).click()
    expect(page.get_by_text("Your reply is posted.")).to_be_visible()
    expect(page.get_by_role("article", name="Anonymous parent", exact=False).last).to_contain_text(
        "Three weeks back"
    )
    page.goto(f"/t/{thread_id}")
    expect(page.get_by_label("Your reply")).to_have_value("")
    expect(page.get_by_label("Post anonymously")).not_to_be_checked()
    page.goto("/drafts")
    expect(page.get_by_text("No drafts.")).to_be_visible()
    assert_nothing_kept_in_the_browser(page)
    assert refused == []


def test_a_new_thread_started_on_one_device_is_there_on_another_until_discarded(
    open_page, forum
) -> None:
    member = forum.member("lou")
    phone = open_page()
    log_in(phone, member)
    phone.goto("/new")
    title = forum.title("Pumping in a cupboard")
    phone.get_by_label("Category").select_option(label="Childcare")
    phone.get_by_label("Title").fill(title)
    phone.get_by_label("What's on your mind?").fill(WORDS)
    expect(status(phone)).to_have_text("Draft saved")
    log_out(phone)
    assert_nothing_kept_in_the_browser(phone)  # nothing of it stays on the shared tablet

    laptop = open_page()
    log_in(laptop, member)
    laptop.goto("/new")
    expect(laptop.get_by_label("Title")).to_have_value(title)
    expect(laptop.get_by_label("What's on your mind?")).to_have_value(WORDS)
    expect(laptop.get_by_label("Category")).to_have_value("childcare")
    laptop.get_by_role("button", name="Discard draft").click()
    expect(laptop.get_by_text("Your draft is discarded.")).to_be_visible()
    expect(laptop.get_by_label("Title")).to_have_value("")
    laptop.reload()
    expect(laptop.get_by_label("What's on your mind?")).to_have_value("")


def test_without_javascript_save_draft_keeps_it(open_page, forum) -> None:
    author, member = forum.member("hannah"), forum.member("sam")
    thread_id = forum.thread(author, forum.title("Late pickups"), f"Again late ({author.id}).")
    page = open_page(javascript=False)
    log_in(page, member)
    page.goto(f"/t/{thread_id}")
    page.get_by_label("Your reply").fill(WORDS)
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Your draft is saved.")).to_be_visible()
    page.goto(f"/t/{thread_id}")
    expect(page.get_by_label("Your reply")).to_have_value(WORDS)
    page.get_by_role("button", name="Reply", exact=True).click()
    expect(page.get_by_text("Your reply is posted.")).to_be_visible()
    page.goto(f"/t/{thread_id}")
    expect(page.get_by_label("Your reply")).to_have_value("")
