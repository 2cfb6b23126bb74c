"""Profile indexes by author then anonymous; a thread knows whether its opening post is shown;
a deleted member's anonymous posts wait for their moment to go

A profile reads only the named ones, so with `anonymous` second its anonymous posts are never
read, and how many there are can't show in how long the page takes. The parents a member helped
are counted from a small index of the replies marked as helping.

`thread.opening_shown` says whether everyone may read the title (its opening post is shown), and
`post.remove_at` when an anonymous post of a deleted account loses its words.

Revision ID: a4c2e7f1d9b3
Revises: a7c3e91f5d20
Create Date: 2026-12-02 15:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "a4c2e7f1d9b3"
down_revision = "a7c3e91f5d20"
branch_labels = None
depends_on = None

TABLES = ("post", "thread")
COLUMNS = ["author_id", "anonymous", "created_at", "id"]
MARKED = sa.text("helped_at IS NOT NULL")


def upgrade():
    # Plain ALTER TABLEs: on SQLite a batch would rebuild the tables under the search triggers.
    op.add_column(
        "thread", sa.Column("opening_shown", sa.Boolean(), server_default=sa.true(), nullable=False)
    )
    op.execute(
        "UPDATE thread SET opening_shown = false WHERE EXISTS (SELECT 1 FROM post"
        " WHERE post.thread_id = thread.id AND post.position = 1"
        " AND (post.status != 'visible' OR post.deleted_at IS NOT NULL))"
    )
    op.add_column("post", sa.Column("remove_at", sa.DateTime(), nullable=True))
    due = sa.text("remove_at IS NOT NULL")
    op.create_index(
        "ix_post_remove_at", "post", ["remove_at"], sqlite_where=due, postgresql_where=due
    )
    for table in TABLES:
        op.drop_index(f"ix_{table}_author_created", table_name=table)
        op.create_index(f"ix_{table}_author_anonymous_created", table, COLUMNS)
    op.create_index(
        "ix_post_author_helped", "post", ["author_id", "anonymous"],
        sqlite_where=MARKED, postgresql_where=MARKED,
    )  # fmt: skip


def downgrade():
    op.drop_index("ix_post_remove_at", table_name="post")
    op.execute("ALTER TABLE post DROP COLUMN remove_at")
    op.execute("ALTER TABLE thread DROP COLUMN opening_shown")
    op.drop_index("ix_post_author_helped", table_name="post")
    for table in TABLES:
        op.drop_index(f"ix_{table}_author_anonymous_created", table_name=table)
        op.create_index(f"ix_{table}_author_created", table, ["author_id", "created_at"])
