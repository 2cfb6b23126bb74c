"""Pictures in posts and profile pictures

`upload` keeps each picture a member sent, under a random key, with its sizes and alt text; a
post carries its pictures as a page shows them (`post.images`), and a member her profile
picture's key (`user.avatar_key`).

Revision ID: b8d3f5a1c7e2
Revises: d2f8a4c6b1e3
Create Date: 2026-12-02 21:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "b8d3f5a1c7e2"
down_revision = "d2f8a4c6b1e3"
branch_labels = None
depends_on = None

DISCARDED = sa.text("discarded_at IS NOT NULL")


def upgrade():
    op.create_table(
        "upload",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("uploader_id", sa.Integer(), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("alt_text", sa.String(length=300), server_default="", nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("thumb_width", sa.Integer(), nullable=False),
        sa.Column("thumb_height", sa.Integer(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("discarded_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["post_id"], ["post.id"], name=op.f("fk_upload_post_id_post")),
        sa.ForeignKeyConstraint(
            ["uploader_id"], ["user.id"], name=op.f("fk_upload_uploader_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_upload")),
        sa.UniqueConstraint("key", name=op.f("uq_upload_key")),
    )
    op.create_index("ix_upload_uploader_id", "upload", ["uploader_id"])
    op.create_index("ix_upload_post_id", "upload", ["post_id"])
    op.create_index("ix_upload_unattached", "upload", ["created_at", "post_id"])
    op.create_index(
        "ix_upload_discarded", "upload", ["discarded_at"],
        sqlite_where=DISCARDED, postgresql_where=DISCARDED,
    )  # fmt: skip
    # Plain ALTER TABLEs: on SQLite a batch would rebuild the tables under the search triggers.
    op.add_column("post", sa.Column("images", sa.JSON(), nullable=True))
    op.add_column("user", sa.Column("avatar_key", sa.String(length=40), nullable=True))


def downgrade():
    op.execute('ALTER TABLE "user" DROP COLUMN avatar_key')
    op.execute("ALTER TABLE post DROP COLUMN images")
    op.drop_table("upload")
