"""The categories every Blossom starts with (their words: forum.models.category)."""

from sqlalchemy import select

from forum import page_cache
from forum.database import db
from forum.models import Category
from forum.models.category import DEFAULT_CATEGORIES

__all__ = ["DEFAULT_CATEGORIES", "create_default_categories"]


def create_default_categories() -> list[Category]:
    """Add any default category that is missing; running it again adds nothing twice. Their
    words are stored in English, and shown in the reader's language."""
    existing = set(db.session.scalars(select(Category.slug)))
    added = [
        Category(slug=slug, stored_name=name, stored_description=description, position=index)
        for index, (slug, name, description) in enumerate(DEFAULT_CATEGORIES)
        if slug not in existing
    ]
    db.session.add_all(added)
    db.session.flush()
    if added:
        page_cache.changed(everything=True)
    return added
