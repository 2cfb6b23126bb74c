"""How far each member has read each thread, for "new replies since you last looked"

Revision ID: a7c3e91f5d20
Revises: e8b1c4d2a7f3
Create Date: 2026-12-02 15:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "a7c3e91f5d20"
down_revision = "e8b1c4d2a7f3"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "thread_visit",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=False),
        sa.Column("last_seen_position", sa.Integer(), nullable=False),
        sa.Column("seen_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["thread_id"], ["thread.id"], name=op.f("fk_thread_visit_thread_id_thread")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_thread_visit_user_id_user")
        ),
        sa.PrimaryKeyConstraint("user_id", "thread_id", name=op.f("pk_thread_visit")),
    )


def downgrade():
    op.drop_table("thread_visit")
