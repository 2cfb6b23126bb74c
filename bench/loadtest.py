"""Load and fault tests against gunicorn, on SQLite or PostgreSQL. Not part of the unit suite.

    .venv/bin/python bench/loadtest.py replies  --db sqlite       # (a) 50 clients replying, 30 s
    .venv/bin/python bench/loadtest.py kill     --db postgresql   # (b) the same, SIGKILL a worker every 5 s
    .venv/bin/python bench/loadtest.py mixed    --db sqlite       # (c) reads, replies and reactions, 60 s
    .venv/bin/python bench/loadtest.py outage                     # (d) PostgreSQL stopped for 10 s mid-load

Each run makes a fresh database (a file in a temporary folder, or a PostgreSQL database named
<TEST database>_bench_<random> that is dropped afterwards; the outage test starts a throwaway
PostgreSQL cluster of its own on port 55432 and never touches another server), migrates it,
signs members in through the login form (CSRF tokens read from the forms, as a browser does),
runs the load on loopback only, then checks that every acknowledged reply is stored exactly once,
that `check-consistency` finds every counter exact, and that the database's integrity holds.
It prints one line starting PASS or FAIL, and exits 0 or 1.
"""

import argparse
import os
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from sqlalchemy import create_engine, make_url, text

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PASSWORD = "bench password that is long enough"  # noqa: S105 -- made-up bench members
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
DEFAULT_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/blossom"
OUTAGE_PORT = 55432


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


# Databases


@contextmanager
def sqlite_database():
    folder = Path(tempfile.mkdtemp(prefix="blossom-bench-"))
    try:
        yield f"sqlite:///{folder}/forum.db"
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def postgresql_database(server_url: str):
    """A new database on the given server, dropped afterwards."""
    url = make_url(server_url)
    name = f"{url.database or 'blossom'}_bench_{secrets.token_hex(4)}"
    admin = create_engine(
        url.set(database="postgres"), isolation_level="AUTOCOMMIT", pool_pre_ping=True
    )
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


class Cluster:
    """A throwaway PostgreSQL cluster in a temporary folder, run as the postgres OS user."""

    def __init__(self, port: int = OUTAGE_PORT) -> None:
        self.port = port
        self.bin = Path(sorted(Path("/usr/lib/postgresql").glob("*/bin"))[-1])
        self.folder = Path(tempfile.mkdtemp(prefix="blossom-pg-"))
        self.data = self.folder / "data"
        self.as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def _run(self, *args: str) -> None:
        subprocess.run([*self.as_postgres, *args], check=True, capture_output=True, timeout=120)

    def create(self) -> str:
        if self.as_postgres:
            shutil.chown(self.folder, "postgres", "postgres")
        self._run(str(self.bin / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres")
        self.start()
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c max_connections=200"
        )
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.folder / "log"),
                  "-o", options, "-w", "start")  # fmt: skip

    def stop(self) -> None:
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    def remove(self) -> None:
        try:
            self.stop()
        except subprocess.CalledProcessError:
            pass  # already stopped
        shutil.rmtree(self.folder, ignore_errors=True)


# The forum under test


def flask(url: str, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "bench-secret-key"}
    return subprocess.run(
        [str(BIN / "flask"), "--app", "forum", *args],
        env=env, cwd=ROOT, capture_output=True, text=True, timeout=600, check=check,
    )  # fmt: skip


SEED = """
from forum import create_app
from forum.database import db
from forum.services import accounts, posting
from forum.services.categories import create_default_categories
import sys
app = create_app()
with app.app_context():
    categories = create_default_categories()
    db.session.flush()
    members = [accounts.register(f"bench{n}", f"bench{n}@example.org", sys.argv[2])
               for n in range(int(sys.argv[1]))]
    db.session.flush()
    thread = posting.start_thread(members[0], categories[0], "Load test: how are mornings going?",
                                  "Tell us how this morning went.")
    for n in range(20):
        posting.reply(members[n % len(members)], thread, f"Seed reply {n}", kindness_confirmed=True)
    db.session.commit()
    print(thread.id)
"""


