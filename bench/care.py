"""How long the care dashboard takes on a large forum: /mod/care at 7, 30 and 90 days.

Fill a database first (`flask --app forum seed-bench`: 1,000,000 posts by default), then:

    DATABASE_URL=postgresql://postgres@127.0.0.1/bench .venv/bin/python bench/care.py
    DATABASE_URL=sqlite:////path/to/bench.db .venv/bin/python bench/care.py

It marks each member's first thread as the migration does (the seeder leaves the mark off), adds a
moderator to read the page as and a day of nudges, then renders each period `--runs` times in
this process, counting statements, and writes bench/results/care-<database>.md. It exits 1 when
the slowest median misses `--budget-ms`.
"""

import argparse
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import event, func, select, text

from forum import create_app
from forum.config import TestConfig, database_url
from forum.database import db, utcnow
from forum.models import Nudge, Post, Role, Thread, User
from forum.services import accounts

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "a long bench password for the care page"  # noqa: S105 -- a bench-only account
MODERATOR = "bench_care_moderator"


def prepare() -> None:
    """The moderator, first-thread marks and some nudges, each only once."""
    if accounts.find_by_username(MODERATOR) is None:
        moderator = accounts.register(MODERATOR, f"{MODERATOR}@bench.invalid", PASSWORD)
        moderator.role = Role.MODERATOR
    if not db.session.scalar(select(Thread.id).where(Thread.first_thread).limit(1)):
        db.session.execute(
            text(
                "UPDATE thread SET first_thread = NOT EXISTS (SELECT 1 FROM thread AS earlier"
                " WHERE earlier.author_id = thread.author_id AND earlier.id < thread.id)"
            )
        )
    if not db.session.scalar(select(Nudge.id).limit(1)):
        since = utcnow() - timedelta(days=90)
        recent = db.session.execute(
            select(Thread.id, Thread.created_at).where(Thread.created_at >= since).limit(2000)
        ).all()
        helpers = list(db.session.scalars(select(User.id).order_by(User.id).limit(50)))
        db.session.add_all(
            Nudge(
                thread_id=thread_id,
                helper_id=helpers[n % len(helpers)],
                sent_at=created + timedelta(minutes=31),
            )  # fmt: skip
            for n, (thread_id, created) in enumerate(recent)
        )
    db.session.commit()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--budget-ms", type=float, default=1500.0)
    args = parser.parse_args()
    url = database_url(os.environ.get("DATABASE_URL", ""))
    if not url:
        print("Set DATABASE_URL to a database filled by seed-bench.", file=sys.stderr)
        return 2
    config = type("BenchConfig", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": url})
    app = create_app(config)
    statements = []
    with app.app_context():
        prepare()
        posts = db.session.scalar(select(func.count(Post.id)))
        threads = db.session.scalar(select(func.count(Thread.id)))
        event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(1))
    client = app.test_client()
    signed = client.post("/login", data={"login": MODERATOR, "password": PASSWORD})
    if signed.status_code != 302:
        print("Could not sign in as the bench moderator.", file=sys.stderr)
        return 2
    rows = []
    for days in (7, 30, 90):
        timings, counts = [], set()
        client.get(f"/mod/care?days={days}")  # warm: connections, templates, the page cache
        for _ in range(args.runs):
            statements.clear()
            started = time.perf_counter()
            page = client.get(f"/mod/care?days={days}")
            timings.append((time.perf_counter() - started) * 1000)
            if page.status_code != 200:
                raise SystemExit(f"/mod/care?days={days} answered {page.status_code}")
            counts.add(len(statements))
        rows.append((days, statistics.median(timings), max(timings), sorted(counts)))
    kind = "postgresql" if url.startswith("postgresql") else "sqlite"
    lines = [
        f"# The care dashboard on {kind}: {posts:,} posts, {threads:,} threads",
        "",
        f"Each period rendered {args.runs} times after one warm-up, in process (no server);"
        f" budget {args.budget_ms:,.0f} ms for the median. Load average"
        f" {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs when it finished.",
        "",
        "| period | median ms | slowest ms | statements per page |",
        "| --- | --- | --- | --- |",
        *(f"| {d} days | {m:,.0f} | {s:,.0f} | {', '.join(map(str, c))} |" for d, m, s, c in rows),
    ]
    report = "\n".join(lines) + "\n"
    print(report)
    (ROOT / "bench" / "results" / f"care-{kind}.md").write_text(report)
    return 0 if max(m for _, m, _, _ in rows) <= args.budget_ms else 1


if __name__ == "__main__":
    sys.exit(main())
