"""What every template gets: the header's numbers, filters for times and numbers, and the words
the page's scripts show, in the page's language."""

from flask import Flask
from flask_babel import gettext
from flask_babel.speaklater import LazyString
from flask_login import current_user
from markupsafe import escape

from forum.formatting import exact_time, number, plural, time_ago
from forum.services.header import header_counts
from forum.services.shapes import label_in_words, placeholder_for, post_byline, thread_byline


class LazyText(LazyString):
    """Words set once in a template that others import (a macro file's `{% set %}` is kept from
    its first use, in that page's language): translated each time they are shown, and escaped."""

    def __html__(self) -> str:
        return str(escape(str(self)))


def lazy_text(message: str, **variables) -> LazyText:
    return LazyText(gettext, message, **variables)


def script_texts() -> dict[str, str]:
    """What static/js/*.js may show, read from base.html's `blossom-texts` meta tag (the CSP
    allows no inline script). Each script keeps its English as a fallback."""
    return {
        "pushUnsupported": gettext(
            "This browser can't show notifications. On an iPhone, add Blossom to your home "
            "screen first (Share, then Add to Home Screen)."
        ),
        "pushAsking": gettext("Asking your browser…"),
        "pushDenied": gettext(
            "Notifications are turned off for this site in your browser's settings. Turn them "
            "on there, then try again."
        ),
        "pushFailed": gettext("That didn't work. Please try again."),
        "pushBroken": gettext(
            "Your browser couldn't turn notifications on just now. Please try again."
        ),
    }


def register_templating(app: Flask) -> None:
    @app.context_processor
    def header() -> dict[str, int]:
        return header_counts(current_user, app.config["WAITING_DAYS"])

    app.add_template_filter(time_ago)
    app.add_template_filter(exact_time)
    app.add_template_filter(number)
    app.add_template_filter(plural)  # English only: on its way out, use ngettext instead
    app.add_template_global(script_texts)
    app.add_template_global(lazy_text, "lazy_gettext")
    # What a post or thread shows of its author, and in place of a post the reader may not see:
    # computed once (forum/services/shapes.py), read by the pages and the API alike.
    app.add_template_global(post_byline)
    app.add_template_global(thread_byline)
    app.add_template_global(placeholder_for)
    app.add_template_global(label_in_words)  # a stored label, in the reader's language