def prepare(url: str, members: int) -> int:
    """Migrate a fresh database and add members and one thread; the thread's id."""
    flask(url, "db", "upgrade")
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "bench-secret-key"}
    seeded = subprocess.run(
        [sys.executable, "-c", SEED, str(members), PASSWORD],
        env=env, cwd=ROOT, capture_output=True, text=True, timeout=600, check=True,
    )  # fmt: skip
    return int(seeded.stdout.strip().splitlines()[-1])


@contextmanager
def gunicorn(url: str, workers: int, threads: int):
    port = free_port()
    # Fifty members replying every second or two is far past a person's pace: the rate limits
    # (tested on their own) would turn most of it away, and this measures what gets written.
    limits = os.environ.get("BENCH_RATELIMIT_ENABLED", "0")
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "bench-secret-key",
           "RATELIMIT_ENABLED": limits}  # fmt: skip
    log = tempfile.NamedTemporaryFile(prefix="blossom-gunicorn-", suffix=".log", delete=False)
    # Keep-alive outlasts the sign-in phase: a connection closed while idle fails its next request.
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "--workers", str(workers), "--threads", str(threads),
         "--bind", f"127.0.0.1:{port}", "--timeout", "60", "--graceful-timeout", "5", "--keep-alive", "300",
         "forum:create_app()"],
        env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(f"{base}/guidelines", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline or server.poll() is not None:
            server.kill()
            raise RuntimeError(f"gunicorn did not start; see {log.name}")
        time.sleep(0.3)
    try:
        yield base, server
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)
        log.close()
        if os.environ.get("BENCH_KEEP_LOGS"):
            print(f"gunicorn's log: {log.name}")
        else:
            os.unlink(log.name)


def worker_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children")
    if children.exists():
        return [int(pid) for pid in children.read_text().split()]
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master:
            found.append(int(stat.parent.name))
    return found


# Clients


@dataclass
class Tally:
    lock: threading.Lock = field(default_factory=threading.Lock)
    statuses: Counter = field(default_factory=Counter)
    acknowledged: list[str] = field(default_factory=list)
    attempted: list[str] = field(default_factory=list)
    read_latencies: list[float] = field(default_factory=list)
    write_latencies: list[float] = field(default_factory=list)
    # (time since start, status or error name, seconds taken), for the outage test
    timeline: list[tuple[float, str, float]] = field(default_factory=list)
    started: float = 0.0
    clients: int = 1


class Member:
    """One browser: signs in through the form, and keeps the form token it was given."""

    def __init__(self, base: str, username: str) -> None:
        self.http = httpx.Client(base_url=base, timeout=30, follow_redirects=False)
        login = self.http.get("/login")
        token = CSRF.search(login.text).group(1)
        signed_in = self.http.post(
            "/login", data={"login": username, "password": PASSWORD, "csrf_token": token}
        )
        if signed_in.status_code != 302:
            raise RuntimeError(f"{username} could not sign in: {signed_in.status_code}")
        self.token = CSRF.search(self.http.get("/settings").text).group(1)

    def close(self) -> None:
        self.http.close()


def run_clients(base, count, seconds, thread_id, opening_id, roles, tally, on_start=None) -> float:
    """Sign `count` clients in, then let them work for `seconds`; how long the load ran.

    on_start is called once every client is signed in, as the load begins (to start a fault).
    """
    members = [Member(base, f"bench{n}") for n in range(count)]
    tally.clients = count
    tally.started = time.monotonic()
    stop_at = tally.started + seconds
    if on_start is not None:
        on_start()
    workers = [
        threading.Thread(
            target=client_loop,
            args=(members[n], roles[n % len(roles)], n, thread_id, opening_id, stop_at, tally),
        )
        for n in range(count)
    ]  # fmt: skip
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=seconds + 120)
    elapsed = time.monotonic() - tally.started
    for member in members:
        member.close()
    return elapsed


