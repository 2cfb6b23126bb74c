"""The main pages in the pseudo-locale at a phone's width: every message ~40 % longer and
accented, as German or Spanish may run, and no button clipped, no line pushing the page sideways.

Screenshots: screenshots/pseudo-<page>-phone.png.
"""

from collections.abc import Callable

import pytest
from playwright.sync_api import Page

from tests import pseudo
from tests.browser.helpers import new_context
from tests.browser.test_pages import PAGES

# What sticks out, and what is cut: controls and labels whose text is wider than their box, and
# anything reaching past the right edge of the screen.
OVERFLOWS = """() => {
    const width = document.documentElement.clientWidth;
    const found = [];
    if (document.documentElement.scrollWidth > width + 1) {
        found.push(`the page scrolls sideways: ${document.documentElement.scrollWidth}px`);
    }
    const scrolls = (el) => {  // inside a box that scrolls sideways on its own, as wide tables do
        for (let p = el.parentElement; p; p = p.parentElement) {
            if (['auto', 'scroll'].includes(getComputedStyle(p).overflowX)) return true;
        }
        return false;
    };
    const controls = 'button, .button, input[type=submit], select, label, .tabs a, nav a, th';
    for (const el of document.querySelectorAll(controls)) {
        const box = el.getBoundingClientRect();
        if (!box.width || el.closest('.visually-hidden, .skip-link, [hidden]')) continue;
        if (getComputedStyle(el).visibility === 'hidden') continue;
        const name = `${el.tagName.toLowerCase()} "${el.textContent.trim().slice(0, 40)}"`;
        if (el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX !== 'visible') {
            found.push(`${name} is clipped: ${el.scrollWidth}px in ${el.clientWidth}px`);
        }
        if (box.right > width + 1 && !scrolls(el)) {
            found.push(`${name} reaches past the screen: ${Math.round(box.right)}px`);
        }
    }
    return found;
}"""


@pytest.fixture(scope="module")
def sessions(showcase, signed_in: Callable) -> dict[str | None, dict | None]:
    """Signed in through the form in English first: its labels are what the helpers look for."""
    return {
        None: None,
        "member": signed_in(showcase.member),
        "moderator": signed_in(showcase.moderator),
    }


@pytest.fixture(scope="module")
def in_pseudo_locale(forum, sessions, tmp_path_factory):
    with pseudo.pseudo_locale(forum.app, tmp_path_factory.mktemp("pseudo")):
        yield sessions


@pytest.mark.parametrize("main", [p for p in PAGES if p.then is None], ids=lambda p: p.name)
def test_no_page_clips_or_overflows_in_the_pseudo_locale(
    main, browser, forum, showcase, screenshots, in_pseudo_locale
):
    context = new_context(browser, forum, "phone", storage_state=in_pseudo_locale[main.who])
    page: Page = context.new_page()
    try:
        page.goto(main.path(showcase))
        page.screenshot(path=screenshots / f"pseudo-{main.name}-phone.png", full_page=True)
        assert page.evaluate(OVERFLOWS) == []
    finally:
        context.close()
