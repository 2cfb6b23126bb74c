"""The categories every Blossom starts with."""

from sqlalchemy import select

from forum import page_cache
from forum.database import db
from forum.models import Category

DEFAULT_CATEGORIES = [
    ("back-to-work", "Back to work", "The first days and weeks back: logistics, feelings, pumping, the commute."),
    ("missed-milestones", "Missed milestones", "First smiles, steps and words you heard about second-hand."),
    ("childcare", "Childcare", "Nurseries, childminders, grandparents, and the guilt that comes with drop-off."),
    ("partner-and-family", "Partner & family", "Sharing the load, night feeds, and the people around you."),
    ("postpartum-feelings", "Postpartum feelings", "Low days, worries, and everything you're not sure you can say out loud."),
    ("small-wins", "Small wins", "The good bits, however small. Share them here."),
]  # fmt: skip


def create_default_categories() -> list[Category]:
    """Add any default category that is missing; running it again adds nothing twice."""
    existing = set(db.session.scalars(select(Category.slug)))
    added = [
        Category(slug=slug, name=name, description=description, position=index)
        for index, (slug, name, description) in enumerate(DEFAULT_CATEGORIES)
        if slug not in existing
    ]
    db.session.add_all(added)
    db.session.flush()
    if added:
        page_cache.changed(everything=True)
    return added
