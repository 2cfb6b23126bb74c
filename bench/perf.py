"""How fast the forum's pages are, against the ceiling (bench/ceiling.py), in one command.

    .venv/bin/python bench/perf.py --db sqlite                  # instance/bench.db
    .venv/bin/python bench/perf.py --db postgresql              # the PostgreSQL database "bench"
    .venv/bin/python bench/perf.py --db sqlite --path /tmp/small.db --users 500 --threads 2000 \\
        --posts 40000 --seconds 5                              # a small forum, for a quick look

An empty database is migrated and filled with `flask --app forum seed-bench` (10,000 members,
50,000 threads and 1,000,000 posts by default: about 7 minutes on PostgreSQL, 13 on SQLite); one
that holds posts already is reused as it is, after `flask db upgrade`. Sixteen members with a
known password (perf0 to perf15) are added if missing.

Then, for each page (home, the category with the most threads at page 1 and page 200, the longest
thread at page 1 and at its last page, the profile of the member who posted most, the threads
waiting for support, a search for the seeder's most common word), as a visitor and as a member
signed in through the login form:

- the SQL statements one request runs, in-process with Flask's test client on the same database
  (SQLite's BEGIN not counted), for a first request after the cache is emptied and a second one;
- requests/s, p50 and p99 under `wrk -t2 -c16 --latency` against gunicorn, after a warm-up.

The ceiling is measured the same way with the same gunicorn settings, first and again last.
Then 16 connections of signed-in members post replies (a wrk Lua script: unique bodies, each
member's session cookie and form token) to the 500 most recently active threads, and a mixed
load reads those threads' pages 90 % of the time and replies 10 %; every acknowledged reply
must be stored, and `flask --app forum check-consistency` must find every counter exact. Peak
memory (VmHWM) of each gunicorn worker is read at the end. Each measurement also shows the CPU
that gunicorn, wrk and the whole machine used, to tell whether wrk or other work got in the way.

Never point it at a real forum: it adds members and replies. Ctrl-C stops gunicorn and wrk.

It prints a Markdown table and writes it to bench/results/perf-<db>.md. It exits 0 when it ran,
1 with --check when a target was missed, 2 when it could not run.
"""

import argparse
import os
import re
import resource
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from loadtest import CSRF, PASSWORD, Member, flask, free_port, worker_pids
from sqlalchemy import bindparam, create_engine, inspect, make_url, text
from sqlalchemy.exc import OperationalError

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
RESULTS = ROOT / "bench" / "results"
DEFAULT_SQLITE = ROOT / "instance" / "bench.db"
DEFAULT_POSTGRESQL = "postgresql+psycopg://postgres@127.0.0.1:5432/bench"
REDIS_URL = "redis://127.0.0.1:6379/7"
SECRET_KEY = "bench-secret-key"  # noqa: S105 -- the same made-up key as bench/loadtest.py
MEMBERS = [f"perf{n}" for n in range(16)]
REPLY_TEXT = "Thank you for writing this. Small steps still count and you are doing well."
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")

# Targets (--check): share of the ceiling's requests/s, p99, replying, memory, queries.
VISITOR_SHARE, MEMBER_SHARE = 0.5, 0.2
P99_MS = 50.0
REPLIES_PER_SECOND = 200.0
RSS_MB = 150.0
QUERIES = 6


class Stop(Exception):
    """The run cannot go on; the message says why."""


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# The database


def database_url(args) -> str:
    if args.db == "sqlite":
        path = Path(args.path).resolve()
        if path == DEFAULT_SQLITE:
            path.parent.mkdir(exist_ok=True)
        elif not path.parent.is_dir():
            raise Stop(
                f"{path.parent} is not a folder: give --path a file in a folder that exists."
            )
        return f"sqlite:///{path}"
    return args.database_url


def ensure_postgresql_database(url: str) -> None:
    """Create the database if the server lacks it; refuse to seed one someone is writing to."""
    parsed = make_url(url)
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            exists = connection.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": parsed.database}
            ).first()
            if exists is None:
                say(f"Creating the database {parsed.database}.")
                connection.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    except OperationalError as error:
        raise Stop(
            f"PostgreSQL is unreachable at {parsed.render_as_string(hide_password=True)}: "
            f"{error.orig}".strip()
        ) from None
    finally:
        admin.dispose()


