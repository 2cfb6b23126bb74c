"""The home page, lists and header as a parent meets them on a phone and on a laptop: the latest
conversations first, a line of each, what is new since she looked, and targets a thumb can hit."""

import pytest
from playwright.sync_api import Page, expect

from forum.database import db
from forum.models import Post
from forum.services import reactions
from tests import factories
from tests.browser.people import log_in

TAP = 44  # px, each way

# What a person taps: the header's links, buttons and menus, the footer's links, every button,
# every control that opens, and the threads in a list. Links inside sentences are left out.
TARGETS = """() => {
  const wanted = '.site-header a, .site-header button, .site-header summary, .site-footer a,'
    + ' main button, main .button, main summary, main .thread-title, main .pagination a';
  return [...document.querySelectorAll(wanted)]
    .filter(e => e.offsetParent !== null && !e.closest('.visually-hidden'))
    .map(e => {
      const r = e.getBoundingClientRect();
      return {what: (e.innerText || e.getAttribute('aria-label') || e.outerHTML).trim().slice(0, 40),
              width: Math.round(r.width * 10) / 10, height: Math.round(r.height * 10) / 10};
    });
}"""


def small_targets(page: Page) -> list[dict]:
    return [t for t in page.evaluate(TARGETS) if t["width"] < TAP or t["height"] < TAP]


@pytest.mark.parametrize("who", ["visitor", "member"])
def test_every_tap_target_is_at_least_44_px_on_a_phone(open_page, forum, showcase, who, size):
    if size != "phone":
        pytest.skip("measured at phone size")
    page = open_page()
    if who == "member":
        log_in(page, showcase.member)
    paths = ["/", f"/c/{showcase.category}", f"/t/{showcase.thread_id}", "/waiting"]
    if who == "member":
        paths.append("/following")
    found = {}
    for path in paths:
        page.goto(path)
        found |= {f"{path}: {t['what']!r}": (t["width"], t["height"]) for t in small_targets(page)}
    assert found == {}, "\n".join(f"{k} is {w} x {h} px" for k, (w, h) in found.items())


def test_the_header_stays_on_one_line_on_a_laptop(
    open_page, forum, showcase, size, screenshots
) -> None:
    """A moderator's header holds the most: brand, search, every link, bell and account."""
    if size != "desktop":
        pytest.skip("a laptop's width")
    page = open_page()
    log_in(page, showcase.moderator)
    page.goto("/")
    page.screenshot(path=screenshots / "header-moderator-desktop.png")
    middles = page.evaluate(
        """() => [...document.querySelectorAll('.bar > *')]
            .map(e => { const r = e.getBoundingClientRect(); return (r.top + r.bottom) / 2; })"""
    )
    assert max(middles) - min(middles) < 8, middles  # side by side, not one under another
    links = page.locator(".site-header a, .site-header summary").evaluate_all(
        "els => els.map(e => Math.round(e.getBoundingClientRect().height))"
    )
    assert max(links) < 60, links  # no link's words fold onto a second line


def test_home_reads_like_a_feed_with_what_is_new_since_she_looked(
    open_page, forum, size, screenshots
) -> None:
    author, reader, helper = forum.member("hannah"), forum.member("priya"), forum.member("sam")
    title = forum.title("Pumping in a cupboard at work")
    words = "The only room with a lock is the stationery cupboard. " * 6
    thread_id = forum.thread(author, title, words)
    page = open_page()
    log_in(page, reader)
    page.goto(f"/t/{thread_id}")  # she looks, then two replies come
    for n in (1, 2):
        forum.reply(helper, thread_id, f"We used the car, with a blanket over the windows. ({n})")

    page.goto("/")
    latest = page.get_by_role("heading", name="Latest conversations")
    categories = page.get_by_role("heading", name="Categories")
    assert latest.bounding_box()["y"] < categories.bounding_box()["y"]
    row = page.locator(".thread-row", has=page.get_by_role("link", name=title))
    preview = row.locator(".thread-preview")
    expect(preview).to_contain_text("The only room with a lock")
    line = preview.evaluate("e => parseFloat(getComputedStyle(e).lineHeight)")
    assert preview.bounding_box()["height"] <= line + 1  # one line, however long the post
    expect(row.locator(".new-replies")).to_have_text("2 new replies since you last looked")
    page.screenshot(path=screenshots / f"home-feed-member-{size}.png", full_page=True)
    page.evaluate("() => window.scrollTo(0, 0)")
    page.screenshot(path=screenshots / f"home-feed-member-{size}-first-screen.png")

    page.get_by_role("link", name=title).click()
    page.goto("/")
    expect(row.locator(".new-replies")).to_have_count(0)


def test_the_five_reactions_open_from_one_summary_line(open_page, forum, size, screenshots) -> None:
    author, reader = forum.member("hannah"), forum.member("priya")
    title = forum.title("Back after the summer")
    thread_id = forum.thread(author, title, "Three weeks of holiday, and now the alarm again.")
    post_id = forum.opening_post(thread_id)
    with forum.writing():
        post = db.session.get(Post, post_id)
        for n, kind in enumerate(["hug", "hug", "hug", "me_too", "me_too"]):
            reactions.toggle_reaction(factories.member(forum.name(f"r{n}")), post, kind)
        db.session.commit()
    page = open_page()
    log_in(page, reader)
    page.goto(f"/t/{thread_id}")
    control = page.locator(f"#reactions-{post_id} details.react")
    summary = control.locator("summary")
    expect(summary).to_contain_text("3 hugs, 2 me toos")
    expect(page.get_by_role("button", name="Send a hug (3 hugs)")).to_be_hidden()
    summary.click()
    for name in ("Send a heart", "Send a hug", "Me too", "You've got this", "Thank you"):
        expect(control.get_by_role("button", name=name)).to_be_visible()
    control.get_by_role("button", name="Send a heart (0 hearts)").click()
    expect(control.get_by_role("button", name="Send a heart (1 heart)")).to_be_visible()
    expect(summary).to_contain_text("3 hugs, 2 me toos, 1 heart")
    page.locator("#p1").screenshot(path=screenshots / f"reactions-open-{size}.png")
