"""Which language and time zone a page, an email or a push is written in, and the catalogs.

A member's own choice, then the footer's cookie, then what the browser asks for, then the site's
default (BABEL_DEFAULT_LOCALE). What is written for a member outside her own request (an email,
a digest, a push) is written in hers, whoever caused it: `written_for(member)`.

The catalogs (forum/translations/<language>/LC_MESSAGES/messages.po) are compiled when the app
starts, into the instance folder, whenever a .po file is newer than what was compiled from it.
"""

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, current_app, g, has_request_context, request
from flask_babel import Babel, get_locale, refresh
from flask_login import current_user

from forum.models import User

CATALOGS = Path(__file__).resolve().parent / "translations"
LANGUAGES = {"en": "English", "es": "Español"}  # each shown in its own language
COOKIE = "lang"

babel = Babel()


def init_i18n(app: Flask) -> None:
    if not app.config.get("BABEL_TRANSLATION_DIRECTORIES"):  # another folder: the pseudo-locale
        app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(compile_catalogs(app))
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    app.jinja_env.policies["ext.i18n.trimmed"] = True  # {% trans %} blocks as extracted

    @app.context_processor
    def language() -> dict[str, object]:
        return {"page_language": page_language, "languages": LANGUAGES}


def compile_catalogs(app: Flask) -> Path:
    """Each language's .mo, compiled into the instance folder when its .po is newer."""
    compiled = Path(app.instance_path) / "translations"
    for source in CATALOGS.glob("*/LC_MESSAGES/messages.po"):
        target = compiled / source.relative_to(CATALOGS).with_suffix(".mo")
        if target.exists() and target.stat().st_mtime >= source.stat().st_mtime:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        with source.open("rb") as po:
            catalog = read_po(po, locale=source.parts[-3])
        # Written beside it and moved in place: another process starting never reads half.
        handle, temporary = tempfile.mkstemp(dir=target.parent, suffix=".mo")
        with os.fdopen(handle, "wb") as mo:
            write_mo(mo, catalog)
        os.replace(temporary, target)
    return compiled


def supported(code: str | None) -> str | None:
    """The language of ours a stored or sent code names ("es-MX" is Spanish), if any."""
    if not code:
        return None
    language = code.replace("_", "-").split("-")[0].lower()
    return language if language in LANGUAGES else None


def select_locale() -> str:
    if "written_for" in g:
        return g.written_for[0]
    if has_request_context():
        asked = request.accept_languages.best_match(LANGUAGES)
        if request.path.startswith("/api/"):  # the API: what its client asks for, no cookie
            return asked or current_app.config["BABEL_DEFAULT_LOCALE"]
        if current_user.is_authenticated and (chosen := supported(current_user.locale)):
            return chosen
        if chosen := supported(request.cookies.get(COOKIE)):
            return chosen
        if asked:
            return asked
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def select_timezone() -> str:
    if "written_for" in g:
        return g.written_for[1]
    if has_request_context() and request.path.startswith("/api/"):
        return current_app.config["BABEL_DEFAULT_TIMEZONE"]  # the API reads no session
    if has_request_context() and current_user.is_authenticated and current_user.timezone:
        return current_user.timezone
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


def page_language() -> str:
    """For `<html lang>` and the page cache's key: "en", "es"."""
    return str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])


@contextmanager
def written_for(member: User | None) -> Iterator[None]:
    """Render what follows in the member's language, wherever this runs (a task, another
    member's request): an email, a digest, a push she reads."""
    config = current_app.config
    language = supported(member.locale if member else None) or config["BABEL_DEFAULT_LOCALE"]
    zone = (member.timezone if member else None) or config["BABEL_DEFAULT_TIMEZONE"]
    kept = g.pop("written_for", None)
    g.written_for = (language, zone)
    refresh()
    try:
        yield
    finally:
        g.pop("written_for")
        if kept is not None:
            g.written_for = kept
        refresh()
