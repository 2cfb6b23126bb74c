"""Work that need not happen inside a request, done by a worker: a Huey queue.

The queue lives in a SQLite file in the instance folder by default (every process on this host
shares it) and in Redis when REDIS_URL is set (every host shares it); the tests keep it in memory
and run what waits with `run_waiting()`. `flask --app forum worker` consumes it; `demo` runs a
consumer inside its own process.

Services declare their tasks with `task()` and `periodic_task()`, and ask for one to run with
`after_commit()`, which enqueues it only once the transaction that asked has committed (a worker
never looks for rows that aren't there yet; a rolled-back request enqueues nothing). Every task runs
in an app context of its own, with a session of its own, as it would in the worker.

The database stays the record: a task lost with a queue loses nothing, because each kind of work
has a sweep that finds what is still due and enqueues it again. Tasks are therefore written to be
run twice without harm.
"""

import functools
import logging
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from flask import Flask, current_app, g, has_app_context
from huey import Huey, crontab
from huey.api import TaskWrapper
from huey.consumer import Consumer
from huey.storage import MemoryStorage, RedisStorage, SqliteStorage
from sqlalchemy import event
from sqlalchemy.orm import Session

from forum.database import db

__all__ = ["after_commit", "crontab", "huey", "periodic_task", "run_waiting", "task"]

log = logging.getLogger(__name__)

# Tasks register on this one instance when their modules are imported; init_queue() gives it the
# storage the app's configuration asks for.
huey = Huey("blossom", storage_class=MemoryStorage, utc=True, results=False)
_app: Flask | None = None
_running_for: Flask | None = None  # the app run_waiting() was called in, if any


def task(**options) -> Callable[[Callable], TaskWrapper]:
    """A function the worker runs, in an app context of its own (options as for `huey.task`)."""
    return lambda fn: huey.task(**options)(_in_app_context(fn))


def periodic_task(schedule: Callable, **options) -> Callable[[Callable], TaskWrapper]:
    """A function the worker runs on a schedule such as `crontab(minute="*/5")`."""
    return lambda fn: huey.periodic_task(schedule, **options)(_in_app_context(fn))


def _in_app_context(fn: Callable) -> Callable:
    @functools.wraps(fn)
    def run(*args, **kwargs):
        app = _running_for or _app
        if app is None:
            raise RuntimeError("The queue has no app: create_app() sets it.")
        with app.app_context():
            g.takes_write_lock = True  # SQLite: its transactions take the write lock up front
            try:
                return fn(*args, **kwargs)
            finally:
                db.session.rollback()  # nothing half-done is left for the next task

    return run


def after_commit(work: TaskWrapper, *args: Any) -> None:
    """Enqueue `work(*args)` once the current transaction commits (at once, outside a request)."""
    if not has_app_context():
        work(*args)
        return
    g.setdefault("queue_waiting", []).append((work, args))


def _committed(session: Session) -> None:
    if has_app_context() and "queue_waiting" in g:
        for work, args in g.pop("queue_waiting"):
            try:
                work(*args)
            except Exception:  # the queue is down: the sweep finds the work still due
                log.exception("Could not enqueue %s; its sweep will", work.name)


def _rolled_back(session: Session, previous_transaction) -> None:
    if has_app_context() and previous_transaction.parent is None:
        g.pop("queue_waiting", None)


event.listen(db.session, "after_commit", _committed)
event.listen(db.session, "after_soft_rollback", _rolled_back)


def init_queue(app: Flask) -> None:
    """Give the queue the storage the configuration names, and the app its tasks run in."""
    global _app
    _app = app
    kind = app.config["QUEUE"]
    huey.name = app.config["QUEUE_NAME"]  # forums sharing one Redis each have their own queue
    if kind == "memory":
        huey.storage = MemoryStorage(huey.name)
    elif kind == "redis":
        huey.storage = RedisStorage(huey.name, url=app.config["REDIS_URL"])
    else:
        path = Path(app.instance_path) / "queue.db"
        path.parent.mkdir(parents=True, exist_ok=True)
        huey.storage = SqliteStorage(huey.name, filename=str(path))


def run_waiting(limit: int = 10_000, now: datetime | None = None) -> int:
    """Run what waits in the queue, and what is scheduled and due, here and now; return how many.

    For the tests and for commands that want the work done before they return. Called inside an
    app context, the work runs for that app. A task that fails and will be retried waits for its
    delay, as in the worker: `run_waiting(now=...)` runs what is due by then.
    """
    global _running_for
    done = 0
    _running_for = current_app._get_current_object() if has_app_context() else None
    try:
        while done < limit:
            for due in huey.read_schedule(now):
                huey.enqueue(due)
            message = huey.dequeue()
            if message is None:
                return done
            huey.execute(message, now)
            done += 1
        return done
    finally:
        _running_for = None


class _InProcessConsumer(Consumer):
    """A consumer beside a server in one process: the server keeps its own signal handlers."""

    def _set_signal_handlers(self) -> None:
        pass


def start_in_process(workers: int = 1) -> Consumer:
    """Start a consumer on threads of this process (for `demo`); it stops with the process."""
    consumer = _InProcessConsumer(huey, workers=workers, worker_type="thread")
    consumer.start()
    return consumer


def run_worker(workers: int) -> None:
    """Consume the queue until interrupted (`flask --app forum worker`)."""
    huey.create_consumer(workers=workers, worker_type="thread").run()
