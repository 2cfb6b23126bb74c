"""Times and numbers in plain words: for templates (as filters), services and emails alike.

Written in the reader's language and time zone (forum/i18n.py: the page's, or the member's
inside `written_for`), through Babel's data for that language.
"""

from datetime import UTC, datetime, timedelta
from math import ceil

from babel import Locale, dates
from flask import current_app, has_app_context
from flask_babel import format_number, get_locale, get_timezone, gettext, ngettext

from forum.database import utcnow

# The units `time_ago` counts in, largest first: a year, a month, a week, a day, an hour, a minute.
UNITS = (
    (31_536_000, "year"),
    (2_592_000, "month"),
    (604_800, "week"),
    (86_400, "day"),
    (3_600, "hour"),
    (60, "minute"),
)


def _locale() -> Locale:
    found = get_locale() if has_app_context() else None
    if found is not None:
        return found
    return Locale.parse(current_app.config["BABEL_DEFAULT_LOCALE"] if has_app_context() else "en")


def time_ago(moment: datetime, now: datetime | None = None) -> str:
    """ "5 minutes ago", "hace 5 minutos": whole units, counted down (an hour and a half is
    "1 hour ago"); under a minute, "just now"."""
    seconds = int(((now or utcnow()) - moment).total_seconds())
    for size, unit in UNITS:
        if seconds >= size:
            count = seconds // size
            # A whole number of the unit, so Babel names it in that unit and no other.
            return dates.format_timedelta(
                timedelta(seconds=-count * size),
                granularity=unit,
                threshold=1,
                add_direction=True,
                locale=_locale(),
            )
    return gettext("just now")


def wait_in_words(seconds: int) -> str:
    """A wait ahead, rounded up to what a person would say: "in about 4 minutes"."""
    if seconds < 90:
        return gettext("in about a minute")
    if seconds < 90 * 60:
        return ngettext("in about %(num)d minute", "in about %(num)d minutes", ceil(seconds / 60))
    hours = round(seconds / 3600)
    if hours == 1:
        return gettext("in about an hour")
    return ngettext("in about %(num)d hour", "in about %(num)d hours", hours)


def exact_time(moment: datetime) -> str:
    """The date and time to the minute, in the reader's time zone, with the zone's name:
    "December 3, 2026, 4:32 PM UTC", "3 de diciembre de 2026, 16:32 UTC"."""
    locale = _locale()
    zone = get_timezone() if has_app_context() else None
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    local = aware.astimezone(zone) if zone is not None else aware
    date = dates.format_date(local, "long", locale=locale)
    time = dates.format_time(local, "short", tzinfo=local.tzinfo, locale=locale)
    named = dates.format_time(local, "z", tzinfo=local.tzinfo, locale=locale)
    pattern = str(dates.get_datetime_format("medium", locale=locale))
    both = pattern.replace("'", "").replace("{0}", time).replace("{1}", date)
    return f"{both} {named}"


def number(count: int) -> str:
    """A count as the reader writes numbers: 20,000 in English, 20.000 in Spanish."""
    return format_number(count) if has_app_context() else f"{count:,}"


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """Deprecated: English only. Use ngettext or {% trans count=... %} with {% pluralize %}."""
    word = singular if count == 1 else (plural_form or singular + "s")
    return f"{count:,} {word}"
