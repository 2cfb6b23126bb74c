"""The forum served on a free port and driven in the system's Chromium, at phone size."""

import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.helpers import free_port

CHROMIUM = "/usr/bin/chromium"
PHONE = {"width": 390, "height": 844}
SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture
def live_url(app):
    server = make_server("127.0.0.1", free_port(), app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


@pytest.fixture
def phone():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True)
        yield context.new_page()
        context.close()
        browser.close()
