"""Quoting a post in a reply: which of its words, in what shape. How long a quotation may be is
written once, in text.quote_markdown; the reply page, the quote box under a post and the
services all take their quotation from here."""

from forum.models import Post
from forum.services.text import own_words, passage, quote_markdown

ANONYMOUS_NAME = "Anonymous parent"


def quotation(post: Post, selection: str | None = None) -> str:
    """The start of a reply quoting this post: the words selected in it if it says them, else
    its first lines; never what it quoted itself. Nothing for a post that isn't shown."""
    if not post.is_visible:
        return ""
    words = own_words(post.body_html) or post.body_text
    chosen = passage(words, selection) if selection else None
    name = ANONYMOUS_NAME if post.anonymous else post.author.display_name
    return quote_markdown(name, chosen or words)
