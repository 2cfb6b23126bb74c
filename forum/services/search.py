"""Full-text search of thread titles and post bodies, one interface over SQLite and PostgreSQL.

What a member types is never handed to the database as query syntax: search_query reads it
into words and quoted phrases, and each is passed to FTS5 as a quoted string, or to PostgreSQL
through plainto_tsquery and phraseto_tsquery, as a bound value. Only posts everyone may read are in the
index (see forum/models/search.py), and the queries check the post's state again besides.

Snippets come from the post's plain text with control characters as match markers; the text is
escaped first and only then are the markers turned into <mark>, so no markup of the post's own
can reach the page.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from markupsafe import Markup, escape
from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    column,
    func,
    literal_column,
    select,
    table,
    text,
)
from sqlalchemy.orm import joinedload

from forum import stemming
from forum.database import db
from forum.models import Category, Post, Thread
from forum.models import search as schema
from forum.services.search_query import (  # noqa: F401 (part of this module's interface)
    QUERY_MAX,
    STOP_WORDS,
    TERMS_MAX,
    Query,
    clean,
    parse,
    variants,
)

PER_PAGE = 20
# A search ranks the newest CANDIDATES matching posts by relevance, so it costs the same however
# common its words; one more than COUNT_MAX, so a page can say "more than 1,000".
COUNT_MAX = 1_000
CANDIDATES = COUNT_MAX + 1
SIMILAR_MAX = 5
TITLE_WEIGHT = 4  # a match in a title counts as much as four in a body (SQLite)
SIMILAR_CANDIDATES = 200
# Never in a post's plain text: control characters are dropped from it.
MARK_START, MARK_END = "\x02", "\x03"

# The two databases


def _fts5_string(words: tuple[str, ...] | str) -> str:
    """A quoted FTS5 string: a word or a phrase, never syntax. Words hold no quotes; be sure."""
    joined = words if isinstance(words, str) else " ".join(words)
    return '"' + joined.replace('"', '""') + '"'


def _fts5_forms(word: str) -> list[str]:
    """A word's near forms in English, and in Spanish by stem and by root (as a prefix)."""
    spanish = [f"stems : {_fts5_string(stemming.spanish_stem(word))}"]
    spanish += [f"stems : {_fts5_string(root)} *" for root in stemming.spanish_roots(word)]
    return [_fts5_string(v) for v in variants(word)] + spanish


def fts5_match(query: Query) -> str:
    """Every term must be found; a single word may be found in any of its near forms."""
    groups = []
    for term in query.terms:
        if len(term) == 1:
            groups.append("(" + " OR ".join(_fts5_forms(term[0])) + ")")
        else:
            groups.append(_fts5_string(term))
    return " AND ".join(groups)


def _word_tsquery(word: str) -> ColumnElement:
    """A word in any of its near forms: English, Spanish, and Spanish roots as prefixes."""
    parts = [func.plainto_tsquery(literal_column("'english'"), form) for form in variants(word)]
    parts.append(func.plainto_tsquery(literal_column("'spanish'"), word))
    # A root is letters and digits only (search_query.WORD), so it is no tsquery syntax.
    parts += [
        func.to_tsquery(literal_column("'simple'"), f"{root}:*")
        for root in stemming.spanish_roots(word)
    ]
    combined = parts[0]
    for part in parts[1:]:
        combined = combined.op("||")(part)
    return combined


def _tsquery(query: Query) -> ColumnElement:
    """The same on PostgreSQL, from bound values through plainto_tsquery and phraseto_tsquery."""
    combined = None
    for term in query.terms:
        if len(term) == 1:
            part = _word_tsquery(term[0])
        else:  # in the English half only: its words' positions are the text's own
            part = func.phraseto_tsquery(literal_column("'english'"), " ".join(term))
        combined = part if combined is None else combined.op("&&")(part)
    return combined


def _title_tsquery(words: list[str]) -> ColumnElement:
    """Any of the words, for similar titles."""
    combined = _word_tsquery(words[0])
    for word in words[1:]:
        combined = combined.op("||")(_word_tsquery(word))
    return combined


_fts = table(schema.TABLE, column("rowid", Integer), column("title"), column("body"))
_fts_titles = table(schema.TITLES, column("rowid", Integer), column("title"))
_pg = table(schema.TABLE, column("post_id", Integer), column("document"))


def _dialect() -> str:
    return db.session.get_bind().dialect.name


@dataclass(frozen=True)
class Filters:
    category: Category | None = None
    since: date | None = None
    until: date | None = None  # inclusive


def _filtering(filters: Filters) -> list[ColumnElement]:
    conditions = []
    if filters.category is not None:
        conditions.append(Thread.category_id == filters.category.id)
    if filters.since is not None:
        conditions.append(Post.created_at >= datetime.combine(filters.since, time.min))
    if filters.until is not None:
        conditions.append(
            Post.created_at < datetime.combine(filters.until + timedelta(1), time.min)
        )
    return conditions


