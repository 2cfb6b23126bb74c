"""Words translated when they are read, for what is made as a module loads: form labels, choices,
validator messages, the names of choices kept in dicts.

They work as flask_babel's lazy strings do, with one difference: a page escapes them like any
other text. flask_babel's own mark themselves as safe HTML ("you're" reaches the page as it is,
and so would any "<" a translation brought), which no words of ours need to be.
"""

from flask_babel import LazyString, gettext, ngettext
from markupsafe import Markup, escape


class LazyWords(LazyString):
    def __html__(self) -> Markup:
        return escape(str(self))


def lazy_gettext(string: str, **variables) -> LazyWords:
    return LazyWords(gettext, string, **variables)


def lazy_ngettext(singular: str, plural: str, num: int, **variables) -> LazyWords:
    return LazyWords(ngettext, singular, plural, num, **variables)
