"""Crisis first, kindness always: wording checks and the support resources, from configuration.

The resources are by country, each text in the languages it has; the phrases are by language,
and every language's are checked on every text, whatever the page's language (a Spanish post in
an English page still reads as a crisis). They live in a TOML file (forum/data/safety.toml by
default), so a deployment sets its own without touching code (SAFETY_CONFIG).
"""

import re
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from flask import current_app, has_app_context
from flask_babel import get_locale, gettext
from sqlalchemy import ColumnElement, and_, exists, false, select

from forum.database import db
from forum.models import Post, Report, ReportReason, ReportStatus, User

# Stored on the report and read by moderators as it was written: not translated.
SYSTEM_REPORT_DETAILS = "Blossom noticed wording that may mean someone is at risk."
# An international directory of free, confidential helplines, by country.
DIRECTORY = "https://findahelpline.com"
ANYWHERE = "*"  # a single-country file: its resources are shown to everyone
ENGLISH = "en"  # the language every text has, shown where hers is missing

Text = dict[str, str]  # language -> words
TEXT_FIELDS = ("name", "detail", "contact", "sms_contact")  # a resource's words a person reads


@dataclass(frozen=True)
class SupportLine:
    """One resource, as a reader sees it: in her language."""

    name: str
    detail: str
    contact: str
    href: str
    sms: str | None = None  # an sms: link, for lines that take texts
    sms_contact: str | None = None  # its button: "Text 988"
    source: str | None = None  # where a maintainer checks the number


@dataclass(frozen=True)
class Country:
    code: str
    name: Text  # in a list of countries: "United Kingdom"
    region: Text  # in a sentence: "These are for the United Kingdom."
    lines: tuple[dict[str, Text | str], ...]  # each resource's fields, texts by language
    intro: Text | None = None  # None: Blossom's own words
    elsewhere: Text | None = None
    elsewhere_href: str = DIRECTORY


@dataclass(frozen=True)
class Rules:
    """The whole file: the countries' resources and every language's phrases."""

    countries: dict[str, Country]
    default_country: str | None
    crisis: re.Pattern
    kindness: re.Pattern
    kind_exceptions: re.Pattern  # wording that contains a kindness phrase but is no judgement
    kind_phrases: dict[str, str]  # each kindness phrase, normalised, to the phrase as written


@dataclass(frozen=True)
class Safety:
    """What a page shows: one country's resources, in one language."""

    country: str
    region: str
    intro: str
    # Where someone in another country finds her own helplines ("Not in the United States?")
    elsewhere: str
    elsewhere_href: str
    lines: tuple[SupportLine, ...]


def _normal(text: str) -> str:
    """What the phrases are matched on: compatibility forms folded (fullwidth, ligatures), any
    case, accents dropped (tired thumbs type "dano" for "daño"), apostrophes dropped (phones
    type "don’t", tired thumbs "dont"), one space between words."""
    text = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text).casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"['\u2018\u2019\u02bc`´]", "", text)
    return " ".join(text.split())


def _pattern(phrases: list[str], patterns: list[str] = ()) -> re.Pattern:
    """Whole words or phrases, normalised as the text is; `patterns` are regular expressions
    over the same normalised text, for wording that varies ("scared I might hurt her")."""
    alternatives = [re.escape(_normal(p)) for p in phrases] + list(patterns)
    return re.compile(rf"(?<!\w)(?:{'|'.join(alternatives) or '(?!)'})(?!\w)")


def _text(value: Text | str | None) -> Text | None:
    """A text in the file: a table of languages, or plain English."""
    if value is None or isinstance(value, dict):
        return value
    return {ENGLISH: value}


def _in(text: Text | str | None, language: str) -> str | None:
    text = _text(text)
    return None if text is None else text.get(language) or text.get(ENGLISH)


def _by_language(section: dict) -> list[dict]:
    """A [crisis] or [kindness] section: one set of phrases, or one per language."""
    if "phrases" in section or "patterns" in section or "exceptions" in section:
        return [section]
    return list(section.values())


def _countries(data: dict) -> dict[str, Country]:
    if "resources" in data and "countries" not in data:  # the single-country shape
        found = data["resources"]
        region = _text(found["region"])
        return {
            ANYWHERE: Country(
                code=ANYWHERE,
                name=region,
                region=region,
                lines=tuple(found["lines"]),
                intro=_text(found.get("intro")),
                elsewhere=_text(found.get("elsewhere")),
                elsewhere_href=found.get("elsewhere_href", DIRECTORY),
            )
        }
    return {
        code.upper(): Country(
            code=code.upper(),
            name=_text(country["name"]),
            region=_text(country.get("region", country["name"])),
            lines=tuple(country["lines"]),
            intro=_text(country.get("intro")),
            elsewhere=_text(country.get("elsewhere")),
            elsewhere_href=country.get("elsewhere_href", DIRECTORY),
        )
        for code, country in data["countries"].items()
    }


