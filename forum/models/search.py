"""The full-text search index, kept current by the database itself.

One row per post that everyone may read: the thread's title (for the opening post only) and the
post's plain text. Thread titles have an index of their own, for "similar threads". Triggers on `post` and `thread` add, change and drop rows in the same
transaction as the change, so a hidden, removed, deleted or pending post is never found.

- SQLite: an FTS5 table `post_search` (porter stemming, which is English's), its rowid the post's
  id, with a column `stems` of the text's Spanish stems (forum/stemming.py, a function registered
  on each connection), and an FTS5 table `thread_search` of titles and their Spanish stems, its
  rowid the thread's id.
- PostgreSQL: a table `post_search` of `tsvector`s ('english' and 'spanish' together, titles
  weighted A above bodies B) with a GIN index, and a GIN index on the titles' `tsvector`s.

A post is stemmed both ways, whatever language it is in, so a search in either finds it.

The index is not a model: it is created with the `post` table (so `create_all` makes it for the
tests) and by the migration that added search, which holds its own copy of these statements.
"""

from sqlalchemy import DDL, event

from forum.models.post import Post
from forum.stemming import SQL_NAME as STEMS

TABLE = "post_search"
TITLES = "thread_search"  # SQLite
TITLE_INDEX = "ix_thread_title_search"  # PostgreSQL
_FTS5_PARTS = ("data", "idx", "content", "docsize", "config")

# Names the schema comparison leaves alone: the indexes and, on SQLite, FTS5's own tables.
SCHEMA_NAMES = frozenset(
    {TABLE, TITLES, TITLE_INDEX}
    | {f"{table}_{part}" for table in (TABLE, TITLES) for part in _FTS5_PARTS}
)

# A thread's title as PostgreSQL indexes it, and as "similar threads" matches it.
TITLE_VECTOR = "(to_tsvector('english', title) || to_tsvector('spanish', title))"
_SQLITE_VISIBLE = "new.status = 'visible' AND new.deleted_at IS NULL"
_SQLITE_TITLE = (
    "CASE WHEN new.position = 1 THEN (SELECT title FROM thread WHERE id = new.thread_id) "
    "ELSE '' END"
)

SQLITE_CREATE = (
    f"CREATE VIRTUAL TABLE {TABLE} USING fts5("
    "title, body, stems, tokenize = 'porter unicode61 remove_diacritics 2')",
    f"""CREATE TRIGGER post_search_insert AFTER INSERT ON post WHEN {_SQLITE_VISIBLE}
BEGIN
  INSERT INTO {TABLE} (rowid, title, body, stems) SELECT new.id, title, new.body_text,
    {STEMS}(title || ' ' || new.body_text) FROM (SELECT {_SQLITE_TITLE} AS title);
END""",
    f"""CREATE TRIGGER post_search_update AFTER UPDATE OF status, deleted_at, body_text ON post
BEGIN
  DELETE FROM {TABLE} WHERE rowid = old.id;
  INSERT INTO {TABLE} (rowid, title, body, stems) SELECT new.id, title, new.body_text,
    {STEMS}(title || ' ' || new.body_text) FROM (SELECT {_SQLITE_TITLE} AS title)
    WHERE {_SQLITE_VISIBLE};
END""",
    f"""CREATE TRIGGER post_search_delete AFTER DELETE ON post
BEGIN
  DELETE FROM {TABLE} WHERE rowid = old.id;
END""",
    f"""CREATE TRIGGER thread_search_title AFTER UPDATE OF title ON thread
BEGIN
  UPDATE {TABLE} SET title = new.title, stems = {STEMS}(new.title || ' ' || body)
    WHERE rowid = (SELECT id FROM post WHERE thread_id = new.id AND position = 1);
  UPDATE {TITLES} SET title = new.title, stems = {STEMS}(new.title) WHERE rowid = new.id;
END""",
    f"CREATE VIRTUAL TABLE {TITLES} USING fts5("
    "title, stems, tokenize = 'porter unicode61 remove_diacritics 2')",
    f"""CREATE TRIGGER thread_search_insert AFTER INSERT ON thread
BEGIN
  INSERT INTO {TITLES} (rowid, title, stems) VALUES (new.id, new.title, {STEMS}(new.title));
END""",
    f"""CREATE TRIGGER thread_search_delete AFTER DELETE ON thread
BEGIN
  DELETE FROM {TITLES} WHERE rowid = old.id;
END""",
)
SQLITE_DROP = (
    "DROP TRIGGER IF EXISTS thread_search_delete",
    "DROP TRIGGER IF EXISTS thread_search_insert",
    f"DROP TABLE IF EXISTS {TITLES}",
    "DROP TRIGGER IF EXISTS thread_search_title",
    "DROP TRIGGER IF EXISTS post_search_delete",
    "DROP TRIGGER IF EXISTS post_search_update",
    "DROP TRIGGER IF EXISTS post_search_insert",
    f"DROP TABLE IF EXISTS {TABLE}",
)

