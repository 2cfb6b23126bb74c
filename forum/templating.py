"""What every template gets: the header's numbers, and filters for times and numbers."""

from flask import Flask
from flask_login import current_user

from forum.formatting import exact_time, plural, time_ago
from forum.services.header import header_counts
from forum.services.shapes import placeholder_for, post_byline, thread_byline


def register_templating(app: Flask) -> None:
    @app.context_processor
    def header() -> dict[str, int]:
        return header_counts(current_user, app.config["WAITING_DAYS"])

    app.add_template_filter(time_ago)
    app.add_template_filter(exact_time)
    app.add_template_filter(plural)
    # What a post or thread shows of its author, and in place of a post the reader may not see:
    # computed once (forum/services/shapes.py), read by the pages and the API alike.
    app.add_template_global(post_byline)
    app.add_template_global(thread_byline)
    app.add_template_global(placeholder_for)
