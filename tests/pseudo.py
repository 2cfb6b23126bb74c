"""The pseudo-locale in tests: pages rendered through it show every translated message as
⟦accented text⟧, so any plain English word left on them was never wrapped for translation.

`pseudo_locale(app)` swaps the app's catalogs for the pseudo-locale's (made afresh from the code
by forum.catalogs) while the block runs; `unwrapped(text, allowed)` lists the English words
left outside the brackets that are not user content or locale data.
"""

import re
import zoneinfo
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

from babel import Locale
from flask import Flask
from flask_babel import get_babel
from sqlalchemy import String, Text, select

from forum import catalogs, page_cache
from forum.database import Base, db
from forum.i18n import LANGUAGES, babel
from forum.services import safety

WORD = re.compile(r"[^\W\d_](?:[^\W\d_]|')+")
INNERMOST = re.compile(r"⟦[^⟦⟧]*⟧")
ADDRESS = re.compile(r"(?:https?://|mailto:)[^\s⟦⟧·]+")
# Words a page may carry untranslated: the name of the site, language names written in their own
# language, and what the locale's own data writes in dates and times (CLDR, not our catalog).
ALWAYS = {"Blossom", "UTC", "AM", "PM", *LANGUAGES.values()}
SITE_WRITTEN = {"category", "outgoing_email", "security_event", "login_session", "party",
                "push_subscription", "push_choices"}  # fmt: skip
# Stored values that are not what a person wrote: never counted as allowed words.
NOT_CONTENT = {"kind", "status", "reason", "action", "role", "state", "detail", "topic", "slug",
               "device", "group_key", "scopes", "delivery", "locale", "country", "timezone"}  # fmt: skip


@cache
def locale_words() -> frozenset[str]:
    english = Locale("en")
    names = [*english.months["format"]["wide"].values(), *english.days["format"]["wide"].values()]
    names += [*english.months["format"]["abbreviated"].values()]
    units = ("second", "minute", "hour", "day", "week", "month", "year")
    return frozenset([*names, *units, *(u + "s" for u in units), "ago", "in", "at", "now"])


@contextmanager
def pseudo_locale(app: Flask, folder: Path) -> Iterator[None]:
    config = get_babel(app)
    kept = config.translation_directories

    def use(directories: list[str]) -> None:
        config.translation_directories = directories
        with app.app_context():  # catalogs already read, and pages kept, are in the old words
            babel.domain_instance.cache.clear()
            page_cache.cache.clear()

    use([str(catalogs.pseudo_catalog(folder))])
    try:
        yield
    finally:
        use(kept)


def content_words() -> set[str]:
    """Every word members and moderators wrote into the database (posts, titles, names,
    messages, notes): a page may show them as they are. Category names are the site's words, and
    what the site wrote itself (emails kept in the outbox, device names, aliases) is not content."""
    words: set[str] = set()
    for table in Base.metadata.sorted_tables:
        if table.name in SITE_WRITTEN:
            continue
        columns = [
            c for c in table.columns
            if isinstance(c.type, String | Text) and c.name not in NOT_CONTENT
        ]  # fmt: skip
        for column in columns:
            for value in db.session.scalars(select(column).where(column.is_not(None))):
                words.update(WORD.findall(str(value)))
    # Configuration shown as it is: the support resources' own texts, the time zones' names.
    for text in (*safety.resource_texts(), *zoneinfo.available_timezones()):
        words.update(WORD.findall(text))
    return words


class _VisibleText(HTMLParser):
    """The text a person sees or hears on a page: text nodes and the attributes read aloud."""

    READ = {"alt", "title", "placeholder", "aria-label", "aria-description", "label"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "template"):
            self.hidden += 1
        values = dict(attrs)
        self.parts += [v for k, v in attrs if k in self.READ and v]
        if tag == "input" and values.get("type") in ("submit", "button") and values.get("value"):
            self.parts.append(values["value"] or "")
        if tag == "meta" and values.get("name") == "description":
            self.parts.append(values.get("content") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "template"):
            self.hidden = max(0, self.hidden - 1)

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _VisibleText()
    parser.feed(html)
    return " ".join(parser.parts)


def unwrapped(text: str, allowed: Iterable[str] = ()) -> list[str]:
    """The English words in `text` that no translated message carried. Addresses are left
    out: links in emails carry tokens and paths, not words."""
    text = ADDRESS.sub(" ", text)
    while INNERMOST.search(text):
        text = INNERMOST.sub(" ", text)
    allowed = set(allowed) | ALWAYS | locale_words()
    return sorted({w for w in WORD.findall(text) if w not in allowed})
