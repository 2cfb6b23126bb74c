"""The installable app's files: a neutral manifest the admin can rename, a worker that keeps
static files and the offline page but never a page of the site, and an offline page that is the
same for everyone and carries the support lines."""

import json
import re

from sqlalchemy import select

from forum import queue
from forum.database import db
from forum.models import LoginSession
from forum.services import safety
from tests.helpers import make_app, signed_in


def test_the_manifest_is_neutral_and_the_admin_can_name_it(app, tmp_path, monkeypatch):
    manifest = app.test_client().get("/manifest.webmanifest")
    assert manifest.content_type == "application/manifest+json"
    data = manifest.json
    assert data["name"] == "Blossom" and data["start_url"] == "/"
    assert "support" not in json.dumps(data).lower() and "forum" not in json.dumps(data).lower()
    monkeypatch.setattr(queue, "_app", queue._app)  # the other app leaves the queue as it was
    renamed = make_app(f"sqlite:///{tmp_path}/renamed.db", APP_NAME="Notes", APP_SHORT_NAME="Notes")
    assert renamed.test_client().get("/manifest.webmanifest").json["name"] == "Notes"


def test_the_worker_keeps_static_files_and_the_offline_page_only(app):
    worker = app.test_client().get("/sw.js")
    assert worker.content_type.startswith("text/javascript")
    assert worker.headers["Cache-Control"] == "no-cache"
    assert "Content-Security-Policy" in worker.headers
    kept = json.loads(re.search(r"const PRECACHE = (\[.*?\]);", worker.text).group(1))
    assert kept[0] == "/offline"
    assert all(re.fullmatch(r"/static/\S+\?v=[0-9a-f]{12}", url) for url in kept[1:])
    assert "/static/css/blossom.css" in worker.text


def test_the_offline_page_names_nobody_and_carries_the_support_lines(app, member):
    page = signed_in(app, member).get("/offline")
    assert page.status_code == 200
    assert member.display_name not in page.text and member.username not in page.text
    assert "Log out" not in page.text
    for line in safety.settings().lines:
        assert line.href in page.text


def test_logging_out_clears_the_site_from_the_device(app, member):
    response = signed_in(app, member).post("/logout")
    assert response.headers["Clear-Site-Data"] == '"cache", "storage"'


def test_signing_this_device_out_from_the_devices_list_clears_it_too(app, member):
    browser = signed_in(app, member)
    [device] = db.session.scalars(select(LoginSession)).all()
    response = browser.post(f"/settings/devices/{device.id}/end")
    assert response.headers["Clear-Site-Data"] == '"cache", "storage"'
