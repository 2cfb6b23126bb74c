"""Figures for the care dashboard: medians and percentiles both databases agree on (worked out
here, over a query's rows), durations as people say them, and cells that hide small numbers."""

import math
import statistics
from dataclasses import dataclass, field

from flask_babel import format_number, gettext, ngettext

SMALL = 5  # below this, a figure reads "fewer than 5"


def fewer() -> str:
    return gettext("fewer than 5")


def median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def percentile(values: list[float], p: int) -> float | None:
    """The nearest-rank percentile: the smallest value with at least p% of them at or below it."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(math.ceil(p / 100 * len(ordered)), 1) - 1]


def minutes(value: float | None) -> str:
    """A duration in minutes as people say it: "12 min", "3 h 5 min", "2 days 4 h"."""
    if value is None:
        return "–"
    whole = round(value)
    if whole < 60:
        return gettext("%(minutes)d min", minutes=whole)
    hours, rest = divmod(whole, 60)
    if hours < 48:
        if rest:
            return gettext("%(hours)d h %(minutes)d min", hours=hours, minutes=rest)
        return gettext("%(hours)d h", hours=hours)
    days, hours = divmod(hours, 24)
    if hours:
        return ngettext("%(num)d day %(hours)d h", "%(num)d days %(hours)d h", days, hours=hours)
    return ngettext("%(num)d day", "%(num)d days", days)


@dataclass(frozen=True)
class Cell:
    """A number in a table and a chart: its value, and what the page shows for it."""

    value: float | None  # None: suppressed or nothing to show; the chart draws no bar
    text: str

    @staticmethod
    def count(n: int) -> "Cell":
        return Cell(None, fewer()) if n < SMALL else Cell(n, format_number(n))

    @staticmethod
    def duration(values: list[float], p: int | None = None) -> "Cell":
        if len(values) < SMALL:
            return Cell(None, fewer())
        found = median(values) if p is None else percentile(values, p)
        return Cell(found, minutes(found))

    @staticmethod
    def share(part: int, whole: int) -> "Cell":
        """A percentage, hidden when it rests on fewer than 5 people either way."""
        if whole < SMALL:
            return Cell(None, fewer())
        if part < SMALL:
            return Cell(None, gettext("fewer than 5 of %(whole)s", whole=format_number(whole)))
        value = round(100 * part / whole)
        return Cell(
            value, gettext("%(percent)d%% of %(whole)s", percent=value, whole=format_number(whole))
        )


@dataclass
class Table:
    """One figure: a chart of its first two number columns beside a table of them all."""

    slug: str
    title: str
    description: str
    columns: list[str]  # the first names the rows
    rows: list[tuple[str, list[Cell]]] = field(default_factory=list)
    unit: str = ""  # what the chart's bars measure, for its description
    links: list[tuple[str, int]] = field(default_factory=list)  # (title, thread id)
    series: int = 2  # how many of the number columns the chart draws: this period, the one before

    @property
    def scale(self) -> float:
        """The longest bar's value, so every bar is drawn against it."""
        drawn = [c.value for _, cells in self.rows for c in cells[: self.series] if c.value]
        return max(drawn, default=1)

    def csv_rows(self) -> list[list[str]]:
        return [self.columns] + [[label] + [c.text for c in cells] for label, cells in self.rows]


def wait_in_words(whole_minutes: int) -> str:
    """ "12 minutes", "about 2 hours", "about a day": how long an answer usually takes."""
    if whole_minutes < 60:
        return ngettext("%(num)d minute", "%(num)d minutes", whole_minutes)
    hours = round(whole_minutes / 60)
    if hours < 24:
        return ngettext("about an hour", "about %(num)d hours", hours)
    days = round(hours / 24)
    return ngettext("about a day", "about %(num)d days", days)
