"""A large forum for benchmarks: members, threads, posts, reactions, reports, anonymous posts.

Rows are written in bulk with explicit ids (COPY on PostgreSQL, executemany on SQLite), and every
counter is worked out here, so the forum looks exactly as if members had written it through the
services. Bodies are Markdown built from bench/words.txt; a pool of them is rendered
once and reused, as rendering a million posts one by one would take longer than the rest.
"""

import random
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy import Connection, func, select, text
from werkzeug.security import generate_password_hash

from forum import page_cache
from forum.database import db, utcnow
from forum.models import (
    Category,
    Post,
    PostStatus,
    Reaction,
    ReactionKind,
    Report,
    ReportReason,
    Thread,
    User,
)
from forum.services import search
from forum.services.categories import create_default_categories
from forum.services.errors import ServiceError
from forum.services.text import plain_text, render_markdown

BIG_THREADS = 3  # threads of up to BIG_THREAD_POSTS posts, for the last-page benchmarks
BIG_THREAD_POSTS = 5_000
ANONYMOUS_SHARE = 0.06
HIDDEN_SHARE = 0.002
DELETED_SHARE = 0.002
REACTED_SHARE = 0.3
REPORTED_SHARE = 0.001
BODY_POOL = 2_000
CHUNK = 10_000
SPAN = timedelta(days=730)  # the forum's age

Progress = Callable[[int], None]
FILLER = tuple(
    "i the and to a of it my was in is that so but for me with we at on have just be not all "
    "this she he they you our her his do what when then like can get up out really".split()
)


class HasContent(ServiceError):
    status_code = 409

    def __init__(self) -> None:
        super().__init__(
            "This database already holds members' threads. Use --force to add the benchmark "
            "data anyway (never on a real forum)."
        )


@dataclass
class Seeded:
    users: int = 0
    threads: int = 0
    posts: int = 0
    reactions: int = 0
    reports: int = 0
    anonymous: int = 0
    big_threads: list[int] = field(default_factory=list)
    needs_index: bool = False  # loaded without the index's trigger: build it with search.rebuild


def _vocabulary() -> tuple[list[str], list[float], list[str]]:
    lines = Path(__file__).with_name("words.txt").read_text().splitlines()
    words = [w.strip() for w in lines if w.strip() and not w.startswith(("#", "- "))]
    sentences = [s[2:].strip() for s in lines if s.startswith("- ")]
    weights = [1 / (rank + 1) for rank in range(len(words))]  # Zipf: common words first
    return words, weights, sentences


def _sentence(rng: random.Random, words: list[str], weights: list[float]) -> str:
    """Mostly the little words of English, with a few of the list's words among them."""
    chosen = [
        rng.choice(FILLER) if rng.random() < 0.75 else rng.choices(words, weights)[0]
        for _ in range(rng.randint(6, 16))
    ]
    return " ".join(chosen).capitalize() + rng.choice(".....?!")


def _body(rng: random.Random, words, weights, sentences) -> str:
    """Markdown of 300 to 1,500 characters: paragraphs, now and then emphasis, a list or a quote."""
    target = rng.randint(300, 1_500)
    paragraphs: list[str] = []
    length = 0
    while length < target - 60:
        kind = rng.random()
        if kind < 0.08:
            block = "\n".join(
                f"- {_sentence(rng, words, weights)}" for _ in range(rng.randint(2, 4))
            )
        elif kind < 0.14:
            block = "> " + rng.choice(sentences)
        else:
            parts = [
                rng.choice(sentences) if rng.random() < 0.4 else _sentence(rng, words, weights)
                for _ in range(rng.randint(2, 5))
            ]
            if rng.random() < 0.2:
                index = rng.randrange(len(parts))
                parts[index] = f"**{parts[index]}**" if rng.random() < 0.5 else f"*{parts[index]}*"
            block = " ".join(parts)
        paragraphs.append(block)
        length += len(block) + 2
    body = "\n\n".join(paragraphs)
    return body if len(body) <= 1_500 else body[:1_500].rsplit(" ", 1)[0] + "."


def body_pool(rng: random.Random, size: int = BODY_POOL) -> list[tuple[str, str, str]]:
    """(markdown, html, plain text) bodies, rendered once."""
    words, weights, sentences = _vocabulary()
    pool = []
    for _ in range(size):
        markdown = _body(rng, words, weights, sentences)
        html = render_markdown(markdown)
        pool.append((markdown, html, plain_text(html)))
    return pool


