"""Markdown to safe HTML. The only module that calls bleach."""

from functools import partial

import bleach
from bleach.linkifier import LinkifyFilter
from markdown_it import MarkdownIt

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


def quote_markdown(name: str, source: str) -> str:
    """A quotation of a post, to start a reply with."""
    quoted = "\n".join(f"> {line}".rstrip() for line in source.strip().splitlines())
    return f"**{name}** wrote:\n{quoted}\n\n"
