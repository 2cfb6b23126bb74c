"""Markdown to safe HTML, and the characters a name or title may not hide. The only module that
calls bleach."""

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


def plain_text(html: str) -> str:
    """What a reader sees of rendered HTML, as plain text: what search indexes and quotes from.

    No markup survives, and neither do control characters, which search uses to mark matches.
    """
    parser = _TextOf()
    parser.feed(html)
    parser.close()
    text = "".join(
        c for c in "".join(parser.parts) if c in "\n\t" or unicodedata.category(c) != "Cc"
    )
    lines = (" ".join(line.split()) for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def quote_markdown(name: str, source: str) -> str:
    """A quotation of a post, to start a reply with."""
    quoted = "\n".join(f"> {line}".rstrip() for line in source.strip().splitlines())
    return f"**{name}** wrote:\n{quoted}\n\n"