def _title(rng: random.Random, words, weights, sentences) -> str:
    if rng.random() < 0.5:
        return rng.choice(sentences)[:150].rstrip(".")
    return " ".join(rng.choices(words, weights, k=rng.randint(3, 8))).capitalize()[:150]


# Writing rows in bulk


class _Writer:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.postgresql = connection.dialect.name == "postgresql"

    def write(self, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
        if not rows:
            return
        names = ", ".join(columns)
        if self.postgresql:
            cursor = self.connection.connection.driver_connection.cursor()
            with cursor.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
                for row in rows:
                    copy.write_row(row)
            cursor.close()
        else:
            marks = ", ".join("?" for _ in columns)
            self.connection.exec_driver_sql(
                f'INSERT INTO "{table}" ({names}) VALUES ({marks})', rows
            )

    def next_id(self, model) -> int:
        return (self.connection.scalar(select(func.max(model.id))) or 0) + 1

    def reset_sequences(self, tables: Iterable[str]) -> None:
        """After writing explicit ids, PostgreSQL's sequences must carry on after them."""
        if not self.postgresql:
            return
        for table in tables:
            self.connection.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                    f'coalesce((SELECT max(id) FROM "{table}"), 1))'
                )
            )


NO_EMAIL = ("never", "never", "never", "never", False)  # made-up members are never emailed
USER_COLUMNS = ("id", "username", "username_key", "email", "email_key", "password_hash",
                "display_name", "bio", "role", "post_count", "thread_count", "created_at",
                "unread_warnings", "email_replies", "email_reactions", "email_helped",
                "email_moderation", "email_show_content")  # fmt: skip
THREAD_COLUMNS = ("id", "category_id", "author_id", "title", "anonymous", "created_at",
                  "last_post_at", "post_count", "reply_count", "helped_count", "locked", "pinned")  # fmt: skip
POST_COLUMNS = ("id", "thread_id", "author_id", "position", "anonymous", "anonymous_number",
                "body_markdown", "body_html", "body_text", "created_at", "deleted_at", "status",
                "moderation_reason")  # fmt: skip
REACTION_COLUMNS = ("id", "post_id", "user_id", "kind", "created_at")
REPORT_COLUMNS = ("id", "post_id", "reporter_id", "reason", "details", "status", "created_at",
                  "updated_at")  # fmt: skip