def _marks(marked: ColumnElement) -> ColumnElement:
    """How many matches FTS5 marked in a column."""
    return func.length(marked) - func.length(func.replace(marked, MARK_START, ""))


def _candidates(query: Query, filters: Filters):
    """The newest CANDIDATES matching posts that pass the filters, each with its score.

    Scoring every match of a common word would cost more the larger the forum grows; the newest
    matches come in id order straight from the index, and only they are scored, so a search
    costs about the same at any size. Higher scores are better on both databases.
    """
    if _dialect() == "postgresql":
        tsquery = _tsquery(query)
        post_id, matches = _pg.c.post_id, _pg.c.document.op("@@")(tsquery)
        source = _pg
    else:
        post_id = _fts.c.rowid
        matches = literal_column(schema.TABLE).op("MATCH")(fts5_match(query))
        source = _fts
    if _dialect() == "postgresql":
        newest = select(post_id.label("post_id"))
    else:
        # FTS5 marks the matches in the rows it returns; they are counted one level up. (bm25
        # would read every match of every word to weigh them, which grows with the forum.)
        fts = literal_column(schema.TABLE)
        newest = select(
            post_id.label("post_id"),
            func.highlight(fts, 0, MARK_START, MARK_END).label("title_marked"),
            func.highlight(fts, 1, MARK_START, MARK_END).label("body_marked"),
            func.length(_fts.c.body).label("length"),
        )
    newest = newest.select_from(source).where(matches)
    conditions = _filtering(filters)
    if conditions:
        newest = newest.join(Post, Post.id == post_id).where(*conditions)
        if filters.category is not None:
            newest = newest.join(Thread, Thread.id == Post.thread_id)
    newest = newest.order_by(post_id.desc()).limit(CANDIDATES).subquery("newest")
    if _dialect() == "postgresql":
        scored = _pg.alias("scored")
        score = func.ts_rank(scored.c.document, tsquery, 1)
        statement = select(newest.c.post_id, score.label("score"), Post.created_at).join(
            scored, scored.c.post_id == newest.c.post_id
        )
    else:
        # As ts_rank does on PostgreSQL: matches, a title's weighing more, less in a long post.
        score = (TITLE_WEIGHT * _marks(newest.c.title_marked) + _marks(newest.c.body_marked)) / (
            1.0 + newest.c.length / 1000.0
        )
        statement = select(newest.c.post_id, score.label("score"), Post.created_at)
    return statement.join(Post, Post.id == newest.c.post_id).subquery("candidates")


def _snippet(query: Query, statement: Select) -> tuple[Select, ColumnElement]:
    """The outer query, with what it needs to cut a snippet from the post's plain text."""
    if _dialect() == "postgresql":
        options = (
            f"StartSel={MARK_START}, StopSel={MARK_END}, MaxWords=30, MinWords=12, "
            'ShortWord=2, MaxFragments=2, FragmentDelimiter=" … "'
        )
        snippet = func.ts_headline(
            literal_column("'english'"), Post.body_text, _tsquery(query), options
        )
        return statement.add_columns(snippet), snippet
    # FTS5 cuts the snippet from its own copy of the plain text, in the matching row.
    snippet = func.snippet(literal_column(schema.TABLE), 1, MARK_START, MARK_END, " … ", 24)
    statement = (
        statement.add_columns(snippet)
        .join(_fts, _fts.c.rowid == Post.id)
        .where(literal_column(schema.TABLE).op("MATCH")(fts5_match(query)))
    )
    return statement, snippet


# Results


@dataclass(frozen=True)
class Result:
    post: Post  # thread, category and author loaded
    snippet: Markup


@dataclass(frozen=True)
class Results:
    query: Query
    items: list[Result]
    total: int  # up to COUNT_MAX + 1
    page: int
    pages: int

    @property
    def more_than_counted(self) -> bool:
        return self.total > COUNT_MAX


def highlight(snippet: str | None) -> Markup:
    """Escape the text, then mark the matches: only our own <mark> reaches the page."""
    escaped = str(escape(snippet or ""))
    # noqa: S704 below -- the text is escaped first; only our own <mark> tags are added after.
    return Markup(escaped.replace(MARK_START, "<mark>").replace(MARK_END, "</mark>"))  # noqa: S704


def count(query: Query, filters: Filters = Filters()) -> int:
    """How many posts match, counted up to COUNT_MAX + 1, so a common word costs the same."""
    if query.is_empty:
        return 0
    candidates = _candidates(query, filters)
    return db.session.scalar(select(func.count()).select_from(candidates)) or 0


