"""The ceiling: the fastest any page of ours could be with the same framework and server.

A bare Flask app (no database, no extensions, no session read) that renders, from constant data,
a Jinja template of the same size and shape as a thread page (templates/threads/show.html inside
templates/base.html): the site header, breadcrumbs, two pagination bars, 20 post cards with the
author's name and avatar initials, a time, a body of HTML (308 to 1,349 characters), a row of
five reaction buttons, and the footer. Links are built with url_for as the real page builds them,
and the template is compiled once and autoescaped, as Flask does for the files in templates/.

Its page is 39,490 bytes. A full page (20 posts) of a thread of the seeded forum
(`flask --app forum seed-bench`) is 38,300 to 39,450 bytes for a visitor: pages 1, 2 and 200 of
a long thread were 39,150, 38,293 and 39,445 bytes (the bodies come from the seeder's pool of
2,000, about 1,000 characters on average, whatever the forum's size). The ceiling's bodies are a
little shorter and its reaction buttons a little longer than a visitor's reaction counts.

    .venv/bin/gunicorn bench.ceiling:app          # from the repository's root

Every path answers with the same page, so a load generator can point at / or /t/1.
"""

from flask import Flask, render_template
from jinja2 import DictLoader

SENTENCES = (
    "We tried a later bedtime and it helped more than I expected.",
    "My manager asked when I would be back to full speed and I had no answer.",
    "Nursery drop-off was easier today, she only cried for a minute.",
    "I keep comparing myself to other parents and it never helps.",
    "Teething, a cold and a deadline all in the same week.",
    "Our childminder sends photos at lunchtime and it makes the afternoon easier.",
    "My partner does bedtime now and honestly it has saved us both.",
    "It does get easier, I promise, even if it does not feel like it today.",
    "She slept through the night for the first time and I did not know what to do with myself.",
    "Pumping at work in a cupboard is not how I imagined my return.",
)


def _body(number: int, length: int) -> str:
    """Constant HTML like a rendered Markdown post: paragraphs, sometimes a list or a quote."""
    parts: list[str] = []
    size = 0
    n = number
    while True:
        sentence = SENTENCES[n % len(SENTENCES)]
        kind = n % 7
        if kind == 3:
            part = f"<blockquote>\n<p>{sentence}</p>\n</blockquote>"
        elif kind == 5:
            part = (
                f"<ul>\n<li>{sentence}</li>\n<li>{SENTENCES[(n + 3) % len(SENTENCES)]}</li>\n</ul>"
            )
        else:
            part = f"<p>{sentence} {SENTENCES[(n + 1) % len(SENTENCES)]}</p>"
        if size >= 300 and size + len(part) + 1 > length:
            return "\n".join(parts)
        parts.append(part)
        size += len(part) + 1
        n += 1


REACTIONS = (
    ("heart", "❤️", "Send love", "{} hearts"),
    ("hug", "🤗", "Send a hug", "{} hugs"),
    ("me_too", "🙋", "Me too", "{} me too"),
    ("got_this", "💪", "You've got this", "{} you've got this"),
    ("thank_you", "🙏", "Thank you", "{} thank yous"),
)

