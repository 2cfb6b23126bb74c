"""Apps and tokens on a phone: she makes a token, copies it while it is shown (this once), an
app uses it against the running forum, and revoking it on the same page ends it. Screenshots at
390 px go to screenshots/tokens-*-phone.png."""

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.browser.people import log_in


@pytest.fixture
def size() -> str:
    return "phone"


def test_a_token_made_on_the_settings_page_works_once_copied_and_ends_when_revoked(
    page: Page, forum, screenshots
):
    member = forum.member("apps")
    log_in(page, member)
    page.goto("/settings")
    page.get_by_role("navigation", name="Settings").get_by_role(
        "link", name="Apps and tokens"
    ).click()
    page.get_by_label("Name").fill("Reading app")
    page.get_by_label("React to posts and take reactions back").check()
    page.get_by_role("button", name="Make the token").click()
    secret = page.locator(".token-secret").inner_text().strip()
    assert secret.startswith("blossom_pat_")
    page.screenshot(path=screenshots / "tokens-1-made-phone.png", full_page=True)

    me = httpx.get(f"{forum.url}/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert me.status_code == 200 and me.json()["username"] == member.username
    assert me.json()["scopes"] == ["read", "write:reactions"]

    page.goto("/settings/tokens")  # not a reload, which would send the form again
    expect(page.locator(".token-secret")).to_have_count(0)
    expect(page.get_by_text("Token “Reading app” made")).to_be_visible()
    page.get_by_role("button", name="Revoke").click()
    expect(page.get_by_text("The token is revoked")).to_be_visible()
    page.screenshot(path=screenshots / "tokens-2-revoked-phone.png", full_page=True)
    gone = httpx.get(f"{forum.url}/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert gone.status_code == 401
