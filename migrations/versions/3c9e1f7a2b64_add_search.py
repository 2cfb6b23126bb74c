"""add full-text search: posts' plain text and a search index kept current by triggers

Revision ID: 3c9e1f7a2b64
Revises: bed795e535fa
Create Date: 2026-11-30 14:05:00.000000

The statements are copied from forum/models/search.py as they stood when this was written.
"""

import sqlalchemy as sa
from alembic import op

from forum.services.text import plain_text

# revision identifiers, used by Alembic.
revision = "3c9e1f7a2b64"
down_revision = "bed795e535fa"
branch_labels = None
depends_on = None

BATCH = 2_000

SQLITE_CREATE = (
    "CREATE VIRTUAL TABLE post_search USING fts5(title, body, tokenize = 'porter unicode61 remove_diacritics 2')",
    """CREATE TRIGGER post_search_insert AFTER INSERT ON post WHEN new.status = 'visible' AND new.deleted_at IS NULL
BEGIN
  INSERT INTO post_search (rowid, title, body) VALUES (new.id, CASE WHEN new.position = 1 THEN (SELECT title FROM thread WHERE id = new.thread_id) ELSE '' END, new.body_text);
END""",
    """CREATE TRIGGER post_search_update AFTER UPDATE OF status, deleted_at, body_text ON post
BEGIN
  DELETE FROM post_search WHERE rowid = old.id;
  INSERT INTO post_search (rowid, title, body)
    SELECT new.id, CASE WHEN new.position = 1 THEN (SELECT title FROM thread WHERE id = new.thread_id) ELSE '' END, new.body_text WHERE new.status = 'visible' AND new.deleted_at IS NULL;
END""",
    """CREATE TRIGGER post_search_delete AFTER DELETE ON post
BEGIN
  DELETE FROM post_search WHERE rowid = old.id;
END""",
    """CREATE TRIGGER thread_search_title AFTER UPDATE OF title ON thread
BEGIN
  UPDATE post_search SET title = new.title
    WHERE rowid = (SELECT id FROM post WHERE thread_id = new.id AND position = 1);
  UPDATE thread_search SET title = new.title WHERE rowid = new.id;
END""",
    "CREATE VIRTUAL TABLE thread_search USING fts5(title, tokenize = 'porter unicode61 remove_diacritics 2')",
    """CREATE TRIGGER thread_search_insert AFTER INSERT ON thread
BEGIN
  INSERT INTO thread_search (rowid, title) VALUES (new.id, new.title);
END""",
    """CREATE TRIGGER thread_search_delete AFTER DELETE ON thread
BEGIN
  DELETE FROM thread_search WHERE rowid = old.id;
END""",
)

SQLITE_DROP = (
    "DROP TRIGGER IF EXISTS thread_search_delete",
    "DROP TRIGGER IF EXISTS thread_search_insert",
    "DROP TABLE IF EXISTS thread_search",
    "DROP TRIGGER IF EXISTS thread_search_title",
    "DROP TRIGGER IF EXISTS post_search_delete",
    "DROP TRIGGER IF EXISTS post_search_update",
    "DROP TRIGGER IF EXISTS post_search_insert",
    "DROP TABLE IF EXISTS post_search",
)

SQLITE_FILL = (
    """INSERT INTO post_search (rowid, title, body)
SELECT post.id, CASE WHEN post.position = 1 THEN thread.title ELSE '' END, post.body_text
FROM post JOIN thread ON thread.id = post.thread_id
WHERE post.status = 'visible' AND post.deleted_at IS NULL""",
    "INSERT INTO thread_search (rowid, title) SELECT id, title FROM thread",
)

