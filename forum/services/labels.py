"""The labels Blossom writes in place of a person ("Anonymous parent (original poster)",
"Anonymous parent 2", "A former member"), and whether some text passes for one of them.

The constants are the labels as stored and compared (in English, the same for every reader);
`anonymous_parent`, `former_member` and `shown` give them in the reader's language, with the
same number in every language. Text passes for a label in any language Blossom is read in.

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
from flask import has_app_context
from flask_babel import force_locale, gettext

from forum.i18n import LANGUAGES
from forum.models.messaging import MODERATORS, REPLIER_ALIAS

ANONYMOUS = "Anonymous"
ANONYMOUS_PARENT = "Anonymous parent"
ORIGINAL_POSTER = "Anonymous parent (original poster)"
FORMER_MEMBER = "A former member"
_DEFAULT_IGNORABLE = icu.UProperty.DEFAULT_IGNORABLE_CODE_POINT
_NUMBERED = re.compile(rf"{re.escape(ANONYMOUS_PARENT)} (\d+)")


def anonymous_parent(number: int | None = None) -> str:
    """An anonymous author's label in the reader's language: 1 is the thread's anonymous
    starter, 2, 3, ... the others in the order they first posted; None, unnumbered (a list)."""
    if number is None:
        return gettext("Anonymous parent")
    if number == 1:
        return gettext("Anonymous parent (original poster)")
    # Translators: an anonymous author in a thread; the number is the same in every language.
    return gettext("Anonymous parent %(number)d", number=number)


def former_member() -> str:
    """A member whose account is gone, in the reader's language."""
    return gettext("A former member")


def shown(label: str) -> str:
    """A label as stored (in English: a conversation's alias, a byline) in the reader's
    language; anything else (a member's own name) as it is."""
    if label == ORIGINAL_POSTER:
        return anonymous_parent(1)
    if label == ANONYMOUS_PARENT:
        return anonymous_parent()
    if label == FORMER_MEMBER:
        return former_member()
    if numbered := _NUMBERED.fullmatch(label):
        return anonymous_parent(int(numbered.group(1)))
    return label


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


_SENTINEL = 987654  # stands for the number, to find where a language puts it


def _in_every_language() -> tuple[tuple[str, str, str, str, str], ...]:
    """(unnumbered, numbered: before and after its number, original poster, former member) in
    each language (English alone outside an app: the other catalogs are the app's)."""
    found = [(ANONYMOUS_PARENT, f"{ANONYMOUS_PARENT} ", "", ORIGINAL_POSTER, FORMER_MEMBER)]
    if has_app_context():
        for language in LANGUAGES:
            with force_locale(language):
                before, _, after = anonymous_parent(_SENTINEL).partition(str(_SENTINEL))
                found.append(
                    (anonymous_parent(), before, after, anonymous_parent(1), former_member())
                )
    return tuple(found)


@cache
def _keys(
    labels: tuple[tuple[str, str, str, str, str], ...],
) -> tuple[tuple[str, ...], frozenset[str], re.Pattern[str]]:
    # English keeps its wider rule (any name starting "Anonymous"); the others, their label.
    starts = {looks_like(ANONYMOUS), *(looks_like(unnumbered) for unnumbered, *_ in labels)}
    whole = frozenset(
        looks_like(label) for *_, starter, former in labels for label in (starter, former)
    )
    digits = re.escape("".join(sorted({looks_like(d) for d in "0123456789"})))
    numbered = re.compile(
        "|".join(
            sorted(
                {
                    rf"{re.escape(looks_like(before))}[{digits}]*{re.escape(looks_like(after))}"
                    for _, before, after, *_ in labels
                }
            )
        )
    )
    return tuple(sorted(s for s in starts if s)), whole, numbered


def _current_keys() -> tuple[tuple[str, ...], frozenset[str], re.Pattern[str]]:
    return _keys(_in_every_language())


def replier_alias() -> str:
    """Who privately answers an anonymous post, as her conversation shows her."""
    return gettext("A parent from the thread")


def moderators() -> str:
    """Who writes when the moderators check in on someone."""
    return gettext("the Blossom moderators")


def _aliases_in_every_language() -> tuple[str, ...]:
    found = [REPLIER_ALIAS, MODERATORS]
    if has_app_context():
        for language in LANGUAGES:
            with force_locale(language):
                found += [replier_alias(), moderators()]
    return tuple(found)


@cache
def _alias_keys(aliases: tuple[str, ...]) -> frozenset[str]:
    return frozenset(looks_like(alias) for alias in aliases)


def is_label(text: str) -> bool:
    """Whether the text, however spelled, is one of the labels in any of Blossom's languages:
    "Anonymous parent", "Anonymous parent 2", "Anonymous parent (original poster)", "A former
    member", or a conversation's "A parent from the thread" or "the Blossom moderators"."""
    _, whole, numbered = _current_keys()
    key = looks_like(text)
    if key in whole or key in _alias_keys(_aliases_in_every_language()):
        return True
    return numbered.fullmatch(key) is not None


def passes_for_anonymous(text: str) -> bool:
    """Whether the text, however spelled, starts like the labels of anonymous posts (in any of
    Blossom's languages)."""
    anonymous, _, _ = _current_keys()
    key = looks_like(text)
    return any(key.startswith(start) for start in anonymous)
