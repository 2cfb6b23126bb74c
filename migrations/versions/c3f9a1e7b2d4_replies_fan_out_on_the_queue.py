"""Replies reach their followers from the job queue; replies in a member's own thread have a
choice of their own, straight away by default

`fan_out` holds each reply whose followers are still to be told: the reply's transaction writes
one row, and the worker deletes it once every follower has been told. A reply's notification
carries the key `post:<id>`, so the worker running twice tells nobody twice.

Revision ID: c3f9a1e7b2d4
Revises: 2457876700fa
Create Date: 2026-12-02 21:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "c3f9a1e7b2d4"
down_revision = "2457876700fa"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "fan_out",
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("quoted_user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["post_id"], ["post.id"], name=op.f("fk_fan_out_post_id_post"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["quoted_user_id"],
            ["user.id"],
            name=op.f("fk_fan_out_quoted_user_id_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("post_id", name=op.f("pk_fan_out")),
    )
    op.add_column(
        "user",
        sa.Column(
            "email_own_threads",
            sa.String(length=12),
            nullable=False,
            server_default="immediately",
        ),
    )
    # A member who chose "never" (or "straight away") for replies keeps that choice for her own
    # threads; the daily digest was everyone's default, so those members hear straight away now.
    op.execute(
        'UPDATE "user" SET email_own_threads = email_replies '
        "WHERE email_replies IN ('never', 'immediately')"
    )


def downgrade():
    # Not in batch mode: copying "user" on SQLite would trip every foreign key that names it.
    op.execute('ALTER TABLE "user" DROP COLUMN email_own_threads')
    op.drop_table("fan_out")
