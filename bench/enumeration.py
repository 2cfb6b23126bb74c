"""Do sign-in, sign-up and password reset take as long whether or not an account exists?

    .venv/bin/python bench/enumeration.py [ROUNDS]

Runs the app in-process on a new SQLite database with the production password hash (scrypt),
times each pair of requests in turn (known, unknown, known, ...), and prints the median of each
and a pass/fail line: a pass when the medians are within 15% or 5 ms of each other. The time
counted is until the response is ready, as a client sees it; emails are sent after that.
"""

import statistics
import sys
import tempfile
import time

from forum import create_app
from forum.config import Config
from forum.database import db
from forum.services import accounts

PASSWORD = "a long and quiet morning"  # noqa: S105 -- a made-up member's password for timing


def make_app(folder: str):
    settings = {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.db",
        "SECRET_KEY": "bench-only",
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "MAIL_FOLDER": f"{folder}/mail",
        "MAIL_SERVER": None,
    }
    app = create_app(type("BenchConfig", (Config,), settings))
    with app.app_context():
        db.create_all()
        accounts.register("hannah", "hannah@example.org", PASSWORD)
        db.session.commit()
    return app


def timed(client, url: str, data: dict) -> float:
    start = time.perf_counter()
    response = client.post(url, data=data)
    elapsed = time.perf_counter() - start
    response.close()  # what happens after the response (sending email) isn't counted
    return elapsed


def main(rounds: int) -> bool:
    with tempfile.TemporaryDirectory() as folder:
        app = make_app(folder)
        client = app.test_client()
        cases = {
            "sign-in, wrong password": (
                "/login",
                lambda n: {"login": "hannah", "password": "wrong guess"},
                lambda n: {"login": f"nobody{n}", "password": "wrong guess"},
            ),
            "password reset": (
                "/forgot",
                lambda n: {"email": "hannah@example.org"},
                lambda n: {"email": f"nobody{n}@example.org"},
            ),
            "sign-up": (
                "/signup",
                lambda n: signup(f"taken{n}", "hannah@example.org"),
                lambda n: signup(f"fresh{n}", f"fresh{n}@example.org"),
            ),
        }
        passed = True
        for name, (url, known, unknown) in cases.items():
            times: dict[str, list[float]] = {"known": [], "unknown": []}
            for n in range(rounds):
                times["known"].append(timed(client, url, known(n)))
                times["unknown"].append(timed(client, url, unknown(n)))
            a, b = (statistics.median(times[k]) * 1000 for k in ("known", "unknown"))
            close = abs(a - b) <= max(5.0, 0.15 * max(a, b))
            passed &= close
            print(
                f"{name:26} exists {a:7.1f} ms   doesn't {b:7.1f} ms   {'ok' if close else 'DIFFERS'}"
            )
        print("PASS: the same time within noise" if passed else "FAIL: timing tells")
        return passed


def signup(username: str, email: str) -> dict:
    return {"username": username, "email": email, "password": "tea gone cold again today",
            "confirm": "tea gone cold again today", "agree": "y"}  # fmt: skip


if __name__ == "__main__":
    sys.exit(0 if main(int(sys.argv[1]) if len(sys.argv) > 1 else 15) else 1)
