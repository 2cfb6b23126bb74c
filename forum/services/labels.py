"""The labels Blossom writes in place of a person ("Anonymous parent (original poster)",
"Anonymous parent 2", "A former member"), and whether some text passes for one of them.

Text is compared as it looks, not as it is spelled: compatibility forms folded (NFKC),
default-ignorable characters (soft hyphen, zero-width spaces and joiners, ...) dropped, then
reduced to its Unicode confusables skeleton (UTS #39, from ICU's own table) and case folded, so
a Cyrillic "о", an "rn" for an "m" or a "0" for an "O" reads as the letter it imitates. Spaces,
punctuation and accents are left out of the comparison too.
"""

import re
import unicodedata
from functools import cache

import icu

ANONYMOUS = "Anonymous"
ANONYMOUS_PARENT = "Anonymous parent"
ORIGINAL_POSTER = "Anonymous parent (original poster)"
FORMER_MEMBER = "A former member"
_DEFAULT_IGNORABLE = icu.UProperty.DEFAULT_IGNORABLE_CODE_POINT


@cache
def _spoof_checker() -> icu.SpoofChecker:
    return icu.SpoofChecker()


def looks_like(text: str) -> str:
    """What the text looks like, as a key: equal keys for text a reader can't tell apart."""
    text = unicodedata.normalize("NFKC", text)
    text = "".join(c for c in text if not icu.Char.hasBinaryProperty(c, _DEFAULT_IGNORABLE))
    checker = _spoof_checker()
    # The skeleton keeps case (Cyrillic "М" becomes "M", "0" becomes "O"): fold it and take the
    # skeleton again, so every case of a look-alike meets the same lower-case letters ("rn").
    key = checker.getSkeleton(0, checker.getSkeleton(0, text).casefold())
    # A capital "I" looks like "l" but means "i": ignoring case, the three are one letter.
    return "".join(c for c in key if unicodedata.category(c)[0] in "LN").replace("i", "l")


@cache
def _keys() -> tuple[str, frozenset[str], re.Pattern[str]]:
    anonymous = looks_like(ANONYMOUS)
    whole = frozenset(looks_like(label) for label in (ORIGINAL_POSTER, FORMER_MEMBER))
    digits = "".join(sorted({looks_like(d) for d in "0123456789"}))
    numbered = re.compile(rf"{re.escape(looks_like(ANONYMOUS_PARENT))}[{re.escape(digits)}]*")
    return anonymous, whole, numbered


def is_label(text: str) -> bool:
    """Whether the text, however spelled, is one of the labels: "Anonymous parent",
    "Anonymous parent 2", "Anonymous parent (original poster)", "A former member"."""
    _, whole, numbered = _keys()
    key = looks_like(text)
    return key in whole or numbered.fullmatch(key) is not None


def passes_for_anonymous(text: str) -> bool:
    """Whether the text, however spelled, starts like the labels of anonymous posts."""
    anonymous, _, _ = _keys()
    return looks_like(text).startswith(anonymous)
