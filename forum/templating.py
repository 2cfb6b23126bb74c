"""What every template gets: the header's numbers, and filters for times and numbers."""

from flask import Flask
from flask_login import current_user

from forum.formatting import exact_time, plural, time_ago
from forum.services.header import header_counts


def register_templating(app: Flask) -> None:
    @app.context_processor
    def header() -> dict[str, int]:
        return header_counts(current_user, app.config["WAITING_DAYS"])

    app.add_template_filter(time_ago)
    app.add_template_filter(exact_time)
    app.add_template_filter(plural)
