"""add push subscriptions and push choices: web push to the devices a member chose

Revision ID: b7e3f9a1c2d4
Revises: c3a9e5d7b1f2
Create Date: 2026-12-02 21:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "b7e3f9a1c2d4"
down_revision = "c3a9e5d7b1f2"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "push_subscription",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("login_session_id", sa.Integer(), nullable=False),
        sa.Column("endpoint", sa.Text(), nullable=False),
        sa.Column("endpoint_key", sa.String(length=64), nullable=False),
        sa.Column("p256dh", sa.String(length=120), nullable=False),
        sa.Column("auth", sa.String(length=60), nullable=False),
        sa.Column("device", sa.String(length=100), nullable=False),
        sa.Column("show_more", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_push_at", sa.DateTime(), nullable=True),
        sa.Column("retry_at", sa.DateTime(), nullable=True),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["login_session_id"],
            ["login_session.id"],
            name=op.f("fk_push_subscription_login_session_id_login_session"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user.id"],
            name=op.f("fk_push_subscription_user_id_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_push_subscription")),
        sa.UniqueConstraint("endpoint_key", name=op.f("uq_push_subscription_endpoint_key")),
    )
    with op.batch_alter_table("push_subscription", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_push_subscription_login_session_id"), ["login_session_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_push_subscription_user_id"), ["user_id"], unique=False)
    op.create_table(
        "push_choices",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("replies", sa.Boolean(), nullable=False),
        sa.Column("reactions", sa.Boolean(), nullable=False),
        sa.Column("helped", sa.Boolean(), nullable=False),
        sa.Column("moderation", sa.Boolean(), nullable=False),
        sa.Column("helping", sa.Boolean(), nullable=False),
        sa.Column("quiet_days", sa.String(length=12), nullable=False),
        sa.Column("quiet_from", sa.Integer(), nullable=False),
        sa.Column("quiet_until", sa.Integer(), nullable=False),
        sa.Column("time_zone", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user.id"],
            name=op.f("fk_push_choices_user_id_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_push_choices")),
    )


def downgrade():
    op.drop_table("push_choices")
    with op.batch_alter_table("push_subscription", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_push_subscription_user_id"))
        batch_op.drop_index(batch_op.f("ix_push_subscription_login_session_id"))
    op.drop_table("push_subscription")
