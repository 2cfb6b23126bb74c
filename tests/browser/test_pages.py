"""Every main page, at phone and desktop size, in light and dark: checked with axe-core and saved
as a screenshot in screenshots/ for a person to look at.

axe-core is vendored (tests/browser/vendor/, version in the file name, licence beside it) and
injected from the file, so the check needs no network. Violations of impact serious or critical
fail the test; colour contrast is among them, in both colour schemes.
"""

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import Showcase
from tests.browser.people import account_menu

AXE = Path(__file__).parent / "vendor" / "axe-core-4.14.1.min.js"
BLOCKING = {"serious", "critical"}


@dataclass(frozen=True)
class MainPage:
    name: str
    path: Callable[[Showcase], str]
    who: str | None = None  # "member" or "moderator"; None for a visitor
    then: Callable[[Page], None] | None = None  # what a person does before looking


def show_reply_errors(page: Page) -> None:
    page.get_by_role("button", name="Reply", exact=True).click()
    expect(page.get_by_text("Write a few words first.")).to_be_visible()


def post_crisis_reply(page: Page) -> None:
    # Worded afresh at each size: the same words twice in a few minutes are refused as a duplicate.
    width = page.viewport_size["width"]
    page.get_by_label("Your reply").fill(f"Some days I feel like I can't go on. ({width})")
    page.get_by_role("button", name="Reply", exact=True).click()
    expect(page.get_by_role("region", name="You're not alone")).to_be_visible()


def pause_unkind_reply(page: Page) -> None:
    page.get_by_label("Your reply").fill("You should have thought about that before going back.")
    page.get_by_role("button", name="Reply", exact=True).click()
    expect(page.get_by_role("button", name="Post anyway")).to_be_visible()


PAGES = [
    MainPage("home", lambda s: "/"),
    MainPage("category", lambda s: f"/c/{s.category}"),
    MainPage("thread", lambda s: f"/t/{s.thread_id}", "member"),
    MainPage("thread-visitor", lambda s: f"/t/{s.thread_id}"),
    MainPage("start-thread", lambda s: "/new", "member"),
    MainPage("reply-errors", lambda s: f"/t/{s.thread_id}/reply", "member", show_reply_errors),
    MainPage(
        "reply-kindness-check", lambda s: f"/t/{s.thread_id}/reply", "member", pause_unkind_reply
    ),
    MainPage("crisis-panel", lambda s: f"/t/{s.thread_id}/reply", "member", post_crisis_reply),
    MainPage("profile", lambda s: f"/u/{s.profile}", "member"),
    MainPage("settings", lambda s: "/settings", "member"),
    MainPage("signup", lambda s: "/signup"),
    MainPage("login", lambda s: "/login"),
    MainPage("moderation-queue", lambda s: "/mod/", "moderator"),
    MainPage("audit-log", lambda s: "/mod/log", "moderator"),
    MainPage("care-dashboard", lambda s: "/mod/care?days=90", "moderator"),
    MainPage("helping", lambda s: "/settings/helping", "member"),
    MainPage("support", lambda s: "/support"),
    MainPage("waiting", lambda s: "/waiting"),
    MainPage("your-reports", lambda s: "/me/reports", "member"),
    MainPage("blocked-members", lambda s: "/settings/blocked", "member"),
    MainPage("not-found", lambda s: "/t/999999"),
    MainPage("search", lambda s: "/search?q=work+back"),
    MainPage("notifications", lambda s: "/notifications", "member"),
    MainPage("following", lambda s: "/following", "member"),
    MainPage("email-choices", lambda s: "/settings/email", "member"),
    MainPage("signed-in-devices", lambda s: "/settings/devices", "member"),
    MainPage("your-data", lambda s: "/settings/privacy", "member"),
]


def axe_problems(page: Page) -> list[str]:
    """Violations of impact serious or critical, one readable line per element."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(path=AXE)
    violations = page.evaluate(
        """async () => {
            const results = await axe.run(document, {resultTypes: ['violations']});
            return results.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => n.target.join(' ') + ': ' + n.failureSummary),
            }));
        }"""
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {node}"
        for v in violations
        if v["impact"] in BLOCKING
        for node in v["nodes"]
    ]


@pytest.mark.parametrize("main", PAGES, ids=[p.name for p in PAGES])
def test_main_page_is_accessible_in_light_and_dark(
    main: MainPage, open_page, signed_in, showcase, size, screenshots
) -> None:
    who = {"member": showcase.member, "moderator": showcase.moderator}.get(main.who or "")
    # The page's own Content-Security-Policy (no inline script) would refuse axe, which the test
    # injects; only the test's own script is let through, the page's still run as served.
    page = open_page(storage_state=signed_in(who) if who else None, bypass_csp=True)
    response = page.goto(main.path(showcase))
    assert response is not None
    assert response.status == (404 if main.name == "not-found" else 200)
    if who:
        expect(account_menu(page)).to_contain_text(
            who.display_name
        )  # signed in, not sent to log in
    if main.then:
        main.then(page)

    problems = {}
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        suffix = "" if scheme == "light" else "-dark"
        page.screenshot(path=screenshots / f"{main.name}-{size}{suffix}.png", full_page=True)
        problems[scheme] = axe_problems(page)
    assert problems == {"light": [], "dark": []}


# Lines the header's items stand on: their middles, gathered where they lie within 10 px.
HEADER_LINES = """() => {
    const items = [...document.querySelectorAll('.bar > *, .site-nav > *, .account-links > *')]
        .filter(e => e.getClientRects().length && getComputedStyle(e).position !== 'absolute');
    const middles = items.map(e => { const r = e.getBoundingClientRect(); return r.top + r.height / 2; })
        .sort((a, b) => a - b);
    return middles.filter((m, i) => i === 0 || m - middles[i - 1] > 10).length;
}"""


def test_the_header_names_the_waiting_list_and_keeps_to_its_lines(
    open_page, signed_in, showcase, size, screenshots
) -> None:
    """The header's lines hold, for a visitor, a member and a moderator alike: on a laptop one
    line; on a phone the name and the account, the links, then search. Naming the list in full never breaks its links onto another line. (A
    moderator's extra link still wraps on a phone.)"""
    people = [None, showcase.member] + ([showcase.moderator] if size == "desktop" else [])
    for who in people:
        page = open_page(storage_state=signed_in(who) if who else None)
        page.goto("/")
        nav = page.get_by_role("navigation", name="Main")
        expect(nav.get_by_role("link", name="Waiting for a reply")).to_be_visible()
        lines = page.evaluate(HEADER_LINES)
        name = who.username if who else "visitor"
        page.screenshot(path=screenshots / f"header-{name}-{size}.png")
        assert lines == (1 if size == "desktop" else 3), f"{name}: {lines} lines"
