"""Times and numbers in plain words: for templates (as filters), services and emails alike."""

from datetime import datetime
from math import ceil

from forum.database import utcnow


def time_ago(moment: datetime, now: datetime | None = None) -> str:
    seconds = int(((now or utcnow()) - moment).total_seconds())
    if seconds < 60:
        return "just now"
    for size, unit in ((31_536_000, "year"), (2_592_000, "month"), (604_800, "week"),
                       (86_400, "day"), (3_600, "hour"), (60, "minute")):  # fmt: skip
        if seconds >= size:
            count = seconds // size
            return f"{count} {unit}{'' if count == 1 else 's'} ago"
    return "just now"


def wait_in_words(seconds: int) -> str:
    """A wait ahead, rounded up to what a person would say: "in about 4 minutes"."""
    if seconds < 90:
        return "in about a minute"
    if seconds < 90 * 60:
        return f"in about {ceil(seconds / 60)} minutes"
    hours = round(seconds / 3600)
    return "in about an hour" if hours == 1 else f"in about {hours} hours"


def exact_time(moment: datetime) -> str:
    return moment.strftime("%-d %B %Y at %H:%M UTC")


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    word = singular if count == 1 else (plural_form or singular + "s")
    return f"{count:,} {word}"
