"""The installable app: its manifest, the service worker at the site's root, and the page it
shows when there is no network (with the support resources, so help is there offline too)."""

import hashlib
from pathlib import Path

from flask import Blueprint, Response, current_app, render_template, url_for
from flask_babel import gettext

from forum.i18n import page_language

bp = Blueprint("pwa", __name__)

# Static files the worker keeps for offline use; licences and the like are left out.
PRECACHED = (".css", ".js", ".svg", ".png", ".woff2")


def _precached() -> list[str]:
    """The offline page and every static file under its current versioned address, so a deploy
    that changes a file changes the list, and with it the worker."""
    folder = Path(str(current_app.static_folder))
    files = sorted(
        path.relative_to(folder).as_posix()
        for path in folder.rglob("*")
        if path.is_file() and path.suffix in PRECACHED
    )
    return [url_for("pwa.offline")] + [url_for("static", filename=name) for name in files]


@bp.get("/manifest.webmanifest")
def manifest():
    config = current_app.config
    icons = [
        {"src": url_for("static", filename=config["APP_ICON_192"]), "sizes": "192x192",
         "type": "image/png", "purpose": "any maskable"},
        {"src": url_for("static", filename=config["APP_ICON_512"]), "sizes": "512x512",
         "type": "image/png", "purpose": "any maskable"},
    ]  # fmt: skip
    # Neutral on a home screen, in every language: the name is the admin's, and the words say
    # nothing of what the site is about. In the language of whoever adds it.
    body = {
        "name": config["APP_NAME"],
        "short_name": config["APP_SHORT_NAME"],
        "description": gettext("A quiet place to read and write."),
        "lang": page_language(),
        "dir": "ltr",
        "id": "/",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#fdf8f5",
        "theme_color": "#a3305b",
        "icons": icons,
    }
    response = current_app.response_class(
        current_app.json.dumps(body), mimetype="application/manifest+json"
    )
    response.headers["Cache-Control"] = "no-cache"
    response.vary.update(("Accept-Language", "Cookie"))
    return response


@bp.get("/sw.js")
def service_worker():
    urls = _precached()
    version = hashlib.sha256("\n".join(urls).encode()).hexdigest()[:12]
    body = render_template("pwa/sw.js", urls=urls, version=version, offline=url_for("pwa.offline"))
    response = Response(body, mimetype="text/javascript")
    # Browsers look for a new worker on every visit; the worker itself is never kept for long.
    response.headers["Cache-Control"] = "no-cache"
    response.vary.update(("Accept-Language", "Cookie"))  # its words are in the page's language
    return response


@bp.get("/offline")
def offline():
    """The same for everyone (no name, no account): the worker keeps it for when there is no
    network, on a shared device too."""
    return render_template("pwa/offline.html")
