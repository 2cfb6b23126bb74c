"""Drafts: what a member is writing, kept on the server as she types

One row per member per place (a new thread in a category, a reply in a thread), purged 30 days
after it was last saved.

Revision ID: b7d3f0a2c915
Revises: a4c2e7f1d9b3
Create Date: 2026-12-02 21:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "b7d3f0a2c915"
down_revision = "a4c2e7f1d9b3"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "draft",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("place", sa.String(length=8), nullable=False),
        sa.Column("place_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=150), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("content_note", sa.String(length=100), nullable=False),
        sa.Column("anonymous", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_draft_user_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_draft")),
        sa.UniqueConstraint("user_id", "place", "place_id", name="uq_draft_user_place"),
    )
    op.create_index("ix_draft_updated_at", "draft", ["updated_at"], unique=False)


def downgrade():
    op.drop_index("ix_draft_updated_at", table_name="draft")
    op.drop_table("draft")
