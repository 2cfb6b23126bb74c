"""The installable app in Chromium: the manifest and service worker load under the CSP, the
offline page (with the support lines) is there with the network off, and "Notify me on this
device" sends the browser's push subscription to the forum."""

import json

from playwright.sync_api import Page, expect
from sqlalchemy import select

from forum.database import db
from forum.models import PushSubscription
from tests.browser.people import log_in
from tests.push_service import Device

# Any Content Security Policy violation the page or its worker reports.
WATCH_CSP = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


# Headless Chromium has no push service: PushManager.subscribe answers with `made`, as one would.
STUB_SUBSCRIBE = """
PushManager.prototype.subscribe = async function (options) {
  sessionStorage.setItem("askedWithKey", options.applicationServerKey.byteLength);
  return { endpoint: made.endpoint, toJSON: () => made };
};
"""


def watch(page: Page) -> list[str]:
    seen: list[str] = []
    page.on(
        "console",
        lambda message: (
            seen.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.add_init_script(WATCH_CSP)
    return seen


def worker_ready(page: Page) -> None:
    """Wait until the service worker is installed, active and in charge of the page."""
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    expect(page.locator("body")).to_be_visible()
    assert page.evaluate("navigator.serviceWorker.controller !== null")


def test_the_manifest_and_worker_load_under_the_csp(page: Page):
    seen = watch(page)
    page.goto("/")
    worker_ready(page)
    manifest = page.evaluate("fetch('/manifest.webmanifest').then((r) => r.json())")
    assert manifest["name"] == "Blossom" and manifest["display"] == "standalone"
    assert "support" not in json.dumps(manifest).lower()
    for icon in manifest["icons"]:
        assert page.evaluate(f"fetch({json.dumps(icon['src'])}).then((r) => r.status)") == 200
    assert page.evaluate("window.cspViolations") == []
    assert seen == []


def test_the_offline_page_and_its_support_lines_work_with_the_network_off(page: Page):
    page.goto("/")
    worker_ready(page)
    page.context.set_offline(True)
    try:
        page.goto("/support")
        expect(page.get_by_role("heading", name="You're offline")).to_be_visible()
        expect(page.get_by_role("heading", name="Get support now")).to_be_visible()
        expect(page.locator(".support-lines a[href^='tel:']").first).to_be_visible()
        # The stylesheet came from the worker's copy, so the page still looks like Blossom.
        assert (
            page.evaluate("getComputedStyle(document.body).backgroundColor") != "rgba(0, 0, 0, 0)"
        )
    finally:
        page.context.set_offline(False)


def test_notify_me_on_this_device_sends_the_subscription(page: Page, forum):
    member = forum.member("pushed")
    device = Device("https://fcm.googleapis.com/fcm/send/browser-test-" + str(member.id))
    subscription = device.as_json()
    page.add_init_script("const made = " + json.dumps(subscription) + ";" + STUB_SUBSCRIBE)
    page.context.grant_permissions(["notifications"], origin=forum.url)
    seen = watch(page)
    log_in(page, member)
    page.goto("/settings/push")
    page.get_by_role("button", name="Notify me on this device").click()
    expect(page.get_by_text("Notifications are on for this device.")).to_be_visible()
    expect(page.get_by_role("button", name="Send a test")).to_be_visible()
    assert (
        page.evaluate("sessionStorage.getItem('askedWithKey')") == "65"
    )  # the server's VAPID public key
    with forum.app.app_context():
        stored = db.session.scalars(
            select(PushSubscription).where(PushSubscription.user_id == member.id)
        ).one()
        assert stored.endpoint == subscription["endpoint"]
        assert stored.p256dh == subscription["keys"]["p256dh"]
    assert seen == []