POSTGRESQL_CREATE = (
    f"""CREATE TABLE {TABLE} (
  post_id integer PRIMARY KEY REFERENCES post (id) ON DELETE CASCADE,
  document tsvector NOT NULL
)""",
    f"CREATE INDEX ix_{TABLE}_document ON {TABLE} USING gin (document)",
    """CREATE FUNCTION post_search_document(title text, body text) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT setweight(
        to_tsvector('english', coalesce(title, '')) || to_tsvector('spanish', coalesce(title, '')),
        'A')
      || setweight(to_tsvector('english', body) || to_tsvector('spanish', body), 'B')
$$""",
    f"""CREATE FUNCTION post_search_refresh() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.status = 'visible' AND NEW.deleted_at IS NULL THEN
    INSERT INTO {TABLE} (post_id, document)
    VALUES (NEW.id, post_search_document(
      CASE WHEN NEW.position = 1 THEN (SELECT title FROM thread WHERE id = NEW.thread_id) END,
      NEW.body_text))
    ON CONFLICT (post_id) DO UPDATE SET document = excluded.document;
  ELSE
    DELETE FROM {TABLE} WHERE post_id = NEW.id;
  END IF;
  RETURN NULL;
END
$$""",
    """CREATE TRIGGER post_search_refresh AFTER INSERT OR UPDATE OF status, deleted_at, body_text
ON post FOR EACH ROW EXECUTE FUNCTION post_search_refresh()""",
    f"""CREATE FUNCTION thread_search_title() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE {TABLE} SET document = post_search_document(NEW.title, post.body_text)
    FROM post
    WHERE post.thread_id = NEW.id AND post.position = 1 AND {TABLE}.post_id = post.id;
  RETURN NULL;
END
$$""",
    """CREATE TRIGGER thread_search_title AFTER UPDATE OF title ON thread
FOR EACH ROW WHEN (OLD.title IS DISTINCT FROM NEW.title) EXECUTE FUNCTION thread_search_title()""",
    f"CREATE INDEX {TITLE_INDEX} ON thread USING gin ({TITLE_VECTOR})",
)
POSTGRESQL_DROP = (
    f"DROP INDEX IF EXISTS {TITLE_INDEX}",
    "DROP TRIGGER IF EXISTS thread_search_title ON thread",
    "DROP FUNCTION IF EXISTS thread_search_title()",
    "DROP TRIGGER IF EXISTS post_search_refresh ON post",
    "DROP FUNCTION IF EXISTS post_search_refresh()",
    f"DROP TABLE IF EXISTS {TABLE}",
    "DROP FUNCTION IF EXISTS post_search_document(text, text)",
)

# Rebuilding: empty the index, then fill it from the posts in ranges of ids.
SQLITE_EMPTY = f"DELETE FROM {TABLE}"
SQLITE_FILL = f"""INSERT INTO {TABLE} (rowid, title, body, stems)
SELECT post.id, CASE WHEN post.position = 1 THEN thread.title ELSE '' END, post.body_text,
  {STEMS}(CASE WHEN post.position = 1 THEN thread.title ELSE '' END || ' ' || post.body_text)
FROM post JOIN thread ON thread.id = post.thread_id
WHERE post.status = 'visible' AND post.deleted_at IS NULL AND post.id BETWEEN :first AND :last"""
SQLITE_TITLES = (
    f"DELETE FROM {TITLES}",
    f"INSERT INTO {TITLES} (rowid, title, stems) SELECT id, title, {STEMS}(title) FROM thread",
    f"INSERT INTO {TITLES} ({TITLES}) VALUES ('optimize')",
)
SQLITE_TIDY = f"INSERT INTO {TABLE} ({TABLE}) VALUES ('optimize')"
POSTGRESQL_EMPTY = f"TRUNCATE {TABLE}"
POSTGRESQL_FILL = f"""INSERT INTO {TABLE} (post_id, document)
SELECT post.id, post_search_document(CASE WHEN post.position = 1 THEN thread.title END, post.body_text)
FROM post JOIN thread ON thread.id = post.thread_id
WHERE post.status = 'visible' AND post.deleted_at IS NULL AND post.id BETWEEN :first AND :last"""
POSTGRESQL_TITLES = (f"REINDEX INDEX {TITLE_INDEX}",)
POSTGRESQL_TIDY = f"ANALYZE {TABLE}"

# (empty the index, fill a range of posts, rebuild the titles, tidy up)
REBUILD = {
    "sqlite": (SQLITE_EMPTY, SQLITE_FILL, SQLITE_TITLES, SQLITE_TIDY),
    "postgresql": (POSTGRESQL_EMPTY, POSTGRESQL_FILL, POSTGRESQL_TITLES, POSTGRESQL_TIDY),
}

# After words were erased: FTS5 keeps a deleted row's terms in its older segments, marked as
# deleted, until they are merged; merging them all writes them out. PostgreSQL's rows are gone
# (VACUUM reclaims the space).
PURGE = {
    "sqlite": (SQLITE_TIDY, f"INSERT INTO {TITLES} ({TITLES}) VALUES ('optimize')"),
    "postgresql": (),
}

STATEMENTS = {
    "sqlite": (SQLITE_CREATE, SQLITE_DROP),
    "postgresql": (POSTGRESQL_CREATE, POSTGRESQL_DROP),
}


def include_name(name: str | None, type_: str, parent_names) -> bool:
    """For schema comparisons: the search index is made by hand, not from the models."""
    return not (type_ in ("table", "index") and name in SCHEMA_NAMES)


for _dialect, (_create, _drop) in STATEMENTS.items():
    for _statement in _create:
        event.listen(Post.__table__, "after_create", DDL(_statement).execute_if(dialect=_dialect))
    for _statement in _drop:
        event.listen(Post.__table__, "before_drop", DDL(_statement).execute_if(dialect=_dialect))