def client_loop(member, role, number, thread_id, opening_id, stop_at, tally):
    rng = random.Random(number)
    sent = 0
    while time.monotonic() < stop_at and sent < 100_000:
        sent += 1
        began = time.monotonic()
        marker = None
        try:
            if role == "reply":
                marker = f"m{number}-{sent}-{secrets.token_hex(4)}"
                with tally.lock:
                    tally.attempted.append(marker)
                response = member.http.post(
                    f"/t/{thread_id}/reply",
                    data={"body": f"Load test reply {marker}", "csrf_token": member.token},
                )
            elif role == "react":
                kind = rng.choice(["heart", "hug", "me_too", "got_this", "thank_you"])
                # The seeded replies, 20 posts after the opening one; never the client's own.
                offset = rng.randrange(1, 21)
                if (offset - 1) % tally.clients == number:
                    offset = offset % 20 + 1
                post_id = opening_id + offset
                response = member.http.post(
                    f"/p/{post_id}/react/{kind}", data={"csrf_token": member.token}
                )
            else:
                page = rng.choice(
                    [f"/t/{thread_id}", f"/t/{thread_id}?page=2", "/", "/c/back-to-work"]
                )
                response = member.http.get(page)
            status = str(response.status_code)
        except httpx.HTTPError as error:
            status = type(error).__name__
        taken = time.monotonic() - began
        with tally.lock:
            tally.statuses[status] += 1
            tally.timeline.append((began - tally.started, status, taken))
            if role == "read" and status == "200":
                tally.read_latencies.append(taken)
            elif role != "read":
                tally.write_latencies.append(taken)
            if marker is not None and status == "302":
                tally.acknowledged.append(marker)
        if not status.isdigit():
            time.sleep(0.2)  # a connection refused or reset: don't spin


# Checks


def verify(url: str, thread_id: int, tally: Tally) -> list[str]:
    """What went wrong, if anything: lost or doubled replies, drifted counters, broken storage."""
    problems = []
    engine = create_engine(url)
    with engine.connect() as connection:
        bodies = connection.execute(
            text("SELECT body_markdown FROM post WHERE thread_id = :t AND position > 1"),
            {"t": thread_id},
        ).scalars()
        stored = Counter(
            b.removeprefix("Load test reply ") for b in bodies if b.startswith("Load test")
        )
        lost = [m for m in tally.acknowledged if stored[m] != 1]
        doubled = [m for m, n in stored.items() if n > 1]
        unknown = set(stored) - set(tally.attempted)
        if lost:
            problems.append(f"{len(lost)} acknowledged replies not stored exactly once")
        if doubled or unknown:
            problems.append(f"{len(doubled)} replies stored twice, {len(unknown)} never sent")
        total, distinct, highest, post_count = connection.execute(
            text(
                "SELECT count(*), count(DISTINCT position), max(position), "
                "(SELECT post_count FROM thread WHERE id = :t) FROM post WHERE thread_id = :t"
            ),
            {"t": thread_id},
        ).one()
        if not (total == distinct == highest == post_count):
            problems.append(
                f"positions: {total} posts, {distinct} distinct, max {highest}, count {post_count}"
            )
        if engine.dialect.name == "sqlite":
            result = connection.execute(text("PRAGMA integrity_check")).scalar()
            if result != "ok":
                problems.append(f"integrity_check: {result}")
            if connection.execute(text("PRAGMA foreign_key_check")).first() is not None:
                problems.append("foreign_key_check found rows")
        else:
            orphans = connection.execute(
                text(
                    "SELECT count(*) FROM post p LEFT JOIN thread t ON t.id = p.thread_id WHERE t.id IS NULL"
                )
            ).scalar()
            if orphans:
                problems.append(f"{orphans} posts without a thread")
    engine.dispose()
    check = flask(url, "check-consistency", check=False)
    if check.returncode != 0 or "All counters are exact." not in check.stdout:
        problems.append(
            "check-consistency: " + (check.stdout + check.stderr).strip().replace("\n", "; ")
        )
    return problems