def busy_elsewhere(engine) -> int:
    """Other sessions on this PostgreSQL database in a transaction (a seeding under way)."""
    if engine.dialect.name != "postgresql":
        return 0
    with engine.connect() as connection:
        return connection.execute(
            text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid() AND state <> 'idle'"
            )
        ).scalar()


def has_posts(engine) -> bool:
    if not inspect(engine).has_table("post"):
        return False
    with engine.connect() as connection:
        return connection.execute(text("SELECT 1 FROM post LIMIT 1")).first() is not None


def prepare_database(url: str, args) -> None:
    if url.startswith("postgresql"):
        ensure_postgresql_database(url)
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        seeded = has_posts(engine)
        if not seeded and busy_elsewhere(engine):
            raise Stop(
                "The database has no posts yet and another session is writing to it "
                "(a seeding under way?). Wait for it to finish, or choose another database."
            )
    except OperationalError as error:
        raise Stop(f"The database is unreachable ({url}): {error.orig}") from None
    finally:
        engine.dispose()
    say("Bringing the schema up to date (flask db upgrade).")
    upgraded = flask(url, "db", "upgrade", check=False)
    if upgraded.returncode != 0:
        raise Stop("flask db upgrade failed:\n" + upgraded.stderr[-2000:])
    if seeded:
        say("The database holds posts: reusing it.")
        return
    say(f"Seeding {args.users:,} members, {args.threads:,} threads, {args.posts:,} posts.")
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": SECRET_KEY}
    command = [str(BIN / "flask"), "--app", "forum", "seed-bench", "--users", str(args.users),
               "--threads", str(args.threads), "--posts", str(args.posts)]  # fmt: skip
    if subprocess.run(command, env=env, cwd=ROOT, stdout=sys.stderr).returncode != 0:
        raise Stop("flask seed-bench failed (see above).")


def database_facts(url: str) -> dict:
    engine = create_engine(url)
    with engine.connect() as connection:
        counts = {
            table: connection.execute(text(f'SELECT count(*) FROM "{table}"')).scalar()  # noqa: S608 -- fixed names
            for table in ("post", "thread", "user")
        }
        if engine.dialect.name == "postgresql":
            size = connection.execute(text("SELECT pg_database_size(current_database())")).scalar()
        else:
            path = Path(make_url(url).database)
            size = sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))
    engine.dispose()
    return {**counts, "bytes": size, "dialect": engine.dialect.name}


# The pages and the members, found in-process


@dataclass
class Page:
    name: str
    url: str
    queries: dict = field(default_factory=dict)  # role -> (first, second)


@dataclass
class Found:
    pages: list[Page]
    targets: list[int]  # threads to reply to
    member_ids: list[int]


def first_word() -> str:
    words = ROOT.joinpath("bench/words.txt").read_text().splitlines()
    return next(w.strip() for w in words if w.strip() and not w.startswith(("#", "- ")))


