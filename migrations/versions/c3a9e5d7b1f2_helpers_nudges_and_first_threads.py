"""Helpers, the nudges they are sent and their soft claims; a thread knows whether it was its
author's first; a member chooses how nudges are emailed

Revision ID: c3a9e5d7b1f2
Revises: b7d3f0a2c915
Create Date: 2026-12-02 21:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "c3a9e5d7b1f2"
down_revision = "b7d3f0a2c915"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "helper",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("paused", sa.Boolean(), nullable=False),
        sa.Column("category_ids", sa.String(length=400), nullable=False),
        sa.Column("quiet_from", sa.Integer(), nullable=True),
        sa.Column("quiet_until", sa.Integer(), nullable=True),
        sa.Column("daily_cap", sa.Integer(), nullable=False),
        sa.Column("last_nudged_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_helper_user_id_user")),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_helper")),
    )
    op.create_table(
        "nudge",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=False),
        sa.Column("helper_id", sa.Integer(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["helper_id"], ["user.id"], name=op.f("fk_nudge_helper_id_user")),
        sa.ForeignKeyConstraint(
            ["thread_id"], ["thread.id"], name=op.f("fk_nudge_thread_id_thread")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_nudge")),
        sa.UniqueConstraint("thread_id", "helper_id", name=op.f("uq_nudge_thread_id")),
    )
    op.create_index("ix_nudge_helper_sent", "nudge", ["helper_id", "sent_at"])
    op.create_index("ix_nudge_sent", "nudge", ["sent_at"])
    op.create_table(
        "claim",
        sa.Column("thread_id", sa.Integer(), nullable=False),
        sa.Column("helper_id", sa.Integer(), nullable=False),
        sa.Column("until", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["helper_id"], ["user.id"], name=op.f("fk_claim_helper_id_user")),
        sa.ForeignKeyConstraint(
            ["thread_id"], ["thread.id"], name=op.f("fk_claim_thread_id_thread")
        ),
        sa.PrimaryKeyConstraint("thread_id", name=op.f("pk_claim")),
    )
    op.create_index(op.f("ix_claim_helper_id"), "claim", ["helper_id"])
    # Plain ALTER TABLEs: on SQLite a batch would rebuild the tables under the search triggers.
    op.add_column(
        "thread", sa.Column("first_thread", sa.Boolean(), server_default=sa.false(), nullable=False)
    )
    op.execute(
        "UPDATE thread SET first_thread = NOT EXISTS (SELECT 1 FROM thread AS earlier"
        " WHERE earlier.author_id = thread.author_id AND earlier.id < thread.id)"
    )
    op.add_column(
        "user",
        sa.Column(
            "email_helping", sa.String(length=12), server_default="immediately", nullable=False
        ),
    )


def downgrade():
    op.drop_column("user", "email_helping")
    op.drop_column("thread", "first_thread")
    op.drop_index(op.f("ix_claim_helper_id"), table_name="claim")
    op.drop_table("claim")
    op.drop_index("ix_nudge_sent", table_name="nudge")
    op.drop_index("ix_nudge_helper_sent", table_name="nudge")
    op.drop_table("nudge")
    op.drop_table("helper")