def five_hundreds(tally: Tally) -> int:
    return sum(n for s, n in tally.statuses.items() if s.isdigit() and s.startswith("5"))


def summary(tally: Tally, seconds: float) -> str:
    requests = sum(tally.statuses.values())
    shown = ", ".join(f"{s}×{n}" for s, n in sorted(tally.statuses.items()))
    writes = tally.write_latencies
    return (
        f"{requests} requests in {seconds:.0f} s ({requests / seconds:.0f}/s) [{shown}]; "
        f"{len(tally.acknowledged)} replies acknowledged; write p50 {percentile(writes, 0.5) * 1000:.0f} ms "
        f"p95 {percentile(writes, 0.95) * 1000:.0f} ms"
    )


def report(name: str, problems: list[str], details: str) -> int:
    verdict = "PASS" if not problems else "FAIL"
    print(f"{verdict} {name}: {details}" + ("" if not problems else " | " + "; ".join(problems)))
    return 0 if not problems else 1


# The four tests


def database_for(args):
    return sqlite_database() if args.db == "sqlite" else postgresql_database(args.server)


def test_replies(args, kill: bool = False) -> int:
    name = f"{'kill' if kill else 'replies'} {args.db}"
    with database_for(args) as url:
        thread_id = prepare(url, args.clients)
        opening_id = thread_id  # not used by repliers
        with gunicorn(url, args.workers, args.threads) as (base, server):
            tally = Tally()
            killed = []
            stop = threading.Event()

            def killer() -> None:
                while not stop.wait(5) and len(killed) < 1000:
                    pids = worker_pids(server.pid)
                    if pids:
                        victim = random.choice(pids)
                        os.kill(victim, signal.SIGKILL)
                        killed.append(victim)

            chaos = threading.Thread(target=killer)
            elapsed = run_clients(
                base, args.clients, args.seconds, thread_id, opening_id, ["reply"], tally,
                on_start=chaos.start if kill else None,
            )  # fmt: skip
            stop.set()
            if kill:
                chaos.join(timeout=10)
        problems = verify(url, thread_id, tally)
        if five_hundreds(tally):
            problems.append(f"{five_hundreds(tally)} responses were 5xx")
        if not tally.acknowledged:
            problems.append("no reply was acknowledged")
        if kill and not killed:
            problems.append("no worker was killed")
        details = summary(tally, elapsed) + (f"; {len(killed)} workers killed" if kill else "")
        return report(name, problems, details)


def test_mixed(args) -> int:
    with database_for(args) as url:
        thread_id = prepare(url, args.clients)
        engine = create_engine(url)
        with engine.connect() as connection:
            opening_id = connection.execute(
                text("SELECT id FROM post WHERE thread_id = :t AND position = 1"), {"t": thread_id}
            ).scalar()
        engine.dispose()
        # 60 % of clients read, 20 % reply, 20 % toggle reactions.
        roles = ["read", "read", "read", "reply", "react"]
        with gunicorn(url, args.workers, args.threads) as (base, _server):
            tally = Tally()
            elapsed = run_clients(
                base, args.clients, args.seconds, thread_id, opening_id, roles, tally
            )
        problems = verify(url, thread_id, tally)
        if five_hundreds(tally):
            problems.append(f"{five_hundreds(tally)} responses were 5xx")
        reads = tally.read_latencies
        details = (
            f"{summary(tally, elapsed)}; {len(reads)} reads: p50 {percentile(reads, 0.5) * 1000:.0f} ms, "
            f"p95 {percentile(reads, 0.95) * 1000:.0f} ms, p99 {percentile(reads, 0.99) * 1000:.0f} ms"
        )
        return report(f"mixed {args.db}", problems, details)


