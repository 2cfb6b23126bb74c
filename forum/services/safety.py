"""Crisis first, kindness always: wording checks and the support resources, from configuration.

The resources and phrases live in a TOML file (forum/data/safety.toml by default), so a
deployment in any country sets its own without touching code.
"""

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from forum.database import db
from forum.models import Post, Report, ReportReason, ReportStatus

SYSTEM_REPORT_DETAILS = "Blossom noticed wording that may mean someone is at risk."


@dataclass(frozen=True)
class SupportLine:
    name: str
    detail: str
    contact: str
    href: str


@dataclass(frozen=True)
class Safety:
    region: str
    intro: str
    lines: tuple[SupportLine, ...]
    crisis: re.Pattern
    kindness: re.Pattern


def _pattern(phrases: list[str]) -> re.Pattern:
    """Whole words or phrases, any case, any run of spaces between words."""
    alternatives = "|".join(r"\s+".join(map(re.escape, p.split())) for p in phrases)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


@cache
def load(path: str | None) -> Safety:
    if path:
        text = Path(path).read_text()
    else:
        text = resources.files("forum").joinpath("data/safety.toml").read_text()
    data = tomllib.loads(text)
    return Safety(
        region=data["resources"]["region"],
        intro=data["resources"]["intro"],
        lines=tuple(SupportLine(**line) for line in data["resources"]["lines"]),
        crisis=_pattern(data["crisis"]["phrases"]),
        kindness=_pattern(data["kindness"]["phrases"]),
    )


def settings() -> Safety:
    return load(current_app.config["SAFETY_CONFIG"])


def _plain(text: str) -> str:
    """Phones type curly apostrophes: "can’t" should match "can't"."""
    return text.replace("\u2019", "'").replace("\u2018", "'")


def mentions_crisis(text: str) -> bool:
    return settings().crisis.search(_plain(text)) is not None


def sounds_unkind(text: str) -> bool:
    return settings().kindness.search(_plain(text)) is not None


def check_post(post: Post, text: str) -> bool:
    """After a post is written or edited: if it reads like someone may be at risk, put it at
    the top of the moderators' queue. The post itself is never hidden or held back.

    The answer is kept on the post (`reads_as_crisis`) for the page that answers its author."""
    post.reads_as_crisis = mentions_crisis(text)
    if not post.reads_as_crisis:
        return False
    already = db.session.scalar(
        select(Report.id).where(
            Report.post_id == post.id,
            Report.reporter_id.is_(None),
            Report.status == ReportStatus.OPEN,
        )
    )
    if not already:
        db.session.add(
            Report(
                post_id=post.id,
                reporter_id=None,
                reason=ReportReason.AT_RISK,
                details=SYSTEM_REPORT_DETAILS,
            )
        )
        db.session.flush()
    return True
