"""A backup taken while the forum runs restores into a fresh database with everything in it."""

import secrets

import psycopg
import pytest
from sqlalchemy import create_engine, func, make_url, select

from forum.database import db
from forum.models import Category, Notification, Post, Reaction, Thread, User
from forum.services import posting, reactions
from forum.services.backup import BackupError, backup
from tests import factories
from tests.helpers import make_app

TABLES = (User, Category, Thread, Post, Reaction, Notification)


def snapshot() -> dict:
    counts = {
        m.__tablename__: db.session.scalar(select(func.count()).select_from(m)) for m in TABLES
    }
    posts = db.session.execute(
        select(Post.id, Post.thread_id, Post.position, Post.anonymous, Post.body_markdown)
        .order_by(Post.id)
    ).all()  # fmt: skip
    members = db.session.execute(
        select(User.username, User.email, User.password_hash, User.post_count).order_by(User.id)
    ).all()
    return {
        "counts": counts,
        "posts": [tuple(p) for p in posts],
        "members": [tuple(m) for m in members],
    }


@pytest.fixture
def fresh_database(app, tmp_path):
    """An empty database of the same kind as the app's: a new file, or a new PostgreSQL database."""
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() == "sqlite":
        yield f"sqlite:///{tmp_path}/restored.db"
        return
    name = f"{url.database}_restore_{secrets.token_hex(4)}"
    admin = url.set(drivername="postgresql", database="postgres").render_as_string(False)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_backup_then_restore_into_a_fresh_database(
    app, member, other_member, tmp_path, fresh_database
):
    thread = factories.thread(member, replies=2, replier=other_member)
    anonymous = posting.reply(other_member, thread, "Me too, every single morning.", anonymous=True)
    reactions.toggle_reaction(member, anonymous, "heart")
    db.session.commit()
    before = snapshot()
    # Plain values: inside the other app's context, this test's own session must not be used.
    member_id, other_id, thread_id, anonymous_id = (
        member.id,
        other_member.id,
        thread.id,
        anonymous.id,
    )

    path = tmp_path / "blossom.backup"
    result = app.test_cli_runner().invoke(args=["backup", str(path)])
    assert result.exit_code == 0, result.output
    assert path.stat().st_size > 0
    # A second backup never overwrites the first.
    again = app.test_cli_runner().invoke(args=["backup", str(path)])
    assert again.exit_code != 0 and "already exists" in again.output

    restored = make_app(fresh_database)
    with restored.app_context():  # the commands run on the app whose context is current
        result = restored.test_cli_runner().invoke(args=["restore", str(path)])
        assert result.exit_code == 0, result.output
        assert snapshot() == before
        assert db.session.scalar(select(Post.author_id).where(Post.id == anonymous_id)) == other_id
        # The restored forum keeps going: positions and counters carry on from where they were.
        restored_thread = db.session.get(Thread, thread_id)
        added = posting.reply(db.session.get(User, member_id), restored_thread, "Still here.")
        db.session.commit()
        assert added.position == 5 and restored_thread.reply_count == 4
        # Restoring over a forum that has data is refused unless asked for.
        refused = restored.test_cli_runner().invoke(args=["restore", str(path)])
        assert refused.exit_code != 0 and "--replace" in refused.output
        db.session.remove()
        replaced = restored.test_cli_runner().invoke(args=["restore", str(path), "--replace"])
        assert replaced.exit_code == 0, replaced.output
        assert snapshot() == before
        db.session.remove()
        db.engine.dispose()


def test_restore_of_a_missing_file_says_so(app, tmp_path):
    result = app.test_cli_runner().invoke(args=["restore", str(tmp_path / "nothing-here")])
    assert result.exit_code != 0 and "There is no backup at" in result.output


def test_pg_dump_missing_is_a_clear_error(tmp_path, monkeypatch):
    # The tool is looked for before anything connects, so no server is needed here.
    engine = create_engine("postgresql+psycopg://blossom@127.0.0.1:1/blossom")
    monkeypatch.setenv("PATH", str(tmp_path))  # a PATH with no PostgreSQL tools on it
    with pytest.raises(BackupError, match="pg_dump was not found. Install the PostgreSQL client"):
        backup(engine, tmp_path / "blossom.dump")
    assert not (tmp_path / "blossom.dump").exists()