def explore(app) -> Found:
    """Members with a known password, and the pages to measure, from the database."""
    from sqlalchemy import select
    from werkzeug.security import check_password_hash

    from forum.database import db
    from forum.models import Category, Thread, User
    from forum.services import accounts

    with app.app_context():
        for name in MEMBERS:
            user = accounts.find_by_username(name)
            if user is None:
                accounts.register(name, f"{name}@example.org", PASSWORD)
            elif not check_password_hash(user.password_hash, PASSWORD):
                accounts.set_password(user, PASSWORD)
        db.session.commit()
        member_ids = [accounts.find_by_username(name).id for name in MEMBERS]
        threads_per_page = app.config["THREADS_PER_PAGE"]
        posts_per_page = app.config["POSTS_PER_PAGE"]
        category = db.session.scalars(
            select(Category).order_by(Category.thread_count.desc()).limit(1)
        ).one()
        category_last = max(1, -(-category.thread_count // threads_per_page))
        category_page = min(200, category_last)
        thread = db.session.scalars(
            select(Thread).order_by(Thread.post_count.desc()).limit(1)
        ).one()
        thread_last = max(1, -(-thread.post_count // posts_per_page))
        poster = db.session.scalars(
            select(User)
            .where(User.deleted_at.is_(None), User.id.not_in(member_ids))
            .order_by(User.post_count.desc())
            .limit(1)
        ).one()
        targets = list(
            db.session.scalars(
                select(Thread.id)
                .where(Thread.locked.is_(False), Thread.id != thread.id)
                .order_by(Thread.last_post_at.desc())
                .limit(500)
            )
        )
        if not targets:
            raise Stop("No unlocked thread to reply to.")
        pages = [
            Page("Home", "/"),
            Page(f"Category p1 ({category.thread_count:,} threads)", f"/c/{category.slug}"),
            Page(f"Category p{category_page}", f"/c/{category.slug}?page={category_page}"),
            Page(f"Thread p1 ({thread.post_count:,} posts)", f"/t/{thread.id}"),
            Page(f"Thread p{thread_last} (last)", f"/t/{thread.id}?page={thread_last}"),
            Page(f"Profile ({poster.post_count:,} posts)", f"/u/{poster.username}"),
            Page("Waiting for support", "/waiting"),
            Page(f"Search “{first_word()}”", f"/search?q={first_word()}"),
        ]
        db.session.remove()
    return Found(pages, targets, member_ids)


def count_queries(app, pages: list[Page]) -> None:
    """SQL statements per request, first (cache emptied) and second, for visitors and members."""
    from sqlalchemy import event

    from forum.database import db

    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:
        if statement != "BEGIN":  # SQLite's transaction start, which PostgreSQL doesn't send
            statements.append(statement)

    visitor = app.test_client()
    member = app.test_client()
    token = CSRF.search(member.get("/login").text).group(1)
    login = member.post("/login", data={"login": MEMBERS[0], "password": PASSWORD,
                                         "csrf_token": token})  # fmt: skip
    if login.status_code != 302:
        raise Stop(f"{MEMBERS[0]} could not sign in in-process: {login.status_code}")
    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        for role, client in (("visitor", visitor), ("member", member)):
            for page in pages:
                counts = []
                for _ in range(2):
                    statements.clear()
                    response = client.get(page.url)
                    counts.append(len(statements) if response.status_code == 200 else None)
                page.queries[role] = tuple(counts)
    finally:
        event.remove(engine, "before_cursor_execute", record)
        with app.app_context():
            db.engine.dispose()


def flush_cache() -> str | None:
    """Empty the Redis database the forum's cache uses; a warning if Redis is unreachable."""
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_timeout=3).flushdb()
    except redis.RedisError as error:
        return f"Redis at {REDIS_URL} was unreachable ({error}); the run went on without it."
    return None


# gunicorn


@dataclass
class Server:
    process: subprocess.Popen
    base: str

    def pids(self) -> list[int]:
        return worker_pids(self.process.pid)

    def cpu_seconds(self) -> float:
        total = 0
        for pid in [self.process.pid, *self.pids()]:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += int(fields[11]) + int(fields[12])  # utime, stime
        return total / CLOCK_TICKS

    def peak_rss_mb(self) -> list[float]:
        peaks = []
        for pid in self.pids():
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            found = re.search(r"^VmHWM:\s+(\d+) kB", status, re.M)
            if found:
                peaks.append(int(found.group(1)) / 1024)
        return peaks


def gunicorn_command(app_spec: str, workers: int, port: int) -> list[str]:
    return [str(BIN / "gunicorn"), "--worker-class", "sync", "--workers", str(workers),
            "--bind", f"127.0.0.1:{port}", "--timeout", "60", "--graceful-timeout", "5",
            "--log-level", "warning", app_spec]  # fmt: skip


@contextmanager
def gunicorn(app_spec: str, workers: int, env: dict, probe: str):
    port = free_port()
    log = tempfile.NamedTemporaryFile(prefix="blossom-perf-", suffix=".log", delete=False)
    process = subprocess.Popen(
        gunicorn_command(app_spec, workers, port), env=env, cwd=ROOT,
        stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    server = Server(process, f"http://127.0.0.1:{port}")
    failed = False
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(server.base + probe, timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                tail = Path(log.name).read_text()[-2000:]
                raise Stop(f"gunicorn ({app_spec}) did not start:\n{tail}")
            time.sleep(0.3)
        yield server
    except Exception:
        failed = True  # its log may say why; not on Ctrl-C
        raise
    finally:
        stop_process(process)
        log.close()
        if failed or os.environ.get("BENCH_KEEP_LOGS"):
            say(f"gunicorn's log ({app_spec}): {log.name}")
        else:
            os.unlink(log.name)


def stop_process(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)  # the master and its workers, started in own group
        process.wait(timeout=10)


# wrk


@dataclass
class Load:
    requests_per_second: float = 0.0
    p50_ms: float = float("nan")
    p99_ms: float = float("nan")
    requests: int = 0
    seconds: float = 0.0
    errors: int = 0
    error_note: str = ""
    server_cpu: float = 0.0  # cores gunicorn used on average
    wrk_cpu: float = 0.0  # cores wrk used on average
    machine_cpu: float = 0.0  # cores every process used on average (PostgreSQL, others too)
    extra: dict = field(default_factory=dict)  # what a Lua script's done() printed


def machine_busy_seconds() -> float:
    """CPU seconds every process on the machine has used (all of /proc/stat but idle and iowait)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(fields[:8]) - fields[3] - fields[4]) / CLOCK_TICKS


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def milliseconds(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()
    return float(number) * UNITS[unit]


def parse_wrk(output: str) -> Load:
    load = Load()
    if found := re.search(r"^\s*50%\s+(\S+)", output, re.M):
        load.p50_ms = milliseconds(found.group(1))
    if found := re.search(r"^\s*99%\s+(\S+)", output, re.M):
        load.p99_ms = milliseconds(found.group(1))
    if found := re.search(r"(\d+) requests in ([\d.]+)(us|ms|s|m)", output):
        load.requests = int(found.group(1))
        load.seconds = milliseconds(found.group(2) + found.group(3)) / 1000
    if found := re.search(r"Requests/sec:\s+([\d.]+)", output):
        load.requests_per_second = float(found.group(1))
    notes = []
    if found := re.search(r"Non-2xx or 3xx responses: (\d+)", output):
        load.errors += int(found.group(1))
        notes.append(f"{found.group(1)} non-2xx/3xx")
    if found := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output):  # fmt: skip
        socket_errors = sum(map(int, found.groups()))
        if socket_errors:
            load.errors += socket_errors
            notes.append("socket errors: " + found.group(0).split(": ", 1)[1])
    for key, value in re.findall(r"PERF (\w+)=(\S*)", output):
        load.extra[key] = int(value) if value.isdigit() else value
    load.error_note = "; ".join(notes)
    return load


def run_wrk(server: Server, path: str, args, *, seconds: float, headers=(), script=None) -> Load:
    command = ["wrk", f"-t{args.wrk_threads}", f"-c{args.connections}", f"-d{seconds:g}s",
               "--latency", "--timeout", "5s"]  # fmt: skip
    for header in headers:
        command += ["-H", header]
    if script is not None:
        command += ["-s", str(script)]
    command.append(server.base + path)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    server_before, busy_before = server.cpu_seconds(), machine_busy_seconds()
    started = time.monotonic()
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    elapsed = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise Stop(f"wrk failed on {path}: {done.stderr.strip() or done.stdout.strip()}")
    load = parse_wrk(done.stdout)
    load.server_cpu = (server.cpu_seconds() - server_before) / elapsed
    load.machine_cpu = (machine_busy_seconds() - busy_before) / elapsed
    wrk_seconds = (after.ru_utime - children.ru_utime) + (after.ru_stime - children.ru_stime)
    load.wrk_cpu = wrk_seconds / elapsed
    if load.requests == 0 and not load.errors:
        load.errors, load.error_note = 1, "no request completed"
    return load


def measure(server: Server, path: str, args, headers=()) -> Load:
    if args.warmup > 0:
        run_wrk(server, path, args, seconds=args.warmup, headers=headers)
    return run_wrk(server, path, args, seconds=args.seconds, headers=headers)


WRITER = """-- Signed-in members replying (and, in a mixed load, reading thread pages). Made by bench/perf.py.
local members = {MEMBERS}
local targets = {TARGETS}
local run = "{RUN}"
local read_share = {READ_SHARE}
local text = "{TEXT}"
local threads = {{}}
local counter = 0
reads, replies, bad, sent, first_bad = 0, 0, 0, 0, ""

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(id * 7919 + 17)
end

function request()
  counter = counter + 1
  local member = members[(counter + id * 7) % #members + 1]
  local target = targets[math.random(#targets)]
  if math.random() < read_share then
    return wrk.format("GET", "/t/" .. target, {{["Cookie"] = member[1]}})
  end
  sent = sent + 1
  local body = "body=Perf+reply+" .. run .. "+" .. id .. "-" .. counter .. "+" .. text
    .. "&csrf_token=" .. member[2]
  return wrk.format("POST", "/t/" .. target .. "/reply",
    {{["Cookie"] = member[1], ["Content-Type"] = "application/x-www-form-urlencoded"}}, body)
end

function response(status, headers, body)
  if status == 200 then reads = reads + 1
  elseif status == 302 then replies = replies + 1
  else
    bad = bad + 1
    if first_bad == "" then first_bad = tostring(status) end
  end
end

function done(summary, latency, requests)
  local totals = {{reads = 0, replies = 0, bad = 0, sent = 0}}
  local first = "-"
  for _, thread in ipairs(threads) do
    for key, _ in pairs(totals) do totals[key] = totals[key] + thread:get(key) end
    if thread:get("first_bad") ~= "" then first = thread:get("first_bad") end
  end
  io.write(string.format("PERF reads=%d\\nPERF replies=%d\\nPERF bad=%d\\nPERF sent=%d\\nPERF first_bad=%s\\n",
    totals.reads, totals.replies, totals.bad, totals.sent, first))
end
"""


def lua_string(value: str) -> str:
    if not re.fullmatch(r"[\w.=;%+/\- ]*", value):
        raise Stop(f"Unexpected characters in a cookie or token: {value[:40]!r}")
    return f'"{value}"'


def writer_script(folder: Path, credentials, targets, run: str, read_share: float) -> Path:
    members = "{" + ", ".join(f"{{{lua_string(c)}, {lua_string(t)}}}" for c, t in credentials) + "}"
    script = WRITER.format(
        MEMBERS=members,
        TARGETS="{" + ", ".join(map(str, targets)) + "}",
        RUN=run,
        READ_SHARE=read_share,
        TEXT=REPLY_TEXT.replace(" ", "+").replace(".", "%2E"),
    )
    path = folder / f"writer-{read_share:g}.lua"
    path.write_text(script)
    return path


def stored_replies(url: str, run: str, member_ids: list[int]) -> int:
    engine = create_engine(url)
    with engine.connect() as connection:
        stored = connection.execute(
            text(
                "SELECT count(*) FROM post WHERE author_id IN :members "
                "AND body_markdown LIKE :prefix"
            ).bindparams(bindparam("members", expanding=True)),
            {"members": member_ids, "prefix": f"Perf reply {run} %"},
        ).scalar()
    engine.dispose()
    return stored


def writes(server, args, url, found, credentials, folder, read_share: float) -> Load:
    run = secrets.token_hex(4)
    script = writer_script(folder, credentials, found.targets, run, read_share)
    load = run_wrk(server, f"/t/{found.targets[0]}", args, seconds=args.seconds, script=script)
    extra = load.extra
    if "replies" not in extra:
        raise Stop("The wrk script printed no counts.")
    stored = stored_replies(url, run, found.member_ids)
    problems = []
    if extra["bad"]:
        problems.append(f"{extra['bad']} answers neither 200 nor 302 (first: {extra['first_bad']})")
    if read_share == 0 and extra["reads"]:
        problems.append(f"{extra['reads']} replies answered 200 instead of 302")
    # A reply in flight when wrk stops may be stored without wrk seeing its answer.
    if not extra["replies"] <= stored <= extra["sent"]:
        problems.append(
            f"{extra['replies']} acknowledged but {stored} stored ({extra['sent']} sent)"
        )
    load.extra["stored"] = stored
    load.extra["replies_per_second"] = extra["replies"] / load.seconds if load.seconds else 0.0
    if problems:
        load.errors += len(problems) if not extra["bad"] else extra["bad"]
        load.error_note = "; ".join(filter(None, [load.error_note, *problems]))
    return load


# The report


@dataclass
class Row:
    page: str
    who: str
    url: str
    size: int | None
    load: Load
    queries: tuple | None = None
    rate: float | None = None  # the row's own rate, for replies; else the load's requests/s


def fmt(value: float | None, digits: int = 0) -> str:
    if value is None or value != value:  # None or NaN
        return "–"
    return f"{value:,.{digits}f}"


def table(rows: list[Row], ceiling_rps: float) -> list[str]:
    lines = [
        "| Page | Who | URL | KB | Req/s | p50 ms | p99 ms | × ceiling | SQL 1st / 2nd | "
        "gunicorn CPU | wrk CPU | all CPU | Errors |",
        "|---|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|",
    ]
    for row in rows:
        rate = row.rate if row.rate is not None else row.load.requests_per_second
        ratio = rate / ceiling_rps if ceiling_rps and row.rate is None else None
        queries = "–"
        if row.queries is not None:
            queries = " / ".join("err" if q is None else str(q) for q in row.queries)
        errors = str(row.load.errors)
        if row.load.error_note:
            errors += f" ({row.load.error_note})"
        lines.append(
            f"| {row.page} | {row.who} | `{row.url}` | {fmt(row.size / 1024 if row.size else None, 1)} "
            f"| {fmt(rate)} | {fmt(row.load.p50_ms, 1)} | {fmt(row.load.p99_ms, 1)} "
            f"| {fmt(ratio, 2)} | {queries} | {fmt(row.load.server_cpu, 2)} "
            f"| {fmt(row.load.wrk_cpu, 2)} | {fmt(row.load.machine_cpu, 2)} | {errors} |"
        )
    return lines


def targets_met(rows, pages, ceiling_rps, reply_load, consistent, rss) -> list[tuple[str, bool]]:
    results = []
    for row in rows:
        if row.who not in ("visitor", "member") or not row.page.startswith(("Thread", "Category")):
            continue
        share = VISITOR_SHARE if row.who == "visitor" else MEMBER_SHARE
        got = row.load.requests_per_second / ceiling_rps if ceiling_rps else 0.0
        results.append(
            (
                f"{row.page}, {row.who}: {got:.0%} of the ceiling's requests/s (≥ {share:.0%})",
                got >= share and not row.load.errors,
            )  # fmt: skip
        )
    # The forum's pages: not the ceiling, not the rows that post replies.
    reads = [r for r in rows if r.size is not None and not r.page.startswith("Ceiling")]
    if reads:  # none with --replying-only
        slowest = max(reads, key=lambda r: r.load.p99_ms if r.load.p99_ms == r.load.p99_ms else 1e9)
        results.append(
            (
                f"p99 < {P99_MS:.0f} ms on every read page (slowest: {slowest.page}, {slowest.who}, "
                f"{fmt(slowest.load.p99_ms, 1)} ms)",
                all(r.load.p99_ms < P99_MS for r in reads),
            )  # fmt: skip
        )
        results.append(("Every read page answered 200", all(not r.load.errors for r in reads)))
    rate = reply_load.extra.get("replies_per_second", 0.0)
    results.append(
        (
            f"Replying: {rate:,.0f} replies/s (≥ {REPLIES_PER_SECOND:.0f}), zero errors, exact counters",
            rate >= REPLIES_PER_SECOND and not reply_load.errors and consistent,
        )  # fmt: skip
    )
    results.append((f"Peak memory per worker {fmt(max(rss, default=0), 0)} MB (< {RSS_MB:.0f} MB)",
                    bool(rss) and max(rss) < RSS_MB))  # fmt: skip
    steady = [p.queries[role][1] for p in pages for role in ("visitor", "member")
              if role in p.queries]  # fmt: skip
    worst = max((q for q in steady if q is not None), default=None)
    results.append(
        (
            f"≤ {QUERIES} SQL statements per read page once warm (most: {worst})",
            None not in steady and worst is not None and worst <= QUERIES,
        )  # fmt: skip
    )
    return results


def machine() -> str:
    model = "unknown CPU"
    try:
        found = re.search(r"^model name\s*:\s*(.+)$", Path("/proc/cpuinfo").read_text(), re.M)
        model = found.group(1) if found else model
    except OSError:
        pass
    version = subprocess.run(["wrk", "--version"], capture_output=True, text=True)
    wrk_version = (version.stdout or version.stderr).split("[")[0].strip() or "wrk"
    return f"{os.cpu_count()} cores ({model}); Python {sys.version.split()[0]}; {wrk_version}"


# The run


def interrupted(*_args) -> None:
    raise KeyboardInterrupt  # a SIGTERM stops the run as Ctrl-C does: gunicorn is stopped too


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", choices=["sqlite", "postgresql"], required=True)
    parser.add_argument("--path", default=str(DEFAULT_SQLITE), help="the SQLite file")
    parser.add_argument(
        "--database-url", default=DEFAULT_POSTGRESQL, help="the PostgreSQL database"
    )
    parser.add_argument("--seconds", type=float, default=10.0, help="of load per measurement")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds of load before each")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1,
                        help="gunicorn sync workers (default: 2 × cores + 1)")  # fmt: skip
    parser.add_argument("--connections", type=int, default=16, help="wrk's connections")
    parser.add_argument("--wrk-threads", type=int, default=2, help="wrk's threads")
    parser.add_argument("--users", type=int, default=10_000, help="to seed an empty database")
    parser.add_argument("--threads", type=int, default=50_000, help="to seed an empty database")
    parser.add_argument("--posts", type=int, default=1_000_000, help="to seed an empty database")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument("--replying-only", action="store_true",
                        help="measure the ceiling and the writes, not each page")  # fmt: skip
    parser.add_argument("--output", help="the Markdown file (default: bench/results/perf-<db>.md)")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, interrupted)
    signal.signal(signal.SIGINT, interrupted)  # even where a shell started it ignoring Ctrl-C
    try:
        return run(args)
    except Stop as stop:
        say(f"perf: {stop}")
        return 2
    except KeyboardInterrupt:
        say("perf: interrupted; gunicorn stopped.")
        return 130


def run(args) -> int:
    if shutil.which("wrk") is None:
        raise Stop("wrk is not installed: `apt-get install -y wrk` (Debian/Ubuntu).")
    if args.seconds < 1 or args.connections < 1 or args.workers < 1:
        raise Stop("--seconds, --connections and --workers must be at least 1.")
    load_before = os.getloadavg()
    about_machine = machine()
    url = database_url(args)
    prepare_database(url, args)
    # The forum reads its settings from the environment when imported: set them first.
    os.environ.update(DATABASE_URL=url, SECRET_KEY=SECRET_KEY, RATELIMIT_ENABLED="0",
                      REDIS_URL=REDIS_URL,  # its job queue too, under a name of this run's own
                      QUEUE_NAME=f"blossom-perf-{secrets.token_hex(4)}")  # fmt: skip
    notes = [n for n in [flush_cache()] if n]
    from forum import create_app

    app = create_app()
    found = explore(app)
    facts = database_facts(url)
    say("Counting SQL statements per page, in-process.")
    if not args.replying_only:
        count_queries(app, found.pages)
    notes += [n for n in [flush_cache()] if n]
    env = {**os.environ}
    rows: list[Row] = []

    with ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="blossom-perf-")))
        # The ceiling's server stays up (idle) all along: measured first and again last, so a
        # machine that got busier or quieter in between shows as two different ceilings.
        ceiling = stack.enter_context(gunicorn("bench.ceiling:app", args.workers, env, "/t/1"))
        ceiling_size = len(httpx.get(ceiling.base + "/t/1").content)
        say(f"Measuring the ceiling ({args.workers} sync workers).")
        ceiling_first = measure(ceiling, "/t/1", args)
        forum = stack.enter_context(
            gunicorn("forum:create_app()", args.workers, env, "/guidelines")
        )
        # The queue's worker, on the same machine: a reply's followers are told by it.
        worker = subprocess.Popen([str(BIN / "flask"), "--app", "forum", "worker"], env=env,
                                  cwd=ROOT, stdout=subprocess.DEVNULL, start_new_session=True)  # fmt: skip
        stack.callback(stop_process, worker)
        say("Signing the members in through the login form.")
        members = [Member(forum.base, name) for name in MEMBERS]
        for member in members:
            stack.callback(member.close)
        credentials = [
            ("; ".join(f"{k}={v}" for k, v in m.http.cookies.items()), m.token) for m in members
        ]
        visitor = stack.enter_context(httpx.Client(base_url=forum.base, timeout=60))
        for role in () if args.replying_only else ("visitor", "member"):
            headers = () if role == "visitor" else (f"Cookie: {credentials[0][0]}",)
            client = visitor if role == "visitor" else members[0].http
            for page in found.pages:
                say(f"  {page.name}, {role}: {page.url}")
                first = client.get(page.url)
                signed_in = "Log out" in first.text
                if first.status_code != 200:
                    load = Load(errors=1, error_note=f"answered {first.status_code}")
                elif signed_in != (role == "member"):
                    load = Load(errors=1, error_note="signed in" if signed_in else "not signed in")
                else:
                    load = measure(forum, page.url, args, headers)
                rows.append(Row(page.name, role, page.url, len(first.content), load,
                                page.queries.get(role)))  # fmt: skip

        say(f"Replying: {args.connections} connections of signed-in members.")
        reply_load = writes(forum, args, url, found, credentials, folder, read_share=0.0)
        rows.append(Row(f"Replying ({len(MEMBERS)} members)", "member", "POST /t/<recent>/reply",
                        None, reply_load, rate=reply_load.extra["replies_per_second"]))  # fmt: skip
        say("Mixed: 90 % thread pages, 10 % replies.")
        mixed_load = writes(forum, args, url, found, credentials, folder, read_share=0.9)
        rows.append(Row("Mixed: 90 % thread pages, 10 % replies", "member",
                        "GET /t/<recent> + POST reply", None, mixed_load))  # fmt: skip
        rss = forum.peak_rss_mb()
        worker_count = len(forum.pids())
        say("Measuring the ceiling again.")
        ceiling_last = measure(ceiling, "/t/1", args)
        ceiling_rss = ceiling.peak_rss_mb()
    ceiling_rps = (ceiling_first.requests_per_second + ceiling_last.requests_per_second) / 2
    rows[0:0] = [
        Row("Ceiling, first", "visitor", "/t/1 (bench.ceiling:app)", ceiling_size, ceiling_first),
        Row("Ceiling, last", "visitor", "/t/1 (bench.ceiling:app)", ceiling_size, ceiling_last),
    ]

    say("Checking every counter (flask check-consistency).")
    check = flask(url, "check-consistency", check=False)
    consistent = check.returncode == 0 and "All counters are exact." in check.stdout
    check_said = (check.stdout + check.stderr).strip().replace("\n", "; ")

    results = targets_met(rows, found.pages, ceiling_rps, reply_load, consistent, rss)
    shown_url = make_url(url).render_as_string(hide_password=True)
    lines = [
        f"# Blossom against the ceiling: {args.db}",
        "",
        f"- Database: `{shown_url}`: {facts['post']:,} posts, {facts['thread']:,} threads, "
        f"{facts['user']:,} members, {facts['bytes'] / 1024**2:,.0f} MB",
        f"- Machine: {about_machine}; load average before the run "
        f"{' / '.join(f'{x:.2f}' for x in load_before)}",
        f"- gunicorn: `{' '.join(gunicorn_command('<app>', args.workers, 0)[1:]).replace('127.0.0.1:0', '127.0.0.1:<free port>')}` "
        f"for `forum:create_app()` and `bench.ceiling:app` alike ({args.workers} sync workers; "
        f"default 2 × cores + 1); env DATABASE_URL, RATELIMIT_ENABLED=0, REDIS_URL={REDIS_URL} "
        "(emptied at the start and before the load), a fixed SECRET_KEY",
        f"- Load: `wrk -t{args.wrk_threads} -c{args.connections} -d{args.seconds:g}s --latency "
        f"--timeout 5s` on the same machine, after {args.warmup:g} s of the same as a warm-up; "
        "the members' pages send the session cookie of perf0, signed in through the login form",
        "- SQL 1st / 2nd: statements per request in-process (Flask's test client, same database "
        "and cache), the first after the cache was emptied, then the second",
        f"- CPU: cores used on average during the measurement, of {os.cpu_count()}, by gunicorn's "
        "processes, by wrk, and by every process on the machine (PostgreSQL, and anything else "
        "running: a total well above gunicorn + wrk means the numbers were shared with others); "
        "× ceiling: requests/s over the mean of the ceiling's two measurements",
        "",
        *table(rows, ceiling_rps),
        "",
        f"- Replying: {reply_load.extra['replies']:,} replies acknowledged (302), "
        f"{reply_load.extra['stored']:,} stored, {reply_load.extra['sent']:,} sent "
        f"in {reply_load.seconds:.1f} s = **{reply_load.extra['replies_per_second']:,.0f} replies/s**; "
        f"mixed: {mixed_load.extra['reads']:,} pages and {mixed_load.extra['replies']:,} replies "
        f"({mixed_load.extra['stored']:,} stored)",
        f"- Counters after the writes (`flask check-consistency`): "
        f"{'exact' if consistent else 'NOT exact: ' + check_said}",
        f"- Peak memory per worker (VmHWM): forum {fmt(max(rss, default=None), 1)} MB "
        f"(largest of {worker_count}), ceiling {fmt(max(ceiling_rss, default=None), 1)} MB",
        *[f"- Note: {n}" for n in notes],
        "",
        "## Targets",
        "",
        *[f"- {'met' if ok else '**missed**'}: {what}" for what, ok in results],
    ]
    report = "\n".join(lines) + "\n"
    print(report)
    output = Path(args.output) if args.output else RESULTS / f"perf-{args.db}.md"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(report)
    say(f"Written to {output}.")
    if args.check and not all(ok for _, ok in results):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
