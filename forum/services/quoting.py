"""Quoting a post in a reply: which of its words, in what shape. How long a quotation may be is
written once, in text.quote_markdown; the reply page, the quote box under a post and the
services all take their quotation from here."""

from flask import current_app
from flask_babel import force_locale, gettext

from forum.models import Post
from forum.services import labels
from forum.services.text import own_words, passage, quote_markdown


def quotation(post: Post, selection: str | None = None) -> str:
    """The start of a reply quoting this post: the words selected in it if it says them, else
    its first lines; never what it quoted itself. Nothing for a post that isn't shown."""
    if not post.is_visible:
        return ""
    words = own_words(post.body_html) or post.body_text
    chosen = passage(words, selection) if selection else None
    # In the site's language, not the quoter's: kept in her reply, which may be anonymous, it
    # must not tell which language its writer reads Blossom in.
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        # Unnumbered, as before: the quotation is hers to keep or change.
        name = labels.anonymous_parent() if post.anonymous else post.author.display_name
        # Translators: Markdown before a quotation, the name in bold; the line must end as one
        # of QUOTE_INTRO_ENDINGS in forum/services/text.py ("escribió:").
        intro = gettext("**%(name)s** wrote:")
    return quote_markdown(name, chosen or words, intro)
