"""Reading what a member typed into a search: words and "quoted phrases", never query syntax."""

import re
import unicodedata
from dataclasses import dataclass

QUERY_MAX = 200  # characters searched for; the rest of a longer query is left out
TERMS_MAX = 10  # words and phrases
WORD_MAX = 60  # characters in one word

# Letters and digits: what both databases' parsers keep as words. Everything else separates them.
WORD = re.compile(r"[^\W_]+")
# Words too common to search by on their own (PostgreSQL's 'english' list drops the same ones),
# and the commonest of its 'spanish' list.
STOP_WORDS = frozenset(
    """de la que el en y los del se las por un para con una su al lo como pero sus le ya o
    este porque esta entre cuando muy sin sobre también hasta hay donde quien desde nos
    durante uno les ni contra ese eso ante ellos e esto antes unos otro otras otra él esa
    estos estas mí mis tú te ti tu tus
    a about above after again against all am an and any are as at be because been before
    being below between both but by can could did do does doing don down during each few for
    from further had has have having he her here hers herself him himself his how i if in into
    is it its itself just me more most my myself no nor not now of off on once only or other
    our ours ourselves out over own same she should so some such t than that the their theirs
    them themselves then there these they this those through to too under until up very was we
    were what when where which while who whom why will with would you your yours yourself
    yourselves s ll re ve d m""".split()
)


@dataclass(frozen=True)
class Query:
    """What was asked for: words (each a tuple of one) and phrases (several), all to be found."""

    terms: tuple[tuple[str, ...], ...]
    cut: bool = False  # the text was too long, and only its start was searched for
    dropped: bool = False  # some words were too common to search by

    @property
    def is_empty(self) -> bool:
        return not self.terms

    @property
    def words(self) -> list[str]:
        return [" ".join(term) for term in self.terms]


def clean(raw: str | None) -> str:
    """The query as it may be shown back: no control characters, single spaces, not too long."""
    text_ = "".join(c if unicodedata.category(c)[0] != "C" else " " for c in raw or "")
    return " ".join(text_.split())


def parse(raw: str | None) -> Query:
    """Words and "quoted phrases"; an unmatched quote is ignored; operators are just words."""
    text_ = clean(raw)
    cut = len(text_) > QUERY_MAX
    if cut:  # at a space where there is one, so no word is searched for by half
        kept = text_[:QUERY_MAX]
        text_ = kept.rsplit(" ", 1)[0] if text_[QUERY_MAX] != " " and " " in kept else kept
    pieces = text_.split('"')
    if len(pieces) % 2 == 0:  # an odd number of quotes: the last one opens nothing
        pieces[-2:] = [pieces[-2] + " " + pieces[-1]]
    terms: list[tuple[str, ...]] = []
    dropped = False
    for index, piece in enumerate(pieces):
        # Inside quotes a piece is one phrase; outside, each run without spaces is a word,
        # or a phrase when it holds several ("don't", "e-mail", "back-to-work").
        chunks = [piece] if index % 2 else piece.split()
        for chunk in chunks:
            words = tuple(w.lower()[:WORD_MAX] for w in WORD.findall(chunk))
            if not words:
                continue
            if len(words) == 1 and words[0] in STOP_WORDS:
                dropped = True
                continue
            if words not in terms:
                terms.append(words)
    return Query(tuple(terms[:TERMS_MAX]), cut=cut, dropped=dropped)


def variants(word: str) -> list[str]:
    """The word and its near forms, so "guilty" finds "guilt" and "guilt" finds "guilty".

    The stemmers on both databases keep these apart (guilti / guilt).
    """
    forms = [word]
    if word.isalpha():
        for suffix in ("y", "ly", "ness", "ful"):
            if word.endswith(suffix) and len(word) - len(suffix) >= 4:
                forms.append(word.removesuffix(suffix))
        if len(word) >= 5 and not word.endswith("y"):
            forms.append(word + "y")
    return list(dict.fromkeys(forms))
