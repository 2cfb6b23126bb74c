"""add account deletion and privacy requests

Revision ID: c3a9d2f0b7e1
Revises: c41d7e2a9b05
Create Date: 2026-11-30 14:40:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "c3a9d2f0b7e1"
down_revision = "c41d7e2a9b05"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("deleted_at", sa.DateTime(), nullable=True))

    op.create_table(
        "privacy_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_privacy_request_user_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_privacy_request")),
    )
    with op.batch_alter_table("privacy_request", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_privacy_request_user_id"), ["user_id"], unique=False)


def downgrade():
    with op.batch_alter_table("privacy_request", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_privacy_request_user_id"))
    op.drop_table("privacy_request")

    # Plain DROP COLUMN (SQLite 3.35+): a batch copy of "user" would fail its foreign keys.
    op.execute('ALTER TABLE "user" DROP COLUMN deleted_at')