POSTGRESQL_CREATE = (
    """CREATE TABLE post_search (
  post_id integer PRIMARY KEY REFERENCES post (id) ON DELETE CASCADE,
  document tsvector NOT NULL
)""",
    "CREATE INDEX ix_post_search_document ON post_search USING gin (document)",
    """CREATE FUNCTION post_search_document(title text, body text) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT setweight(to_tsvector('english', coalesce(title, '')), 'A')
      || setweight(to_tsvector('english', body), 'B')
$$""",
    """CREATE FUNCTION post_search_refresh() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.status = 'visible' AND NEW.deleted_at IS NULL THEN
    INSERT INTO post_search (post_id, document)
    VALUES (NEW.id, post_search_document(
      CASE WHEN NEW.position = 1 THEN (SELECT title FROM thread WHERE id = NEW.thread_id) END,
      NEW.body_text))
    ON CONFLICT (post_id) DO UPDATE SET document = excluded.document;
  ELSE
    DELETE FROM post_search WHERE post_id = NEW.id;
  END IF;
  RETURN NULL;
END
$$""",
    """CREATE TRIGGER post_search_refresh AFTER INSERT OR UPDATE OF status, deleted_at, body_text
ON post FOR EACH ROW EXECUTE FUNCTION post_search_refresh()""",
    """CREATE FUNCTION thread_search_title() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE post_search SET document = post_search_document(NEW.title, post.body_text)
    FROM post
    WHERE post.thread_id = NEW.id AND post.position = 1 AND post_search.post_id = post.id;
  RETURN NULL;
END
$$""",
    """CREATE TRIGGER thread_search_title AFTER UPDATE OF title ON thread
FOR EACH ROW WHEN (OLD.title IS DISTINCT FROM NEW.title) EXECUTE FUNCTION thread_search_title()""",
    "CREATE INDEX ix_thread_title_search ON thread USING gin (to_tsvector('english', title))",
)

POSTGRESQL_DROP = (
    "DROP INDEX IF EXISTS ix_thread_title_search",
    "DROP TRIGGER IF EXISTS thread_search_title ON thread",
    "DROP FUNCTION IF EXISTS thread_search_title()",
    "DROP TRIGGER IF EXISTS post_search_refresh ON post",
    "DROP FUNCTION IF EXISTS post_search_refresh()",
    "DROP TABLE IF EXISTS post_search",
    "DROP FUNCTION IF EXISTS post_search_document(text, text)",
)

POSTGRESQL_FILL = (
    """INSERT INTO post_search (post_id, document)
SELECT post.id, post_search_document(CASE WHEN post.position = 1 THEN thread.title END, post.body_text)
FROM post JOIN thread ON thread.id = post.thread_id
WHERE post.status = 'visible' AND post.deleted_at IS NULL""",
)

STATEMENTS = {
    "sqlite": (SQLITE_CREATE, SQLITE_DROP, SQLITE_FILL),
    "postgresql": (POSTGRESQL_CREATE, POSTGRESQL_DROP, POSTGRESQL_FILL),
}


def _fill_plain_text(connection) -> None:
    """Derive every existing post's plain text from its stored HTML, a batch at a time."""
    post = sa.table("post", sa.column("id", sa.Integer), sa.column("body_html", sa.Text),
                    sa.column("body_text", sa.Text))  # fmt: skip
    last = 0
    while True:
        rows = connection.execute(
            sa.select(post.c.id, post.c.body_html).where(post.c.id > last).order_by(post.c.id)
            .limit(BATCH)
        ).all()  # fmt: skip
        if not rows:
            return
        connection.execute(
            post.update().where(post.c.id == sa.bindparam("post_id"))
            .values(body_text=sa.bindparam("text")),
            [{"post_id": row.id, "text": plain_text(row.body_html)} for row in rows],
        )  # fmt: skip
        last = rows[-1].id


def upgrade():
    op.add_column("post", sa.Column("body_text", sa.Text(), server_default="", nullable=False))
    connection = op.get_bind()
    _fill_plain_text(connection)
    create, _, fill = STATEMENTS[connection.dialect.name]
    for statement in create:
        op.execute(statement)
    for statement in fill:
        op.execute(statement)


def downgrade():
    connection = op.get_bind()
    _, drop, _ = STATEMENTS[connection.dialect.name]
    for statement in drop:
        op.execute(statement)
    with op.batch_alter_table("post") as batch_op:
        batch_op.drop_column("body_text")