def pages_for(total: int) -> int:
    return max(1, -(-min(total, COUNT_MAX) // PER_PAGE))


def search(query: Query, filters: Filters = Filters(), page: int = 1) -> Results:
    """One page of matching posts, best first, the newest first among equals.

    One query in all: the candidates, their count, the page, the posts with their thread,
    category and author, and the snippets. A page past the end gives the last one (a second).
    """
    if query.is_empty:
        return Results(query, [], 0, 1, 1)
    page = min(max(page, 1), pages_for(COUNT_MAX))
    items, total = _page(query, filters, page)
    if not items and page > 1:
        page = pages_for(count(query, filters))
        items, total = _page(query, filters, page)
    return Results(query, items, total, page, pages_for(total))


def _page(query: Query, filters: Filters, page: int) -> tuple[list[Result], int]:
    rows = db.session.execute(page_statement(query, filters, page)).all()
    total = rows[0].total if rows else 0
    return [Result(post, highlight(snippet)) for post, _total, snippet in rows], total


def page_statement(query: Query, filters: Filters, page: int) -> Select:
    """The one statement for a page of results (bench/ explains it)."""
    candidates = _candidates(query, filters)
    ranked = (
        select(
            candidates.c.post_id,
            candidates.c.score,
            func.count().over().label("total"),
        )
        .order_by(
            candidates.c.score.desc(), candidates.c.created_at.desc(), candidates.c.post_id.desc()
        )
        .limit(PER_PAGE)
        .offset((page - 1) * PER_PAGE)
        .subquery("ranked")
    )
    statement = (
        select(Post)
        .join(ranked, ranked.c.post_id == Post.id)
        .where(Post.is_visible)  # the index holds no others; read again, to be sure
        .add_columns(ranked.c.total)
        .options(
            joinedload(Post.thread).joinedload(Thread.category),
            joinedload(Post.author),
        )
        .order_by(ranked.c.score.desc(), Post.created_at.desc(), Post.id.desc())
    )
    statement, _ = _snippet(query, statement)
    return statement


def similar_threads(title: str | None, limit: int = SIMILAR_MAX) -> list[Thread]:
    """Threads whose titles share words with this one, the closest first, then the liveliest."""
    query = parse(title)
    words = [term[0] for term in query.terms if len(term) == 1]
    words += [
        word for term in query.terms if len(term) > 1 for word in term if word not in STOP_WORDS
    ]
    words = list(dict.fromkeys(words))[:TERMS_MAX]
    if not words:
        return []
    # As with posts, only the newest matching titles are ranked, so common words cost no more.
    if _dialect() == "postgresql":
        tsquery = _title_tsquery(words)
        vector = func.to_tsvector(literal_column("'english'"), Thread.title).op("||")(
            func.to_tsvector(literal_column("'spanish'"), Thread.title)
        )  # as the titles' index (schema.TITLE_VECTOR) has it, so that index is used
        newest = select(Thread.id.label("id")).where(vector.op("@@")(tsquery))
        newest = newest.order_by(Thread.id.desc()).limit(SIMILAR_CANDIDATES).subquery()
        order = func.ts_rank(vector, tsquery).desc()
    else:
        match = " OR ".join(form for word in words for form in _fts5_forms(word))
        titles = literal_column(schema.TITLES)
        newest = select(_fts_titles.c.rowid.label("id"), (-func.bm25(titles)).label("score"))
        newest = newest.where(titles.op("MATCH")(match)).order_by(_fts_titles.c.rowid.desc())
        newest = newest.limit(SIMILAR_CANDIDATES).subquery()
        order = newest.c.score.desc()
    statement = (
        select(Thread)
        .join(newest, newest.c.id == Thread.id)
        # A title whose opening post isn't shown is read by moderators only (Thread.title_for):
        # matching it would show its words.
        .where(Thread.opening_shown)
        .options(joinedload(Thread.author), joinedload(Thread.category))
        .order_by(order, Thread.last_post_at.desc(), Thread.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(statement))


# Keeping the index whole


def _ranges(last_id: int, batch: int) -> Iterator[tuple[int, int]]:
    for first in range(1, last_id + 1, batch):
        yield first, min(first + batch - 1, last_id)


def rebuild(batch: int = 5_000, progress: Callable[[int], None] | None = None) -> int:
    """Build the index again from the posts, a range of ids at a time; returns posts indexed.

    Runs in the caller's transaction: nobody sees a half-built index.
    """
    empty, fill, titles, tidy = schema.REBUILD[_dialect()]
    db.session.execute(text(empty))
    last_id = db.session.scalar(select(func.max(Post.id))) or 0
    for first, last in _ranges(last_id, batch):
        db.session.execute(text(fill), {"first": first, "last": last})
        if progress is not None:
            progress(last - first + 1)
    for statement in titles:
        db.session.execute(text(statement))
    db.session.execute(text(tidy))
    return indexed()


def tidy() -> None:
    """After a bulk load: merge FTS5's segments (SQLite), refresh the planner's statistics."""
    *_, tidy_statement = schema.REBUILD[_dialect()]
    db.session.execute(text(tidy_statement))


def purge_erased() -> None:
    """Leave no trace in the index of words just erased (privacy.delete_account)."""
    for statement in schema.PURGE[_dialect()]:
        db.session.execute(text(statement))


def indexed() -> int:
    """How many posts the index holds."""
    return db.session.scalar(select(func.count()).select_from(table(schema.TABLE))) or 0


def last_post_id() -> int:
    return db.session.scalar(select(func.max(Post.id))) or 0
