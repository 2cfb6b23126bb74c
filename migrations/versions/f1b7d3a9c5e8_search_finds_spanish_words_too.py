"""Search finds Spanish words too: posts and titles are stemmed in English and in Spanish

PostgreSQL indexes each post with both its 'english' and 'spanish' configurations; SQLite keeps
a column of Spanish stems beside FTS5's English (porter) ones. The index is made again as
forum/models/search.py defines it, and filled from the posts.

Revision ID: f1b7d3a9c5e8
Revises: e5a1c9d3f7b2
Create Date: 2026-12-03 05:00:00
"""

import importlib.util
from pathlib import Path

import sqlalchemy as sa
from alembic import op

from forum.models import search as schema

revision = "f1b7d3a9c5e8"
down_revision = "e5a1c9d3f7b2"
branch_labels = None
depends_on = None

BATCH = 5_000


def upgrade():
    connection = op.get_bind()
    create, drop = schema.STATEMENTS[connection.dialect.name]
    for statement in (*drop, *create):
        op.execute(statement)
    _, fill, titles, tidy = schema.REBUILD[connection.dialect.name]
    last = connection.scalar(sa.text("SELECT coalesce(max(id), 0) FROM post"))
    for first in range(1, last + 1, BATCH):
        connection.execute(sa.text(fill), {"first": first, "last": first + BATCH - 1})
    for statement in (*titles, tidy):
        op.execute(statement)


def downgrade():
    """The index as the migration that added search made it, English only."""
    path = Path(__file__).with_name("3c9e1f7a2b64_add_search.py")
    spec = importlib.util.spec_from_file_location("add_search", path)
    added = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(added)
    connection = op.get_bind()
    _, drop = schema.STATEMENTS[connection.dialect.name]
    create, _, fill = added.STATEMENTS[connection.dialect.name]
    for statement in (*drop, *create, *fill):
        op.execute(statement)
