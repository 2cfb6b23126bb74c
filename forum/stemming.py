"""Spanish stems for SQLite's search index, whose FTS5 tokenizers stem English only.

Registered on every SQLite connection as the SQL function `blossom_spanish_stems`, which the
index's triggers call (forum/models/search.py): "culpable" and "culpa" are both "culp", so either
finds the other. PostgreSQL stems with its own 'spanish' configuration instead.
"""

import re
from functools import lru_cache

import snowballstemmer

SQL_NAME = "blossom_spanish_stems"
_WORD = re.compile(r"[^\W_]+")
_spanish = snowballstemmer.stemmer("spanish")


@lru_cache(maxsize=50_000)
def spanish_stem(word: str) -> str:
    return _spanish.stemWord(word.lower())


# Endings Spanish stems keep that its near forms lack: "culpable" (culpabl) and "culpa" (culp).
_DERIVED = ("abil", "ibil", "abl", "ibl", "ment", "os")


def spanish_roots(word: str) -> list[str]:
    """Shorter roots of the word's Spanish stem, to be searched as prefixes: "culpable" gives
    "culp", which finds "culpa", "culpas" and "culpabilidad"."""
    stem = spanish_stem(word)
    roots = [stem.removesuffix(end) for end in _DERIVED if stem.endswith(end)]
    return [root for root in dict.fromkeys(roots) if len(root) >= 4 and root != stem]


def spanish_stems(text: str | None) -> str:
    """The text's words as Spanish stems, space-separated, in order."""
    return " ".join(spanish_stem(word) for word in _WORD.findall(text or ""))
