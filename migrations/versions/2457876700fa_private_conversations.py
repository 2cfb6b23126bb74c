"""Private conversations and @mentions: requests, messages, blocks from private replies, reported messages;
who may send a member a request; an anonymous post that takes private replies; a notification
that points at a conversation

Revision ID: 2457876700fa
Revises: b8d3f5a1c7e2
Create Date: 2026-12-02 20:44:44
"""

import sqlalchemy as sa
from alembic import op

revision = "2457876700fa"
down_revision = "b8d3f5a1c7e2"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "mention",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["post_id"], ["post.id"], name=op.f("fk_mention_post_id_post")),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_mention_user_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mention")),
        sa.UniqueConstraint("post_id", "user_id", name=op.f("uq_mention_post_id")),
    )
    op.create_index(op.f("ix_mention_user_id"), "mention", ["user_id"], unique=False)
    op.create_table(
        "message_block",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("blocker_id", sa.Integer(), nullable=False),
        sa.Column("blocked_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["blocked_id"], ["user.id"], name=op.f("fk_message_block_blocked_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["blocker_id"], ["user.id"], name=op.f("fk_message_block_blocker_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_message_block")),
        sa.UniqueConstraint("blocker_id", "blocked_id", name=op.f("uq_message_block_blocker_id")),
    )
    with op.batch_alter_table("message_block", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_message_block_blocked_id"), ["blocked_id"], unique=False
        )

    op.create_table(
        "conversation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=24), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=True),
        sa.Column("from_moderators", sa.Boolean(), nullable=False),
        sa.Column("silenced", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_message_at", sa.DateTime(), nullable=False),
        sa.Column("last_sender_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["last_sender_id"], ["user.id"], name=op.f("fk_conversation_last_sender_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["post_id"], ["post.id"], name=op.f("fk_conversation_post_id_post")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversation")),
        sa.UniqueConstraint("key", name=op.f("uq_conversation_key")),
    )
    with op.batch_alter_table("conversation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_conversation_post_id"), ["post_id"], unique=False)

    op.create_table(
        "message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("sender_id", sa.Integer(), nullable=False),
        sa.Column("body_markdown", sa.Text(), nullable=False),
        sa.Column("body_html", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversation.id"],
            name=op.f("fk_message_conversation_id_conversation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["sender_id"], ["user.id"], name=op.f("fk_message_sender_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_message")),
    )
    with op.batch_alter_table("message", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_message_conversation_id"), ["conversation_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_message_sender_id"), ["sender_id"], unique=False)

    op.create_table(
        "party",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("starter", sa.Boolean(), nullable=False),
        sa.Column("alias", sa.String(length=60), nullable=True),
        sa.Column("shows_name", sa.Boolean(), nullable=False),
        sa.Column("read_at", sa.DateTime(), nullable=True),
        sa.Column("left_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversation.id"],
            name=op.f("fk_party_conversation_id_conversation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_party_user_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_party")),
        sa.UniqueConstraint("conversation_id", "user_id", name=op.f("uq_party_conversation_id")),
    )
    with op.batch_alter_table("party", schema=None) as batch_op:
        batch_op.create_index("ix_party_user_left", ["user_id", "left_at"], unique=False)

    op.create_table(
        "message_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("reporter_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=20), nullable=False),
        sa.Column("details", sa.Text(), nullable=False),
        sa.Column("context", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("resolved_at", sa.DateTime(), nullable=True),
        sa.Column("resolved_by_id", sa.Integer(), nullable=True),
        sa.Column("resolution", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["message.id"],
            name=op.f("fk_message_report_message_id_message"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["reporter_id"], ["user.id"], name=op.f("fk_message_report_reporter_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["resolved_by_id"], ["user.id"], name=op.f("fk_message_report_resolved_by_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_message_report")),
    )
    with op.batch_alter_table("message_report", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_message_report_reporter_id"), ["reporter_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_message_report_status"), ["status"], unique=False)

    # Plain ALTER TABLEs: on SQLite a batch would rebuild the tables under the search triggers.
    op.add_column("notification", sa.Column("conversation_id", sa.Integer(), nullable=True))
    op.create_index(
        op.f("ix_notification_conversation_id"), "notification", ["conversation_id"], unique=False
    )
    op.add_column(
        "post",
        sa.Column("private_replies", sa.Boolean(), server_default=sa.false(), nullable=False),
    )
    op.add_column(
        "user",
        sa.Column("messages_from", sa.String(length=10), server_default="talked", nullable=False),
    )


def downgrade():
    op.drop_index(op.f("ix_mention_user_id"), table_name="mention")
    op.drop_table("mention")
    op.drop_column("user", "messages_from")
    op.drop_column("post", "private_replies")
    op.drop_index(op.f("ix_notification_conversation_id"), table_name="notification")
    op.drop_column("notification", "conversation_id")

    with op.batch_alter_table("message_report", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_message_report_status"))
        batch_op.drop_index(batch_op.f("ix_message_report_reporter_id"))

    op.drop_table("message_report")
    with op.batch_alter_table("party", schema=None) as batch_op:
        batch_op.drop_index("ix_party_user_left")

    op.drop_table("party")
    with op.batch_alter_table("message", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_message_sender_id"))
        batch_op.drop_index(batch_op.f("ix_message_conversation_id"))

    op.drop_table("message")
    with op.batch_alter_table("conversation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_conversation_post_id"))

    op.drop_table("conversation")
    with op.batch_alter_table("message_block", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_message_block_blocked_id"))

    op.drop_table("message_block")
