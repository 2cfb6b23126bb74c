from datetime import date

from flask_babel import gettext, lazy_gettext
from wtforms import DateField, SelectField, StringField
from wtforms.validators import Optional, ValidationError

from forum.forms import Form
from forum.services.search import clean

# A date outside these is a typo: it would match nothing, or everything.
EARLIEST, LATEST = date(2000, 1, 1), date(2999, 12, 31)
Q_KEPT = 1_000  # characters of the query shown back in the box


def query_text(value):
    return clean(value)[:Q_KEPT] if isinstance(value, str) else value


class DayField(DateField):
    def process_formdata(self, valuelist) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(gettext("Please give a date like 2026-05-31.")) from None


def date_field(label) -> DayField:
    return DayField(label, validators=[Optional()], format="%Y-%m-%d")


class SearchForm(Form):
    """Read from the address (?q=...), so a search can be bookmarked and shared."""

    class Meta:
        csrf = False

    q = StringField(lazy_gettext("Search for"), filters=[query_text])
    category = SelectField(lazy_gettext("Category"), validate_choice=False)
    since = date_field(lazy_gettext("From"))
    until = date_field(lazy_gettext("To"))

    def validate_category(self, field) -> None:
        if field.data and field.data not in {choice.value for choice in field.choices}:
            raise ValidationError(gettext("We don't have that category. Choose one from the list."))

    def validate_since(self, field) -> None:
        _in_range(field)

    def validate_until(self, field) -> None:
        _in_range(field)
        if field.data and self.since.data and field.data < self.since.data:
            raise ValidationError(gettext("This date is before the first one. Swap them round?"))


def _in_range(field) -> None:
    if field.data and not EARLIEST <= field.data <= LATEST:
        raise ValidationError(gettext("Please choose a date between 2000 and 2999."))
