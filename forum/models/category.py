from datetime import datetime

from flask_babel import gettext
from sqlalchemy import String
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column

from forum.database import db


def _(message: str) -> str:
    """Marks a default category's words for the catalogs; they are stored as written, in
    English, and translated where they are shown (`Category.name`, `Category.description`)."""
    return message


# The categories every Blossom starts with: slug, name, description.
DEFAULT_CATEGORIES = [
    ("back-to-work", _("Back to work"), _("The first days and weeks back: logistics, feelings, pumping, the commute.")),
    ("missed-milestones", _("Missed milestones"), _("First smiles, steps and words you heard about second-hand.")),
    ("childcare", _("Childcare"), _("Nurseries, childminders, grandparents, and the guilt that comes with drop-off.")),
    ("partner-and-family", _("Partner & family"), _("Sharing the load, night feeds, and the people around you.")),
    ("postpartum-feelings", _("Postpartum feelings"), _("Low days, worries, and everything you're not sure you can say out loud.")),
    ("small-wins", _("Small wins"), _("The good bits, however small. Share them here.")),
]  # fmt: skip
# Words of the default categories, as stored: these are shown translated. A category a site
# added or renamed shows its own words as they are.
_DEFAULT_WORDS = frozenset(
    words for _slug, name, description in DEFAULT_CATEGORIES for words in (name, description)
)


def shown(words: str) -> str:
    """A category's stored name or description in the reader's language, if it is a default's."""
    return gettext(words) if words in _DEFAULT_WORDS else words


class Category(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    # As stored (English, for the default categories); `name` is what a person reads, and in a
    # query it is this column.
    stored_name: Mapped[str] = mapped_column("name", String(60))
    stored_description: Mapped[str] = mapped_column("description", String(200), default="")
    position: Mapped[int] = mapped_column(default=0)
    # Denormalised, kept exact by the posting service in SQL.
    thread_count: Mapped[int] = mapped_column(default=0)
    last_post_at: Mapped[datetime | None]

    @hybrid_property
    def name(self) -> str:
        return shown(self.stored_name)

    @name.inplace.setter
    def _name_setter(self, value: str) -> None:
        self.stored_name = value

    @name.inplace.expression
    @classmethod
    def _name_expression(cls):
        return cls.stored_name

    @hybrid_property
    def description(self) -> str:
        return shown(self.stored_description)

    @description.inplace.setter
    def _description_setter(self, value: str) -> None:
        self.stored_description = value

    @description.inplace.expression
    @classmethod
    def _description_expression(cls):
        return cls.stored_description
