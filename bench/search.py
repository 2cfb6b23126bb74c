"""How fast search answers on a large forum: p50/p95/p99 of typical two-word queries.

Fill a database first (see the README), then run against it:

    DATABASE_URL=sqlite:////tmp/bench.db .venv/bin/python bench/search.py
    DATABASE_URL=postgresql://postgres@127.0.0.1/bench .venv/bin/python bench/search.py

Each query is timed twice over: the search service alone (count and one ranked page with
snippets), and the whole results page through Flask (the same plus rendering and the header).
The queries are run in a shuffled order after a warm-up, in one process, one at a time.
"""

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select  # noqa: E402

from forum import create_app  # noqa: E402
from forum.database import db  # noqa: E402
from forum.models import Post  # noqa: E402
from forum.services import search  # noqa: E402

# Two words a parent might type, from the vocabulary the seeder writes with.
TYPICAL = [
    "guilty daycare", "sleep regression", "tired baby", "nursery drop-off", "pumping work",
    "bedtime routine", "flexible hours", "lonely night", "teething cold", "manager meeting",
    "first steps", "formula guilt", "partner bedtime", "grandparents help", "crying car",
    "health visitor", "commute train", "toddler tantrum", "mother-in-law advice", "coffee desk",
]  # fmt: skip


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def measure(run, queries: list[str], rounds: int) -> list[float]:
    timings = []
    for _ in range(rounds):
        order = queries[:]
        random.shuffle(order)
        for query in order:
            started = time.perf_counter()
            run(query)
            timings.append((time.perf_counter() - started) * 1000)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10, help="times through the query list")
    parser.add_argument("--warmup", type=int, default=2, help="rounds before measuring")
    args = parser.parse_args()

    app = create_app()
    client = app.test_client()
    with app.app_context():
        posts = db.session.scalar(select(func.count(Post.id)))
        database = db.engine.dialect.name
        indexed = search.indexed()

        def service(query: str) -> None:
            search.search(search.parse(query))
            db.session.rollback()

        def page(query: str) -> None:
            response = client.get("/search", query_string={"q": query})
            if response.status_code != 200:
                raise SystemExit(f"the results page answered {response.status_code}")

        matches = {q: search.count(search.parse(q)) for q in TYPICAL}
        measure(service, TYPICAL, args.warmup)
        measure(page, TYPICAL, args.warmup)
        results = {"service": measure(service, TYPICAL, args.rounds),
                   "page": measure(page, TYPICAL, args.rounds)}  # fmt: skip

    print(f"{database}: {posts:,} posts, {indexed:,} in the search index")
    print(f"{len(TYPICAL)} two-word queries x {args.rounds} rounds; matches per query "
          f"(counted to {search.COUNT_MAX + 1:,}): median {statistics.median(matches.values()):,.0f}, "
          f"min {min(matches.values()):,}, max {max(matches.values()):,}")  # fmt: skip
    print(f"{'':10}{'p50 ms':>10}{'p95 ms':>10}{'p99 ms':>10}{'max ms':>10}")
    for name, timings in results.items():
        row = [percentile(timings, p) for p in (0.5, 0.95, 0.99)] + [max(timings)]
        print(f"{name:10}" + "".join(f"{value:10.1f}" for value in row))


if __name__ == "__main__":
    main()
