"""The "Language and region" settings: her language, her country for the support resources, and
her time zone."""

from functools import cache
from zoneinfo import available_timezones

from flask_babel import lazy_gettext as _l
from wtforms import SelectField
from wtforms.validators import ValidationError

from forum import i18n
from forum.forms import Form
from forum.services import safety

ELSEWHERE = ""  # no country of ours: the site's resources, and the directory of helplines
SITE_ZONE = ""  # the site's time zone


@cache
def time_zones() -> tuple[str, ...]:
    return tuple(
        sorted(
            z
            for z in available_timezones()
            if z == "UTC" or ("/" in z and not z.startswith("Etc/"))
        )
    )


def _one_of(allowed, message):
    def check(form, field) -> None:
        if field.data not in allowed():
            raise ValidationError(message)

    return check


class RegionForm(Form):
    language = SelectField(
        _l("Language"),
        validate_choice=False,
        validators=[_one_of(lambda: set(i18n.LANGUAGES), _l("Choose one of the languages."))],
    )
    country = SelectField(
        _l("Country"),
        validate_choice=False,
        validators=[
            _one_of(
                lambda: {ELSEWHERE, *(c for c, _ in safety.countries())},
                _l("Choose one of the countries, or “Somewhere else”."),
            )
        ],
    )
    timezone = SelectField(
        _l("Time zone"),
        validate_choice=False,
        validators=[
            _one_of(lambda: {SITE_ZONE, *time_zones()}, _l("Choose a time zone from the list."))
        ],
    )

    def offer(self) -> "RegionForm":
        """The choices, in the page's language."""
        self.language.choices = list(i18n.LANGUAGES.items())
        self.country.choices = [*safety.countries(), (ELSEWHERE, _l("Somewhere else"))]
        self.timezone.choices = [
            (SITE_ZONE, _l("The site's time zone")),
            *((z, z) for z in time_zones()),
        ]
        return self
