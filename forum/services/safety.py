"""Crisis first, kindness always: wording checks and the support resources, from configuration.

The resources and phrases live in a TOML file (forum/data/safety.toml by default), so a
deployment in any country sets its own without touching code.
"""

import re
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from flask import current_app
from sqlalchemy import ColumnElement, and_, exists, false, select

from forum.database import db
from forum.models import Post, Report, ReportReason, ReportStatus, User

SYSTEM_REPORT_DETAILS = "Blossom noticed wording that may mean someone is at risk."
# An international directory of free, confidential helplines, by country.
DIRECTORY = "https://findahelpline.com"


@dataclass(frozen=True)
class SupportLine:
    name: str
    detail: str
    contact: str
    href: str
    sms: str | None = None  # an sms: link, for lines that take texts
    sms_contact: str | None = None  # its button: "Text 988"


@dataclass(frozen=True)
class Safety:
    region: str
    intro: str
    # Where someone in another country finds her own helplines ("Not in the United States?")
    elsewhere: str
    elsewhere_href: str
    lines: tuple[SupportLine, ...]
    crisis: re.Pattern
    kindness: re.Pattern
    kind_exceptions: re.Pattern  # wording that contains a kindness phrase but is no judgement
    kind_phrases: dict[str, str]  # each kindness phrase, normalised, to the phrase as written


def _normal(text: str) -> str:
    """What the phrases are matched on: compatibility forms folded (fullwidth, ligatures), any
    case, apostrophes dropped (phones type "don’t", tired thumbs "dont"), one space between words."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = re.sub(r"['\u2018\u2019\u02bc`´]", "", text)
    return " ".join(text.split())


def _pattern(phrases: list[str], patterns: list[str] = ()) -> re.Pattern:
    """Whole words or phrases, normalised as the text is; `patterns` are regular expressions
    over the same normalised text, for wording that varies ("scared I might hurt her")."""
    alternatives = [re.escape(_normal(p)) for p in phrases] + list(patterns)
    return re.compile(rf"(?<!\w)(?:{'|'.join(alternatives) or '(?!)'})(?!\w)")


@cache
def load(path: str | None) -> Safety:
    default = tomllib.loads(resources.files("forum").joinpath("data/safety.toml").read_text())
    data = tomllib.loads(Path(path).read_text()) if path else default
    # A file with resources only keeps the default wording checks.
    data = {"crisis": default["crisis"], "kindness": default["kindness"], **data}
    kindness = data["kindness"]
    return Safety(
        region=data["resources"]["region"],
        intro=data["resources"]["intro"],
        elsewhere=data["resources"].get("elsewhere", "Somewhere else?"),
        elsewhere_href=data["resources"].get("elsewhere_href", DIRECTORY),
        lines=tuple(SupportLine(**line) for line in data["resources"]["lines"]),
        crisis=_pattern(data["crisis"]["phrases"], data["crisis"].get("patterns", [])),
        kindness=_pattern(kindness["phrases"]),
        kind_exceptions=_pattern(kindness.get("exceptions", [])),
        kind_phrases={_normal(phrase): phrase for phrase in kindness["phrases"]},
    )


def settings() -> Safety:
    return load(current_app.config["SAFETY_CONFIG"])


def mentions_crisis(text: str) -> bool:
    return settings().crisis.search(_normal(text)) is not None


# Words before a kindness phrase that turn it round: "you're not a bad mother", "I felt like a
# bad mum" (what a parent says of herself is hers to say).
NEGATIONS = {"not", "never", "no", "nobody", "noone", "isnt", "arent", "wasnt", "werent"}
FIRST_PERSON = {"i", "im", "ive", "id", "ill", "me", "my", "myself"}
LOOK_BACK = 5  # words


def unkind_words(text: str) -> list[str]:
    """The judgemental phrases in a reply, as written, for the kindness pause to show: none in
    quoted lines (the words being answered), none turned round by a negation, none said of
    oneself, none in wording that only looks alike ("you should have seen her face")."""
    safety = settings()
    own = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith(">"))
    normal = _normal(own)
    excepted = [m.span() for m in safety.kind_exceptions.finditer(normal)]
    found: list[str] = []
    for match in safety.kindness.finditer(normal):
        if any(start <= match.start() < end for start, end in excepted):
            continue
        clause = re.split(r"[.!?;,\n]", normal[: match.start()])[-1].split()[-LOOK_BACK:]
        if NEGATIONS & set(clause) or (FIRST_PERSON & set(clause) and "you" not in clause):
            continue
        phrase = safety.kind_phrases.get(match.group(), match.group())
        if phrase not in found:
            found.append(phrase)
    return found


def sounds_unkind(text: str) -> bool:
    return bool(unkind_words(text))


def flagged_for(viewer: User) -> ColumnElement[bool]:
    """Whether a post is the viewer's own and Blossom read its words as a crisis: its author
    can open the support panel from it again. Nobody else is ever shown this."""
    if not viewer.is_authenticated:
        return false()
    system_report = exists().where(
        Report.post_id == Post.id,
        Report.reporter_id.is_(None),
        Report.reason == ReportReason.AT_RISK,
    )
    return and_(Post.author_id == viewer.id, system_report)


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
