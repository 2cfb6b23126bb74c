"""What rendering one post costs at its worst: Markdown to sanitised HTML for maximal bodies.

    .venv/bin/python bench/render.py            # a table of CPU milliseconds per render
    .venv/bin/python bench/render.py --check    # exit 1 if any body costs more than the limit

A post or an edit is rendered once, on write (forum/services/text.py), in the request, so a body
that is slow to render ties up a worker. Each body below is 20,000 characters (the most a post may
hold) written to make the renderer work: thousands of links, emphasis, line breaks, list items,
nesting as deep as Markdown allows. Each is rendered --runs times; the table shows the fastest
and the median CPU time of one render in this process (CPU, not wall time, so other work on a
shared machine changes the figures less).

Not a test: timings depend on the machine. It exits 0 when it ran, 1 with --check when a body
took longer than --limit milliseconds (the median).
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from forum.services.text import render_markdown  # noqa: E402

MAX = 20_000
LIMIT_MS = 500


def _fill(unit: str) -> str:
    return (unit * (MAX // len(unit) + 1))[:MAX]


BODIES = {
    "plain prose": _fill("I cried in the car park at lunch today, and then I went back in. "),
    "one long line": _fill("word "),
    "one long address": "https://example.org/" + "a" * (MAX - 20),
    "line breaks": _fill("x\n"),
    "paragraphs": _fill("x\n\n"),
    "bare addresses": _fill("a.co "),
    "full web addresses": _fill("https://example.org/a?b=1 "),
    "email addresses": _fill("a@b.co "),
    "Markdown links": _fill("[a](https://example.org) "),
    "emphasis": _fill("*a* _b_ "),
    "unclosed emphasis": _fill("*a _b "),
    "nested emphasis": "*" * (MAX // 2 - 1) + "a" + "*" * (MAX // 2),
    "inline code": _fill("`a` "),
    "brackets": "[" * MAX,
    "entities and markup": _fill("&amp; <b>x</b> "),
    "list items": _fill("- a\n"),
    "nested lists": "".join("  " * n + "- x\n" for n in range(MAX))[:MAX],
    "nested quotes": _fill(">") + "\n",
    "quotes, one more each line": "".join(">" * n + " x\n" for n in range(1, 400))[:MAX],
}


def cpu_ms(body: str) -> float:
    start = time.process_time()
    render_markdown(body)
    return (time.process_time() - start) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--limit", type=float, default=LIMIT_MS, help="milliseconds (median)")
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()

    render_markdown("warm up: https://example.org *a*")  # compiles the patterns once
    print(f"| body ({MAX:,} characters) | fastest ms | median ms |")
    print("| --- | ---: | ---: |")
    worst = 0.0
    for name, body in BODIES.items():
        times = [cpu_ms(body) for _ in range(args.runs)]
        median = statistics.median(times)
        worst = max(worst, median)
        print(f"| {name} | {min(times):.0f} | {median:.0f} |")
    print(f"\nslowest median: {worst:.0f} ms (limit {args.limit:.0f} ms)")
    return 1 if args.check and worst > args.limit else 0


if __name__ == "__main__":
    sys.exit(main())