def test_outage(args) -> int:
    """Writers and readers for `seconds`; PostgreSQL is stopped from 10 s to 20 s in."""
    cluster = Cluster()
    try:
        server_url = cluster.create()
        with postgresql_database(server_url) as url:
            thread_id = prepare(url, args.clients)
            roles = ["reply", "read"]
            with gunicorn(url, args.workers, args.threads) as (base, _server):
                tally = Tally()
                down_at, up_at = 10.0, 20.0

                def outage() -> None:
                    time.sleep(down_at)
                    cluster.stop()
                    time.sleep(up_at - down_at)
                    cluster.start()

                fault = threading.Thread(target=outage)
                elapsed = run_clients(
                    base, args.clients, args.seconds, thread_id, thread_id, roles, tally,
                    on_start=fault.start,
                )  # fmt: skip
                fault.join(timeout=60)
            problems = verify(url, thread_id, tally)
    finally:
        cluster.remove()
    # A 503 is right only for a request still running when the database went down, or begun
    # before it was back (plus a few seconds to start): none before, none well after.
    during = [(t, s, d) for t, s, d in tally.timeline if down_at + 1 < t < up_at - 0.5]
    unavailable = [d for _, s, d in during if s == "503"]
    unexpected = Counter(s for t, s, _ in tally.timeline if s not in ("200", "302", "503"))
    outside = [t for t, s, d in tally.timeline if s == "503" and (t + d < down_at or t > up_at + 5)]
    if five_hundreds(tally) - tally.statuses["503"]:
        problems.append(
            f"{five_hundreds(tally) - tally.statuses['503']} responses were 5xx other than 503"
        )
    if not unavailable:
        problems.append("no 503 while the database was down")
    elif percentile(unavailable, 0.95) > 1.0:
        problems.append(f"503s were slow: p95 {percentile(unavailable, 0.95):.2f} s")
    if unexpected:
        at = sorted(round(t, 1) for t, s, _ in tally.timeline if s not in ("200", "302", "503"))
        problems.append(f"unexpected answers: {dict(unexpected)} at {at[:5]} s")
    recovered = [t for t, s, _ in tally.timeline if t > up_at and s == "302"]
    if not recovered:
        problems.append("no reply was stored after PostgreSQL came back")
    if outside:
        problems.append(f"{len(outside)} 503s outside the outage, at {sorted(outside)[:5]} s")
    details = (
        f"{summary(tally, elapsed)}; down {down_at:.0f}–{up_at:.0f} s: {len(unavailable)} 503s, "
        f"p95 {percentile(unavailable, 0.95) * 1000:.0f} ms; first reply stored "
        f"{(min(recovered) - up_at) if recovered else float('nan'):.1f} s after restart"
    )
    return report("outage postgresql", problems, details)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("test", choices=["replies", "kill", "mixed", "outage"])
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--server", default=os.environ.get("TEST_DATABASE_URL", DEFAULT_SERVER),
                        help="PostgreSQL server (a database on it) to make the bench database on")  # fmt: skip
    parser.add_argument("--clients", type=int, default=50, help="at most 200")
    parser.add_argument("--seconds", type=float)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument(
        "--threads",
        type=int,
        help="per worker; default 1 on SQLite (see the README's Load and fault tests), else 4",
    )
    args = parser.parse_args()
    if args.threads is None:
        args.threads = 1 if args.db == "sqlite" and args.test != "outage" else 4
    if args.seconds is None:
        args.seconds = {"replies": 30, "kill": 30, "mixed": 60, "outage": 40}[args.test]
    args.clients = max(1, min(args.clients, 200))
    args.seconds = max(1.0, min(args.seconds, 600.0))
    if args.test == "outage":
        return test_outage(args)
    if args.test == "mixed":
        return test_mixed(args)
    return test_replies(args, kill=args.test == "kill")


if __name__ == "__main__":
    sys.exit(main())
