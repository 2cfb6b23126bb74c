"""Markdown to safe HTML, and the characters a name or title may not hide. The only module that
calls bleach."""

import re
import unicodedata
from functools import partial
from html.parser import HTMLParser

import bleach
from bleach.linkifier import LinkifyFilter
from markdown_it import MarkdownIt

# Characters that reorder the text around them: bidi embeddings, overrides, isolates and marks.
# In a title or a name they could make a page read as something else.
BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
# Characters that show nothing, beyond the format characters (zero-width spaces and joiners, the
# byte-order mark, ...): with one, "alice\u200b" would look just like "alice".
_BLANK = frozenset("\u115f\u1160\u17b4\u17b5\u3164\uffa0")


def has_bidi_controls(text: str) -> bool:
    return any(c in BIDI_CONTROLS for c in text)


def has_invisible(text: str) -> bool:
    """Whether text holds a character nobody can see (format, control or blank-filler)."""
    return any(unicodedata.category(c) in ("Cf", "Cc") or c in _BLANK for c in text)


ALLOWED_TAGS = frozenset(
    {"p", "br", "strong", "em", "a", "ul", "ol", "li", "blockquote", "code", "pre", "hr"}
)
ALLOWED_ATTRIBUTES = {"a": ["href", "title", "rel"], "ol": ["start"]}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow ugc noopener"

# CommonMark with raw HTML off; a single newline is a line break, as people expect when they type.
_markdown = MarkdownIt("commonmark", {"html": False, "breaks": True}).disable(
    ["heading", "lheading", "image", "html_block", "html_inline"]
)


def _set_rel(attrs: dict, new: bool = False) -> dict:
    attrs[(None, "rel")] = LINK_REL
    return attrs


_cleaner = bleach.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    protocols=ALLOWED_PROTOCOLS,
    strip=True,
    filters=[partial(LinkifyFilter, callbacks=[_set_rel], skip_tags={"pre", "code"})],
)


def render_markdown(source: str) -> str:
    """Render a member's markdown once, on write; the result is what pages show."""
    return _cleaner.clean(_markdown.render(source)).strip()


# Tags after which a reader sees a break, so words either side never run together.
_BREAKS = frozenset({"p", "br", "li", "blockquote", "pre", "hr", "ul", "ol"})


class _TextOf(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in _BREAKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _BREAKS:
            self.parts.append("\n")


def _readable(parts: list[str]) -> str:
    """Text pieces as a reader sees them: no control characters (search uses them to mark
    matches), each line's white space collapsed, no empty lines."""
    text = "".join(c for c in "".join(parts) if c in "\n\t" or unicodedata.category(c) != "Cc")
    lines = (" ".join(line.split()) for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def plain_text(html: str) -> str:
    """What a reader sees of rendered HTML, as plain text: what search indexes.

    No markup survives, and neither do control characters, which search uses to mark matches.
    """
    parser = _TextOf()
    parser.feed(html)
    parser.close()
    return _readable(parser.parts)


# How the line introducing a quotation ends ("Maya wrote:"), in each language a quotation is
# started in (forum/services/quoting.py).
QUOTE_INTRO_ENDINGS = ("wrote:", "escribió:")


class _OwnWords(_TextOf):
    """The text outside quotations: every blockquote, and the "Maya wrote:" line before one."""

    def __init__(self) -> None:
        super().__init__()
        self.quoting = 0  # blockquotes open

    def handle_data(self, data: str) -> None:
        if not self.quoting:
            super().handle_data(data)

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag == "blockquote":
            if not self.quoting:
                head, _, last = "".join(self.parts).rstrip().rpartition("\n")
                if last.rstrip().endswith(QUOTE_INTRO_ENDINGS):  # it introduces the quotation
                    self.parts = [head]
            self.quoting += 1
        super().handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag == "blockquote":
            self.quoting = max(self.quoting - 1, 0)
        super().handle_endtag(tag)


def own_words(html: str) -> str:
    """What the author wrote in a post, as plain text, leaving out what they quoted: what
    "What helped" shows of a reply, and what a quotation of the post is taken from."""
    parser = _OwnWords()
    parser.feed(html)
    parser.close()
    return _readable(parser.parts)


# How much of a post a quotation carries: a few lines, enough to say what is being answered,
# so the reply's own words are what a reader meets.
QUOTE_LINES = 3
QUOTE_CHARS = 240
# Characters Markdown would read as formatting, anywhere and at a line's start; a quotation of
# plain text escapes them, so it reads as the post did.
_MARKDOWN_SIGNS = re.compile(r"([\\`*_\[\]<]|&(?=#?\w+;))")
_LINE_START_SIGNS = re.compile(r"^(\d*)([-+#=>.)])")


def passage(text: str, selection: str) -> str | None:
    """The selected words as they stand in the text (lines kept, white space as a reader sees
    it), or None if the text does not say them: a quotation only ever holds the post's words."""
    chosen = _readable([selection[: QUOTE_CHARS * 20]])
    return chosen if chosen and chosen in text else None


def quote_markdown(name: str, text: str, intro: str = "**%(name)s** wrote:") -> str:
    """The Markdown a reply starts with to quote plain text: its first lines, at most
    QUOTE_LINES and about QUOTE_CHARS characters, cut at a word, escaped so they read as
    written. `intro` introduces them, in the writer's language (ending as QUOTE_INTRO_ENDINGS)."""
    lines = [line.rstrip() for line in text.strip().splitlines()]
    kept: list[str] = []
    room, left = QUOTE_CHARS, QUOTE_LINES
    for line in lines:
        if not left:
            kept[-1] += " …"
            break
        if len(line) > room:
            cut = line[:room].rsplit(" ", 1)[0] if " " in line[:room] else line[:room]
            if cut.strip(" ,;:"):
                kept.append(cut.rstrip(" ,;:") + "…")
            else:
                kept[-1] += " …"
            break
        kept.append(line)
        room -= len(line)
        left -= bool(line)
    quoted = "\n".join(f"> {_escaped(line)}".rstrip() for line in kept)
    return f"{intro % {'name': _escaped(name)}}\n{quoted}\n\n"


def _escaped(line: str) -> str:
    return _LINE_START_SIGNS.sub(r"\1\\\2", _MARKDOWN_SIGNS.sub(r"\\\1", line))