@cache
def load(path: str | None) -> Rules:
    default = tomllib.loads(resources.files("forum").joinpath("data/safety.toml").read_text())
    data = tomllib.loads(Path(path).read_text()) if path else default
    # A file with resources only keeps the default wording checks; one with neither (a site's
    # default country only) keeps the default countries too.
    data = {"crisis": default["crisis"], "kindness": default["kindness"], **data}
    if "resources" not in data and "countries" not in data:
        data["countries"] = default["countries"]
    crisis = _by_language(data["crisis"])
    kindness = _by_language(data["kindness"])
    phrases = [p for section in kindness for p in section.get("phrases", [])]
    return Rules(
        countries=_countries(data),
        default_country=data.get("default_country"),
        crisis=_pattern(
            [p for section in crisis for p in section.get("phrases", [])],
            [p for section in crisis for p in section.get("patterns", [])],
        ),
        kindness=_pattern(phrases),
        kind_exceptions=_pattern([p for s in kindness for p in s.get("exceptions", [])]),
        kind_phrases={_normal(phrase): phrase for phrase in phrases},
    )


def rules() -> Rules:
    return load(current_app.config["SAFETY_CONFIG"])


def default_country() -> str:
    """The site's country: the file's `default_country`, else SAFETY_COUNTRY."""
    return (rules().default_country or current_app.config["SAFETY_COUNTRY"]).upper()


def shipped(code: str | None) -> str | None:
    """The country a stored or sent code names ("mx"), if the file has resources for it."""
    code = (code or "").strip().upper()
    return code if code and code in rules().countries else None


def countries(language: str | None = None) -> list[tuple[str, str]]:
    """The countries with resources, as (code, name in the language), by name."""
    language = language or _language()
    found = [(c.code, _in(c.name, language)) for c in rules().countries.values()]
    return sorted((row for row in found if row[0] != ANYWHERE), key=lambda row: row[1])


def _language() -> str:
    locale = get_locale() if has_app_context() else None
    return locale.language if locale else ENGLISH  # "es" for es_MX too


def settings(country: str | None = None, language: str | None = None) -> Safety:
    """The resources for a country (None: the site's), in a language (None: the page's), each
    text in English where it has none in that language."""
    known = rules().countries
    language = language or _language()
    found = (
        known.get(ANYWHERE)
        or known.get(shipped(country) or "")
        or known.get(default_country())
        or next(iter(known.values()))
    )
    region = _in(found.region, language)
    lines = tuple(
        SupportLine(
            name=_in(line["name"], language),
            detail=_in(line["detail"], language),
            contact=_in(line["contact"], language),
            href=_in(line["href"], language),
            sms=_in(line.get("sms"), language),
            sms_contact=_in(line.get("sms_contact"), language),
            source=line.get("source"),
        )
        for line in found.lines
    )
    intro = _in(found.intro, language) or gettext(
        "You're not alone, and you don't have to carry this by yourself. These services are "
        "free, confidential, and there for you now."
    )
    elsewhere = _in(found.elsewhere, language) or gettext(
        "Not in %(region)s? Find a free helpline in your country", region=region
    )
    return Safety(found.code, region, intro, elsewhere, found.elsewhere_href, lines)


def choose_region(user: User, country: str | None, timezone: str | None = ...) -> None:
    """Her country for the support resources (None: the site's), and her time zone (None: the
    site's; left as it is when not given)."""
    user.country = shipped(country)
    if timezone is not ...:
        user.timezone = timezone or None


def mentions_crisis(text: str) -> bool:
    return rules().crisis.search(_normal(text)) is not None


# Words before a kindness phrase that turn it round: "you're not a bad mother", "no eres una
# mala madre", "I felt like a bad mum", "me siento una mala madre" (what a parent says of
# herself is hers to say), unless it is said to someone ("you", "eres").
NEGATIONS = {"not", "never", "no", "nobody", "noone", "isnt", "arent", "wasnt", "werent"}
NEGATIONS |= {"nunca", "jamas", "nadie", "ni", "tampoco"}
FIRST_PERSON = {"i", "im", "ive", "id", "ill", "me", "my", "myself"}
FIRST_PERSON |= {"yo", "mi", "soy", "estoy", "siento", "senti", "fui"}
SECOND_PERSON = {"you", "tu", "te", "ti", "eres", "estas", "fuiste", "usted"}
LOOK_BACK = 5  # words


def unkind_words(text: str) -> list[str]:
    """The judgemental phrases in a reply, as written, for the kindness pause to show: none in
    quoted lines (the words being answered), none turned round by a negation, none said of
    oneself, none in wording that only looks alike ("you should have seen her face")."""
    safety = rules()
    own = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith(">"))
    normal = _normal(own)
    excepted = [m.span() for m in safety.kind_exceptions.finditer(normal)]
    found: list[str] = []
    for match in safety.kindness.finditer(normal):
        if any(start <= match.start() < end for start, end in excepted):
            continue
        clause = re.split(r"[.!?;,\n]", normal[: match.start()])[-1].split()[-LOOK_BACK:]
        if NEGATIONS & set(clause) or (
            FIRST_PERSON & set(clause) and not SECOND_PERSON & set(clause)
        ):
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


def resource_texts() -> list[str]:
    """Every text of the resources, in every language the file gives: configuration a page
    shows as it is (the pseudo-locale's checks read it as they read members' words)."""
    texts: list[str] = []
    for country in rules().countries.values():
        fields = [country.name, country.region, country.intro, country.elsewhere]
        fields += [line.get(key) for line in country.lines for key in TEXT_FIELDS]
        texts += [words for text in fields if text for words in _text(text).values()]
    return texts
