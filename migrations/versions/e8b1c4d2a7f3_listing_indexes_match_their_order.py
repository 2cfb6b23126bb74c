"""Listing indexes end with the thread id, as the listings' ORDER BY does

Revision ID: e8b1c4d2a7f3
Revises: c3a9d2f0b7e1
Create Date: 2026-11-30 17:05:00
"""

from alembic import op

revision = "e8b1c4d2a7f3"
down_revision = "c3a9d2f0b7e1"
branch_labels = None
depends_on = None

INDEXES = {
    "ix_thread_category_listing": ["category_id", "pinned", "last_post_at"],
    "ix_thread_last_post_at": ["last_post_at"],
}


def upgrade():
    for name, columns in INDEXES.items():
        op.drop_index(name, table_name="thread")
        op.create_index(name, "thread", [*columns, "id"])


def downgrade():
    for name, columns in INDEXES.items():
        op.drop_index(name, table_name="thread")
        op.create_index(name, "thread", columns)
