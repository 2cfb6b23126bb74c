"""A member's language, country (for support resources) and time zone

None follows her browser and the site's defaults.

Revision ID: e5a1c9d3f7b2
Revises: c3f9a1e7b2d4
Create Date: 2026-12-03 05:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "e5a1c9d3f7b2"
down_revision = "c3f9a1e7b2d4"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("user", sa.Column("locale", sa.String(length=10), nullable=True))
    op.add_column("user", sa.Column("country", sa.String(length=2), nullable=True))
    op.add_column("user", sa.Column("timezone", sa.String(length=40), nullable=True))


def downgrade():
    # Plain DROP COLUMN (SQLite 3.35+): a batch copy of "user" would trip its foreign keys.
    for column in ("timezone", "country", "locale"):
        op.execute(f'ALTER TABLE "user" DROP COLUMN {column}')
