"""The app as a whole: configuration, the database setup, error pages, and security basics."""

import io
import multiprocessing
import os
import subprocess
import sys
from html import unescape

import pytest
from sqlalchemy import event, select, text

from forum import create_app
from forum.config import Config, database_url, instance_secret_key
from forum.database import db
from forum.models import Post, Thread
from forum.services import accounts
from forum.services.categories import create_default_categories
from tests import factories
from tests.helpers import make_app


def test_secret_key_is_made_once_in_the_instance_folder(tmp_path):
    first = instance_secret_key(str(tmp_path))
    assert len(first) == 64
    assert instance_secret_key(str(tmp_path)) == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_production_hashes_passwords_with_scrypt(tmp_path):
    app = create_app(
        type(
            "C",
            (Config,),
            {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/p.db", "SECRET_KEY": "k"},
        )
    )
    with app.app_context():
        db.create_all()
        user = accounts.register("scrypt_user", "s@example.org", "a long and quiet morning")
        assert user.password_hash.startswith("scrypt:")
        db.engine.dispose()


@pytest.mark.parametrize(
    ("given", "used"),
    [
        ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
        ("sqlite:///x.db", "sqlite:///x.db"),
    ],
)
def test_database_url_uses_psycopg_3(given, used):
    assert database_url(given) == used


def test_sqlite_runs_in_wal_mode_with_foreign_keys_and_a_busy_timeout(tmp_path):
    app = make_app(f"sqlite:///{tmp_path}/settings.db")
    with app.app_context():
        assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert db.session.execute(text("PRAGMA busy_timeout")).scalar() == 15_000
        db.engine.dispose()


def test_positions_are_unique_in_the_database(app, member):
    from sqlalchemy.exc import IntegrityError

    thread = factories.thread(member)
    post = factories.opening_post(thread)
    db.session.add(
        Post(thread_id=thread.id, author_id=member.id, position=1, body_markdown="x", body_html="x")
    )
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
    assert post.position == 1


def test_session_cookie_is_httponly_and_samesite_lax(client, member, login):
    login(member)
    response = client.post(
        "/login", data={"login": member.username, "password": factories.PASSWORD}
    )
    cookie = client.get_cookie("session")
    assert cookie is not None and cookie.http_only and cookie.same_site == "Lax"
    assert response.status_code == 302


def test_secure_cookies_when_configured():
    """Settings are read from the environment when the app starts: here, in a new process."""
    check = "from forum.config import Config as C; print(C.SESSION_COOKIE_SECURE, C.REMEMBER_COOKIE_SECURE)"
    for value, expected in (("1", "True True"), ("", "False False")):
        env = {**os.environ, "SECURE_COOKIES": value}
        result = subprocess.run(
            [sys.executable, "-c", check], env=env, capture_output=True, text=True
        )
        assert result.stdout.strip() == expected, result.stderr


@pytest.mark.parametrize(
    ("method", "url", "status", "words"),
    [
        ("get", "/no/such/page", 404, "couldn't find that page"),
        ("get", "/logout", 405, "didn't work that way"),
        ("put", "/new", 405, "didn't work that way"),
        ("get", "/t/99999999999999999999", 404, "couldn't find that page"),
        ("get", "/p/99999999999999999999/edit", 404, "couldn't find that page"),
        ("get", "/t/0", 404, "couldn't find that page"),
        ("get", "/u/%00", 404, "couldn't find that page"),
        ("get", "/c/a%01b", 404, "couldn't find that page"),
    ],
)
def test_error_pages_are_kind(client, method, url, status, words):
    response = getattr(client, method)(url)
    assert response.status_code == status
    assert words in unescape(response.text)
    assert "Go to the home page" in response.text


def test_a_5mb_body_is_a_kind_413(client, member, login):
    login(member)
    response = client.post(
        "/new", data={"category": "childcare", "title": "Big", "body": "x" * 5_000_000}
    )
    assert response.status_code == 413
    assert "too much to send at once" in response.text
    assert db.session.scalar(select(Thread.id)) is None


def test_an_unexpected_error_is_a_kind_500_and_rolls_back(tmp_path):
    app = make_app(f"sqlite:///{tmp_path}/boom.db", PROPAGATE_EXCEPTIONS=False)

    @app.get("/boom")
    def boom():
        db.session.add(Thread(category_id=1, author_id=1, title="half written"))
        db.session.flush()
        raise RuntimeError("boom")

    with app.app_context():
        db.create_all()
        create_default_categories()
        factories.member("hannah")
        response = app.test_client().get("/boom")
        assert response.status_code == 500
        assert "isn't anything you did" in unescape(response.text)
        assert db.session.scalar(select(Thread.id)) is None
        db.engine.dispose()


def test_a_page_that_only_reads_ends_with_commit_and_keeps_its_prepared_statements(
    app, client, member, login
):
    """psycopg forgets its prepared statements at every ROLLBACK: a page that only read commits
    instead, so PostgreSQL plans each of its statements once per connection, not every time."""
    thread = factories.thread(member)
    login(member)
    db.session.commit()
    db.engine.dispose()  # one connection from here on, as one worker has
    endings, connections = [], set()
    listeners = {
        "commit": lambda conn: endings.append("commit"),
        "rollback": lambda conn: endings.append("rollback"),
        "before_cursor_execute": lambda conn, *_: connections.add(conn.connection.dbapi_connection),
    }
    for name, listener in listeners.items():
        event.listen(db.engine, name, listener)
    try:
        assert client.get("/t/999999").status_code == 404
        for _ in range(8):
            assert client.get(f"/t/{thread.id}").status_code == 200
    finally:
        for name, listener in listeners.items():
            event.remove(db.engine, name, listener)
    assert endings.count("rollback") == 1  # the 404 only
    assert "commit" in endings
    if db.engine.dialect.name == "postgresql":
        prepared = []
        for connection in connections:
            prepared.append(
                connection.execute("SELECT count(*) FROM pg_prepared_statements").fetchone()[0]
            )
            connection.rollback()
        assert max(prepared) >= 5  # the member, the header, the thread, its posts, their reactions


def test_pages_load_no_assets_from_other_hosts(client, member):
    thread = factories.thread(member)
    for url in ("/", "/c/childcare", f"/t/{thread.id}", "/login", "/signup", "/u/hannah"):
        html = client.get(url).text
        for attribute in (
            'src="http',
            "src='http",
            'href="http',
            "href='http",
            "@import",
            "url(http",
        ):
            assert attribute not in html, (url, attribute)


def test_every_input_has_a_visible_label(client, member, login):
    import re

    login(member)
    thread = factories.thread(member)
    post = factories.opening_post(thread)
    for url in ("/new", f"/t/{thread.id}", f"/p/{post.id}/edit", "/settings", "/settings/password"):
        html = client.get(url).text
        for field_id in re.findall(r'<(?:input|textarea|select)[^>]*\bid="([^"]+)"', html):
            if 'type="hidden"' in re.search(rf'<[^>]*id="{field_id}"[^>]*>', html).group(0):
                continue
            assert f'for="{field_id}"' in html, (url, field_id)


def test_create_app_has_no_side_effects_on_the_database(tmp_path):
    url = f"sqlite:///{tmp_path}/untouched.db"
    config = type("C", (Config,), {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "k"})
    create_app(config)
    assert not (tmp_path / "untouched.db").exists()


@pytest.mark.parametrize("url", ["/new", "/login", "/signup", "/settings"])
def test_a_file_or_json_where_text_belongs_is_a_400_not_a_500(client, member, login, url):
    login(member)
    upload = {"body": (io.BytesIO(b"not text"), "note.txt"), "title": (io.BytesIO(b"x"), "t.txt")}
    response = client.post(url, data={**upload, "login": (io.BytesIO(b"x"), "l.txt")})
    assert response.status_code in (302, 400)  # /login and /signup send a signed-in member home
    as_json = client.post(url, json={"body": 12, "title": ["a"], "display_name": {"x": 1}})
    assert as_json.status_code in (302, 400)
    assert db.session.scalar(select(Thread.id)) is None


def test_ids_are_ascii_digits_only(client, member):
    thread = factories.thread(member)
    assert client.get(f"/t/{thread.id}").status_code == 200
    assert client.get("/t/\N{FULLWIDTH DIGIT ONE}").status_code == 404
    assert client.get("/t/\N{ARABIC-INDIC DIGIT ONE}").status_code == 404


def test_workers_starting_together_share_one_secret_key(tmp_path):
    """Gunicorn starts workers at once; without SECRET_KEY set they must all read the same key."""
    with multiprocessing.get_context("spawn").Pool(8) as pool:
        keys = pool.map(instance_secret_key, [str(tmp_path)] * 8)
    assert len(set(keys)) == 1 and len(keys[0]) == 64
