"""add notifications, following and email

Revision ID: bed795e535fa
Revises: fe10cd5e98ce
Create Date: 2026-11-30 13:44:16.549348

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "bed795e535fa"
down_revision = "fe10cd5e98ce"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "outgoing_email",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("to_address", sa.String(length=254), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("text_body", sa.Text(), nullable=False),
        sa.Column("html_body", sa.Text(), nullable=False),
        sa.Column("unsubscribe_url", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("claimed_at", sa.DateTime(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_outgoing_email_user_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outgoing_email")),
    )
    with op.batch_alter_table("outgoing_email", schema=None) as batch_op:
        batch_op.create_index("ix_outgoing_email_pending", ["sent_at", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_outgoing_email_user_id"), ["user_id"], unique=False)

    op.create_table(
        "subscription",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=False),
        sa.Column("muted", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["thread_id"], ["thread.id"], name=op.f("fk_subscription_thread_id_thread")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_subscription_user_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subscription")),
        sa.UniqueConstraint("user_id", "thread_id", name=op.f("uq_subscription_user_id")),
    )
    with op.batch_alter_table("subscription", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_subscription_thread_id"), ["thread_id"], unique=False)

    op.create_table(
        "notification",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=True),
        sa.Column("thread_id", sa.Integer(), nullable=True),
        sa.Column("detail", sa.String(length=20), nullable=True),
        sa.Column("action_id", sa.Integer(), nullable=True),
        sa.Column("group_key", sa.String(length=60), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("read_at", sa.DateTime(), nullable=True),
        sa.Column("digest_pending", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["moderation_action.id"],
            name=op.f("fk_notification_action_id_moderation_action"),
        ),
        sa.ForeignKeyConstraint(
            ["post_id"], ["post.id"], name=op.f("fk_notification_post_id_post")
        ),
        sa.ForeignKeyConstraint(
            ["thread_id"], ["thread.id"], name=op.f("fk_notification_thread_id_thread")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_notification_user_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification")),
        sa.UniqueConstraint("user_id", "group_key", name=op.f("uq_notification_user_id")),
    )
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.create_index("ix_notification_digest", ["digest_pending", "user_id"], unique=False)
        batch_op.create_index("ix_notification_user_read", ["user_id", "read_at"], unique=False)
        batch_op.create_index(
            "ix_notification_user_updated", ["user_id", "updated_at"], unique=False
        )

    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("email_verified_at", sa.DateTime(), nullable=True))
        batch_op.add_column(
            sa.Column("email_replies", sa.String(length=12), nullable=False, server_default="daily")
        )
        batch_op.add_column(
            sa.Column(
                "email_reactions", sa.String(length=12), nullable=False, server_default="never"
            )
        )
        batch_op.add_column(
            sa.Column("email_helped", sa.String(length=12), nullable=False, server_default="daily")
        )
        batch_op.add_column(
            sa.Column(
                "email_moderation",
                sa.String(length=12),
                nullable=False,
                server_default="immediately",
            )
        )
        batch_op.add_column(
            sa.Column("email_show_content", sa.Boolean(), nullable=False, server_default="0")
        )
    # Members who joined before addresses were confirmed keep receiving what they asked for.
    user = sa.table(
        "user",
        sa.column("created_at", sa.DateTime()),
        sa.column("email_verified_at", sa.DateTime()),
    )
    op.execute(user.update().values(email_verified_at=user.c.created_at))


def downgrade():
    # Plain DROP COLUMN (SQLite 3.35+): a batch copy of "user" would fail its foreign keys once
    # members have posted.
    for column in ("email_show_content", "email_moderation", "email_helped", "email_reactions",
                   "email_replies", "email_verified_at"):  # fmt: skip
        op.execute(f'ALTER TABLE "user" DROP COLUMN {column}')

    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.drop_index("ix_notification_user_updated")
        batch_op.drop_index("ix_notification_user_read")
        batch_op.drop_index("ix_notification_digest")

    op.drop_table("notification")
    with op.batch_alter_table("subscription", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_subscription_thread_id"))

    op.drop_table("subscription")
    with op.batch_alter_table("outgoing_email", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outgoing_email_user_id"))
        batch_op.drop_index("ix_outgoing_email_pending")

    op.drop_table("outgoing_email")