def vacuum() -> None:
    """On PostgreSQL, mark the pages just written as visible to everyone, as autovacuum would
    some time later: until then a listing read from its index alone (a category's page 200)
    still reads the table, and is four times slower."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM (ANALYZE) thread, post"))


def has_member_content() -> bool:
    return db.session.scalar(select(Post.id).limit(1)) is not None


def _thread_sizes(rng: random.Random, threads: int, posts: int) -> list[int]:
    """Posts in each thread: a few big ones, the rest spread at random, at least one each."""
    sizes = [1] * threads
    big = min(BIG_THREADS, threads // 10)
    big_size = min(BIG_THREAD_POSTS, max(posts // 10, 2))
    left = posts - threads
    for index in range(big):
        extra = min(big_size - 1, left)
        sizes[index] += extra
        left -= extra
    others = list(range(big, threads)) or list(range(threads))
    # Most threads are short and a few run long: weights from a long-tailed distribution.
    weights = [rng.paretovariate(1.5) for _ in others]
    for index in rng.choices(others, weights, k=max(left, 0)):
        sizes[index] += 1
    return sizes


def seed(
    users: int,
    threads: int,
    posts: int,
    *,
    force: bool = False,
    seed_value: int = 2026,
    progress: Progress | None = None,
) -> Seeded:
    """Write the dataset in the caller's transaction; the caller commits."""
    if users < 2 or threads < 1 or posts < threads:
        raise ServiceError("Give at least 2 members, 1 thread, and as many posts as threads.")
    if has_member_content() and not force:
        raise HasContent()
    tick = progress or (lambda _n: None)
    rng = random.Random(seed_value)
    create_default_categories()
    db.session.flush()
    page_cache.changed(everything=True)
    categories = list(db.session.scalars(select(Category).order_by(Category.id)))
    connection = db.session.connection()
    writer = _Writer(connection)
    words, weights, sentences = _vocabulary()
    pool = body_pool(rng, min(BODY_POOL, posts))
    now = utcnow().replace(microsecond=0)
    start = now - SPAN
    run = secrets.token_hex(3)  # so a forced second run never repeats a username
    seeded = Seeded()

    # Members
    first_user = writer.next_id(User)
    password = generate_password_hash(secrets.token_hex(16), "pbkdf2:sha256:1000")
    user_ids = list(range(first_user, first_user + users))
    user_posts = dict.fromkeys(user_ids, 0)
    user_threads = dict.fromkeys(user_ids, 0)

    # Threads and posts, a thread at a time, written in chunks: each chunk writes its threads,
    # then their posts, then the posts' reactions and reports, so every reference holds.
    sizes = _thread_sizes(rng, threads, posts)
    first_thread, next_post = writer.next_id(Thread), writer.next_id(Post)
    first_reaction, first_report = writer.next_id(Reaction), writer.next_id(Report)
    next_reaction, next_report = first_reaction, first_report
    thread_rows: list[tuple] = []
    post_rows: list[tuple] = []
    reaction_rows: list[tuple] = []
    report_rows: list[tuple] = []
    category_threads: dict[int, int] = {}
    category_latest: dict[int, datetime] = {}
    kinds = [kind.value for kind in ReactionKind]
    reasons = [r.value for r in ReportReason if r != ReportReason.AT_RISK]
    # Threads start spread over SPAN, in id order, so newer ids are newer threads.
    starts = sorted(start + timedelta(seconds=rng.uniform(0, SPAN.total_seconds() * 0.98))
                    for _ in range(threads))  # fmt: skip

    def flush() -> None:
        writer.write("thread", THREAD_COLUMNS, thread_rows)
        writer.write("post", POST_COLUMNS, post_rows)
        writer.write("reaction", REACTION_COLUMNS, reaction_rows)
        writer.write("report", REPORT_COLUMNS, report_rows)
        tick(len(thread_rows) + len(post_rows))
        for rows in (thread_rows, post_rows, reaction_rows, report_rows):
            rows.clear()

    # Members go first: everything refers to them.
    user_rows = []
    for n, user_id in enumerate(user_ids):
        name = f"b{run}_{n}"
        user_rows.append((user_id, name, name, f"{name}@bench.invalid", f"{name}@bench.invalid",
                          password, f"Parent {n}", "", "member", 0, 0,
                          start - timedelta(days=1), 0, *NO_EMAIL))  # fmt: skip
    for offset in range(0, len(user_rows), CHUNK):
        chunk = user_rows[offset : offset + CHUNK]
        writer.write("user", USER_COLUMNS, chunk)
        tick(len(chunk))

    if writer.postgresql:  # COPY without the per-row trigger; the index is built once at the end
        connection.execute(text("ALTER TABLE post DISABLE TRIGGER post_search_refresh"))
    for index, size in enumerate(sizes):
        thread_id = first_thread + index
        category = categories[rng.randrange(len(categories))]
        author = rng.choice(user_ids)
        anonymous = rng.random() < ANONYMOUS_SHARE
        created = moment = starts[index]
        step = max((now - created).total_seconds() / (size + 1), 1)
        numbers: dict[int, int] = {author: 1} if anonymous else {}
        visible_replies, latest_visible = 0, created
        for position in range(1, size + 1):
            author_id, post_anonymous = author, anonymous
            if position > 1:
                author_id = rng.choice(user_ids)
                post_anonymous = rng.random() < ANONYMOUS_SHARE
                moment = min(moment + timedelta(seconds=rng.uniform(0.2, 1.8) * step), now)
            number = None
            if post_anonymous:
                number = numbers.setdefault(author_id, max(numbers.values(), default=1) + 1)
                seeded.anonymous += 1
            roll = rng.random()
            status, deleted, reason = PostStatus.VISIBLE.value, None, None
            if position > 1 and roll < HIDDEN_SHARE:
                status, reason = PostStatus.HIDDEN.value, "Hidden by a moderator."
            elif position > 1 and roll < HIDDEN_SHARE + DELETED_SHARE:
                deleted = moment
            markdown, html, plain = pool[rng.randrange(len(pool))]
            post_id = next_post
            next_post += 1
            post_rows.append((post_id, thread_id, author_id, position, post_anonymous, number,
                              markdown, html, plain, moment, deleted, status, reason))  # fmt: skip
            if status != PostStatus.VISIBLE or deleted is not None:
                continue
            latest_visible = moment
            visible_replies += position > 1
            user_posts[author_id] += not post_anonymous
            if rng.random() < REACTED_SHARE:
                for kind in rng.sample(kinds, rng.randint(1, 3)):
                    reaction_rows.append(
                        (next_reaction, post_id, rng.choice(user_ids), kind, moment)
                    )
                    next_reaction += 1
            if rng.random() < REPORTED_SHARE or not report_rows and position == 2:
                reporter = rng.choice(user_ids)
                if reporter != author_id:
                    report_rows.append((next_report, post_id, reporter, rng.choice(reasons), "",
                                        "open", moment, moment))  # fmt: skip
                    next_report += 1
        user_threads[author] += not anonymous
        thread_rows.append((thread_id, category.id, author, _title(rng, words, weights, sentences),
                            anonymous, created, latest_visible, size, visible_replies, 0,
                            False, False))  # fmt: skip
        category_threads[category.id] = category_threads.get(category.id, 0) + 1
        category_latest[category.id] = max(category_latest.get(category.id, latest_visible),
                                           latest_visible)  # fmt: skip
        if size >= min(BIG_THREAD_POSTS, max(posts // 10, 2)) and index < BIG_THREADS:
            seeded.big_threads.append(thread_id)
        if len(post_rows) >= CHUNK:
            flush()
    flush()
    if writer.postgresql:
        connection.execute(text("ALTER TABLE post ENABLE TRIGGER post_search_refresh"))
    connection.execute(text("ANALYZE"))  # the planner's statistics, for the new size
    seeded.needs_index = writer.postgresql
    seeded.reactions = next_reaction - first_reaction
    seeded.reports = next_report - first_report

    # Counters, as the posting service keeps them
    for user_id in user_ids:
        if user_posts[user_id] or user_threads[user_id]:
            connection.execute(
                text(
                    'UPDATE "user" SET post_count = :posts, thread_count = :threads WHERE id = :id'
                ),
                {"posts": user_posts[user_id], "threads": user_threads[user_id], "id": user_id},
            )
    for category in categories:
        if category.id in category_threads:
            connection.execute(
                text(
                    "UPDATE category SET thread_count = thread_count + :n, "
                    "last_post_at = CASE WHEN last_post_at > :latest THEN last_post_at "
                    "ELSE :latest END WHERE id = :id"
                ),
                {"n": category_threads[category.id], "latest": category_latest[category.id],
                 "id": category.id},
            )  # fmt: skip
    writer.reset_sequences(("user", "thread", "post", "reaction", "report"))
    seeded.users, seeded.threads, seeded.posts = users, threads, posts
    db.session.expire_all()
    return seeded


# `flask --app forum seed-bench`: registered as a Flask command by this project's entry point
@click.command("seed-bench")
@with_appcontext
@click.option("--users", default=10_000, show_default=True, type=click.IntRange(min=2))
@click.option("--threads", default=50_000, show_default=True, type=click.IntRange(min=1))
@click.option("--posts", default=1_000_000, show_default=True, type=click.IntRange(min=1))
@click.option("--force", is_flag=True, help="Add the data even if members have posted.")
def seed_bench(users: int, threads: int, posts: int, force: bool) -> None:
    """Fill the database with a large forum for benchmarks (never on a real forum)."""
    if posts < threads:
        raise click.BadParameter("needs at least one post per thread", param_hint="--posts")
    if has_member_content() and not force:
        raise click.ClickException(HasContent().message)
    with click.progressbar(length=users + threads + posts, label="Writing") as bar:
        seeded = seed(users, threads, posts, force=force, progress=bar.update)
    if seeded.needs_index:
        with click.progressbar(length=search.last_post_id(), label="Indexing") as bar:
            search.rebuild(progress=bar.update)
    else:
        search.tidy()
    db.session.commit()
    vacuum()
    click.echo(
        f"Added {seeded.users:,} members, {seeded.threads:,} threads and {seeded.posts:,} "
        f"posts ({seeded.anonymous:,} anonymous), {seeded.reactions:,} reactions and "
        f"{seeded.reports:,} reports. Long threads: {', '.join(map(str, seeded.big_threads))}."
    )