LENGTH_MIN, LENGTH_MAX = 350, 1400
LENGTHS = [LENGTH_MIN + (LENGTH_MAX - LENGTH_MIN) * ((n * 7) % 20) // 19 for n in range(20)]
# 20 posts, their bodies from 308 to 1,349 characters (787 on average).
POSTS = [
    {
        "id": 1021 + n,
        "position": 21 + n,
        "username": f"parent_{37 * n % 500}",
        "name": f"Parent {37 * n % 500}",
        "initials": f"P{(37 * n % 500) // 10 % 10}",
        "colour": n % 8,
        "iso": f"2025-03-{n + 1:02d}T08:{n * 2:02d}:00Z",
        "exact": f"{n + 1} March 2025 at 08:{n * 2:02d} UTC",
        "ago": "1 year ago",
        "body": _body(n, LENGTHS[n]),
        "reactions": [
            {
                "kind": k,
                "emoji": e,
                "action": a,
                "count": (n + i) % 4,
                "spoken": s.format((n + i) % 4),
            }
            for i, (k, e, a, s) in enumerate(REACTIONS)
        ],
    }
    for n in range(20)
]
THREAD = {"id": 1, "title": "Back at work after leave: how are mornings going?", "replies": 4999}
CATEGORY = {"slug": "back-to-work", "name": "Back to work"}
PAGE = {"number": 2, "count": 250, "links": [1, 2, 3, 4, None, 250]}
CSRF_TOKEN = "IjYxZjQ4ZTM0YmM0ODVhNzU2MzAwMjQ1ZGQ0Njk0ZGQ2MjEwYmY2NTIi.Z9nC8w.Ym9vdGhlY2Vpbmc"  # noqa: S105 -- a constant for the page's size, checked by nothing

BASE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <meta name="color-scheme" content="light dark">
  <meta name="htmx-config" content='{"includeIndicatorStyles":false,"allowEval":false}'>
  <title>{% block title %}Blossom{% endblock %} · Blossom</title>
  <link rel="stylesheet" href="{{ url_for('static', filename='css/blossom.css') }}">
  <link rel="icon" href="{{ url_for('static', filename='img/blossom.svg') }}" type="image/svg+xml">
  <script src="{{ url_for('static', filename='js/htmx-2.0.11.min.js') }}" defer></script>
</head>
<body>
  <a class="skip-link" href="#content">Skip to content</a>
  <header class="site-header">
    <div class="bar">
      <a class="brand" href="{{ url_for('page') }}">
        <img src="{{ url_for('static', filename='img/blossom.svg') }}" alt="" width="28" height="28">
        <span>Blossom</span>
      </a>
      <form class="site-search" method="get" action="/search" role="search">
        <label class="visually-hidden" for="site-search-q">Search Blossom</label>
        <input type="search" id="site-search-q" name="q" placeholder="Search Blossom" maxlength="1000" value="">
        <button class="button button-small" type="submit">Search</button>
      </form>
      <nav class="site-nav" aria-label="Main">
        <a class="nav-categories" href="/#categories-heading">Categories</a>
        <a href="/waiting">Waiting</a>
        <a class="button button-small" href="/new">Start a thread</a>
      </nav>
      <div class="account-links">
        <a href="/login">Log in</a>
        <a href="/signup">Sign up</a>
      </div>
    </div>
  </header>
  <main id="content" class="page" tabindex="-1">
    {% block content %}{% endblock %}
  </main>
  <footer class="site-footer">
    <p>Blossom is a place for working parents to be heard. Be kind: everyone here is doing their best.</p>
    <p class="not-crisis">Blossom is peer support, not a crisis service. If you might hurt yourself or someone else, <a href="/support">get support now</a>.</p>
    <p><a href="/">Home</a> · <a href="/support">Get support now</a> · <a href="/guidelines">Community guidelines</a></p>
  </footer>
</body>
</html>
"""

SHOW = """{% extends "base.html" %}
{% macro pagination(page, label) %}
  <nav class="pagination" aria-label="{{ label }}">
    <a href="{{ url_for('page', path='t/1', page=page.number - 1) }}" rel="prev">Previous</a>
    {% for n in page.links %}
      {% if n is none %}<span class="gap" aria-hidden="true">…</span>
      {% elif n == page.number %}<span aria-current="page" class="current">{{ n }}</span>
      {% else %}<a href="{{ url_for('page', path='t/1', page=n) }}" aria-label="Page {{ n }}">{{ n }}</a>
      {% endif %}
    {% endfor %}
    <a href="{{ url_for('page', path='t/1', page=page.number + 1) }}" rel="next">Next</a>
  </nav>
{% endmacro %}
{% macro post_card(post) %}
  <article class="post" id="p{{ post.position }}" aria-labelledby="p{{ post.position }}-by">
    <header class="post-head">
      <span class="avatar avatar-{{ post.colour }}" aria-hidden="true">{{ post.initials }}</span>
      <div>
        <span id="p{{ post.position }}-by"><a class="member" href="{{ url_for('page', path='u/' ~ post.username) }}"><bdi>{{ post.name }}</bdi></a></span>
        <p class="meta">
          <a href="{{ url_for('page', path='p/' ~ post.id) }}"><time datetime="{{ post.iso }}" title="{{ post.exact }}">{{ post.ago }}</time></a>
        </p>
      </div>
    </header>
    <div class="post-body">{{ post.body|safe }}</div>
    <form class="reactions" method="post" action="/p/{{ post.id }}/react">
      {%- for r in post.reactions %}<button class="reaction" name="kind" value="{{ r.kind }}" title="{{ r.action }}">{{ r.emoji }}{% if r.count %} {{ r.count }}{% endif %}</button>{% endfor -%}
    </form>
  </article>
{% endmacro %}
{% block title %}{{ thread.title }}{% endblock %}
{% block content %}
<nav class="crumbs" aria-label="Breadcrumb"><a href="/">Home</a> › <a href="/c/{{ category.slug }}">{{ category.name }}</a></nav>
<h1 class="thread-heading"><bdi>{{ thread.title }}</bdi></h1>
<p class="meta">{{ "{:,}".format(thread.replies) }} replies</p>
{{ pagination(page, 'Pages of this thread') }}
<div class="posts">
  {% for post in posts %}{{ post_card(post) }}{% endfor %}
</div>
{{ pagination(page, 'Pages of this thread (bottom)') }}
<p class="notice"><a href="/login">Log in</a> or <a href="/signup">join Blossom</a> to reply.</p>
{% endblock %}
"""

app = Flask(__name__)
app.jinja_loader = DictLoader({"base.html": BASE, "show.html": SHOW})


@app.get("/", defaults={"path": ""})
@app.get("/<path:path>")
def page(path: str):
    return render_template(
        "show.html",
        thread=THREAD,
        category=CATEGORY,
        page=PAGE,
        posts=POSTS,
        csrf_token=CSRF_TOKEN,
    )
