"""The translation catalogs: extracted from the code and templates, kept up to date, checked,
and a pseudo-locale made from them that shows at a glance what was left in plain English.

Used by `flask translations ...` (forum/cli.py) and by the tests that prove nothing is left.
"""

import re
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from forum.i18n import CATALOGS, LANGUAGES

ROOT = CATALOGS.parent.parent
KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "lazy_gettext": None,
    "_l": None,
    "lazy_ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
}
TRANSLATED = [code for code in LANGUAGES if code != "en"]  # English is the source


def extract() -> Catalog:
    """Every message the code and templates ask to translate, with where each is used."""
    with (CATALOGS / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)
    template = Catalog(
        project="Blossom", charset="utf-8", creation_date=datetime(2026, 1, 1, tzinfo=UTC)
    )
    for filename, line, message, comments, context in extract_from_dir(
        str(ROOT),
        method_map,
        options_map,
        keywords=KEYWORDS,
        comment_tags=("Translators:",),
        directory_filter=_searched,
    ):
        template.add(message, None, [(filename, line)], auto_comments=comments, context=context)
    return template


def _searched(folder: str) -> bool:
    """Every folder but hidden ones and caches: templates/_macros too (Babel's own filter leaves
    out every folder whose name starts with "_")."""
    name = Path(folder).name
    return not (name.startswith(".") or name == "__pycache__")


def path_of(language: str) -> Path:
    return CATALOGS / language / "LC_MESSAGES" / "messages.po"


def read(language: str) -> Catalog:
    with path_of(language).open("rb") as po:
        return read_po(po, locale=language)


def write(catalog: Catalog, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = BytesIO()
    write_po(buffer, catalog, width=100, omit_header=False, sort_output=False)
    path.write_bytes(buffer.getvalue())


def update(language: str) -> Catalog:
    """The language's catalog with every message now extracted: new ones empty, gone ones dropped."""
    template = extract()
    if path_of(language).exists():
        catalog = read(language)
    else:
        catalog = Catalog(
            locale=language, project="Blossom", copyright_holder="Blossom", fuzzy=False
        )
    catalog.update(template, no_fuzzy_matching=True)
    catalog.obsolete.clear()
    write(catalog, path_of(language))
    return catalog


def gaps(language: str) -> list[str]:
    """What keeps a shipped language from being complete: a message the code uses that its
    catalog lacks, one left untranslated, or one marked fuzzy."""
    catalog = read(language)
    problems = [f"missing: {m.id!r}" for m in extract() if m.id and m.id not in catalog]
    for message in catalog:
        if not message.id:
            continue
        if message.fuzzy:
            problems.append(f"fuzzy: {message.id!r}")
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings):
            problems.append(f"untranslated: {message.id!r}")
    return problems


# The pseudo-locale: each letter accented, each message ~40 % longer and bracketed, with its
# placeholders, markup and entities kept as they are, so a page in it reads as pseudo-text
# everywhere but where English was never wrapped.
ACCENTED = dict(zip("aAcCeEiInNoOsSuUyYzZ", "åÅçÇéÉîÎñÑöÖšŠûÛýÝžŽ", strict=True))
KEPT = re.compile(r"%\([a-z_]+\)[sd]|%[sd]|\{[a-z_]*\}|<[^>]+>|&[a-z#0-9]+;")


def pseudo(text: str) -> str:
    pieces, last = [], 0
    for match in KEPT.finditer(text):
        pieces.append("".join(ACCENTED.get(c, c) for c in text[last : match.start()]))
        pieces.append(match.group())
        last = match.end()
    pieces.append("".join(ACCENTED.get(c, c) for c in text[last:]))
    accented = "".join(pieces)
    # ~40 % longer, in words a line may break between, as a longer language's would.
    dots = max(1, (len(text) * 2) // 5)
    padding = " ".join("·" * min(6, dots - start) for start in range(0, dots, 6))
    return f"⟦{accented} {padding}⟧"


def pseudo_catalog(folder: Path) -> Path:
    """The pseudo-locale, written and compiled as the English catalog of its own folder: an app
    whose BABEL_TRANSLATION_DIRECTORIES names that folder shows it wherever English would be."""
    catalog = Catalog(locale="en")
    for message in extract():
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            string = tuple(pseudo(form) for form in message.id)
        else:
            string = pseudo(message.id)
        catalog.add(message.id, string, context=message.context)
    target = folder / "en" / "LC_MESSAGES"
    write(catalog, target / "messages.po")
    with (target / "messages.mo").open("wb") as mo:
        write_mo(mo, catalog)
    return folder
