"""The migrations build exactly the schema the models describe, on each database."""

import os
import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text

from forum.config import database_url
from forum.database import db
from forum.models import include_schema_name
from forum.services import search
from tests.helpers import BACKENDS, make_app


@pytest.fixture(params=BACKENDS)
def empty_database(request, tmp_path):
    """A database nobody has touched: a new file, or a new PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/migrated.db"
        return
    server = database_url(os.environ["TEST_DATABASE_URL"])
    name = f"migrations_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield server.rsplit("/", 1)[0] + "/" + name
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


def test_migrations_produce_exactly_the_models_schema(empty_database):
    app = make_app(empty_database)
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"include_name": include_schema_name}
            )
            differences = compare_metadata(context, db.metadata)
        assert differences == []
        downgrade(revision="base")
        assert inspect(db.engine).get_table_names() == ["alembic_version"]
        db.engine.dispose()


def search_objects(connection) -> dict[str, str]:
    """The search index's tables, triggers, functions and indexes, as the database keeps them."""
    if connection.dialect.name == "sqlite":
        rows = connection.execute(
            text("SELECT name, sql FROM sqlite_master WHERE name LIKE '%search%'")
        )
    else:
        rows = connection.execute(
            text(
                "SELECT tgname, pg_get_triggerdef(oid) FROM pg_trigger WHERE NOT tgisinternal "
                "UNION ALL SELECT proname, prosrc FROM pg_proc WHERE proname LIKE '%search%' "
                "UNION ALL SELECT indexname, indexdef FROM pg_indexes WHERE indexname LIKE '%search%'"
            )
        )
    return {name: " ".join((definition or "").split()) for name, definition in rows}


def test_the_migrations_build_the_same_search_index_as_the_models(empty_database):
    app = make_app(empty_database)
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            migrated = search_objects(connection)
        downgrade(revision="base")
        db.create_all()
        with db.engine.connect() as connection:
            created = search_objects(connection)
        db.drop_all()
        db.engine.dispose()
    assert len(migrated) >= 5 and migrated == created


def test_the_search_migration_indexes_posts_that_were_already_there(empty_database):
    """Upgrading a forum with posts gives them plain text and puts the readable ones in the index."""
    app = make_app(empty_database)
    with app.app_context():
        upgrade(revision="fe10cd5e98ce")
        db.session.execute(
            text(
                "INSERT INTO category (id, slug, name, description, position, thread_count) "
                "VALUES (1, 'c', 'C', '', 0, 1);"
            )
        )
        db.session.execute(
            text(
                'INSERT INTO "user" (id, username, username_key, email, email_key, password_hash, '
                "display_name, bio, role, post_count, thread_count, created_at, unread_warnings) "
                "VALUES (1, 'u', 'u', 'u@x', 'u@x', 'x', 'U', '', 'member', 1, 1, '2026-01-01', 0)"
            )
        )
        db.session.execute(
            text(
                "INSERT INTO thread (id, category_id, author_id, title, anonymous, created_at, "
                "last_post_at, post_count, reply_count, helped_count, locked, pinned) VALUES "
                "(1, 1, 1, 'Weaning worries', false, '2026-01-01', '2026-01-01', 2, 1, 0, false, false)"
            )
        )
        for post_id, status, html in ((1, "visible", "<p>Night <em>weaning</em> &amp; tears</p>"),
                                      (2, "hidden", "<p>Hidden weaning words</p>")):  # fmt: skip
            db.session.execute(
                text(
                    "INSERT INTO post (id, thread_id, author_id, position, anonymous, body_markdown, "
                    "body_html, created_at, status) VALUES (:id, 1, 1, :id, false, '', :html, "
                    "'2026-01-01', :status)"
                ),
                {"id": post_id, "html": html, "status": status},
            )
        db.session.commit()
        upgrade()
        texts = db.session.execute(text("SELECT id, body_text FROM post ORDER BY id")).all()
        assert [tuple(row) for row in texts] == [
            (1, "Night weaning & tears"),
            (2, "Hidden weaning words"),
        ]
        assert [r.post.id for r in search.search(search.parse("weaning")).items] == [1]
        assert [t.id for t in search.similar_threads("weaning")] == [1]
        db.session.rollback()
        downgrade(revision="fe10cd5e98ce")  # taking search out again keeps the posts
        assert db.session.execute(text("SELECT count(*) FROM post")).scalar() == 2
        for table in ("post", "thread", '"user"', "category"):
            db.session.execute(text(f"DELETE FROM {table}"))
        db.session.commit()
        downgrade(revision="base")
        db.engine.dispose()
