"""Markdown to safe HTML, and the characters a name or title may not hide. The only module that
calls the sanitiser (nh3)."""

import unicodedata
from html.parser import HTMLParser

import nh3
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

# CommonMark with raw HTML off; a single newline is a line break, as people expect when they type;
# bare web addresses become links (linkify-it, never inside code); email addresses stay text.
_markdown = (
    MarkdownIt("commonmark", {"html": False, "breaks": True, "linkify": True})
    .enable("linkify")
    .disable(["heading", "lheading", "image", "html_block", "html_inline"])
)
_markdown.linkify.set({"fuzzy_email": False})


def render_markdown(source: str) -> str:
    """Render a member's markdown once, on write; the result is what pages show.

    The Markdown makes no raw HTML, and the allow-list makes sure of it. The sanitiser is nh3
    (the Rust ammonia crate): bleach parsed and wrote back every tag in pure Python, which made
    a 20,000-character body of many small tags cost over a second (bench/render.py).
    """
    return nh3.clean(
        _markdown.render(source),
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(names) - {"rel"} for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(ALLOWED_PROTOCOLS),
        link_rel=LINK_REL,
        strip_comments=True,
    ).strip()


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
