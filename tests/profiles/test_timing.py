"""A profile costs the same whatever its member posted anonymously.

Its statements read the member's named threads and replies from indexes that lead with the
author and `anonymous`, so the anonymous ones are never visited: how many there are can't show in
how long the page takes. Measured as the work each database does for the same statements, before
and after the member writes many anonymous posts: the virtual machine's steps on SQLite, the rows
each scan of the member's posts or threads reads (kept or filtered out) on PostgreSQL.
"""

import json
from itertools import count

from flask_login import AnonymousUserMixin
from sqlalchemy import event, text

from forum.database import db
from forum.services import browsing, helpful, posting, profiles
from tests import factories

numbers = count(1)


def profile_statements(member) -> list[tuple[str, object]]:
    """The statements the profile page runs about the member, as sent to the database."""
    sent = []

    def keep(conn, cursor, statement, parameters, context, executemany):
        if "author_id =" in statement:  # not SQLite's BEGIN, nor reading the member herself
            sent.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", keep)
    try:
        profiles.profile(member.username, AnonymousUserMixin())
        browsing.recent_threads_by(member)
        browsing.recent_replies_by(member)
    finally:
        event.remove(db.engine, "before_cursor_execute", keep)
    return sent


def sqlite_work(cursor, statement: str, parameters) -> tuple[int, str]:
    steps = 0

    def step() -> int:
        nonlocal steps
        steps += 1
        return 0

    connection = cursor.connection
    connection.set_progress_handler(step, 1)
    try:
        cursor.execute(statement, parameters).fetchall()
    finally:
        connection.set_progress_handler(None, 1)
    plan = cursor.execute(f"EXPLAIN QUERY PLAN {statement}", parameters).fetchall()
    return steps, [row[3] for row in plan if "author_id" in row[3] or "SCAN" in row[3]]


def postgresql_work(cursor, statement: str, parameters) -> tuple[int, str]:
    # The test's tables are tiny, where reading one whole is cheapest; a forum's never are.
    cursor.execute("SET LOCAL enable_seqscan = off")
    cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {statement}", parameters)
    plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    rows, reads = 0, []

    def walk(node: dict) -> None:
        nonlocal rows
        condition = node.get("Index Cond", "") + node.get("Recheck Cond", "")
        if "author_id" in condition + node.get("Filter", ""):
            if "Index Name" in node or node["Node Type"] == "Seq Scan":  # how rows are found
                reads.append(f"{node['Node Type']} {node.get('Index Name', '')} {condition}")
            # A bitmap's rows are counted where the table is read, not twice.
            if node["Node Type"] != "Bitmap Index Scan":
                read = node["Actual Rows"] + node.get("Rows Removed by Filter", 0)
                read += node.get("Rows Removed by Index Recheck", 0)
                rows += read * node["Actual Loops"]
        for child in node.get("Plans", []):
            walk(child)

    walk(plan[0]["Plan"])
    return rows, reads


def profile_cost(member) -> tuple[list[int], list[str]]:
    """The work of each of the profile's statements about the member, and how the database
    reads the member's rows for them."""
    statements = profile_statements(member)
    db.session.commit()
    connection = db.session.connection()
    dialect = connection.dialect.name
    if dialect == "postgresql":
        connection.execute(text("ANALYZE post"))
        connection.execute(text("ANALYZE thread"))
    measure = sqlite_work if dialect == "sqlite" else postgresql_work
    cursor = connection.connection.dbapi_connection.cursor()
    costs, plans = [], []
    for statement, parameters in statements:
        work, reads = measure(cursor, statement, parameters)
        costs.append(work)
        plans.extend(reads)
    cursor.close()
    db.session.rollback()
    return costs, plans


def write_anonymously(member, thread, how_many: int) -> None:
    """Threads and replies newer than every named one, so a scan in time order would meet them
    first, and replies marked as helping, as a named reply can be."""
    for _ in range(how_many):
        n = next(numbers)
        posting.start_thread(
            member, factories.category(), f"Quiet thread {n}", f"Only here {n}.", anonymous=True
        )
        reply = posting.reply(member, thread, f"Quietly, {n}.", anonymous=True)
        helpful.mark_helped(thread.author, reply, True)
    db.session.commit()


def test_a_profile_costs_the_same_however_many_anonymous_posts_its_member_wrote(
    member, other_member
):
    theirs = factories.thread(other_member)
    for n in range(3):
        factories.thread(member, title=f"Named thread number {n}")
        helped = factories.reply(member, theirs)
    helpful.mark_helped(other_member, helped, True)
    write_anonymously(member, theirs, 5)
    some, _ = profile_cost(member)

    write_anonymously(member, theirs, 40)
    many, reads = profile_cost(member)

    assert many == some
    # Each statement finds her rows by author and `anonymous` together, never by reading them.
    assert reads and all("anonymous" in read for read in reads), reads
    # and the page still lists just her named threads and replies
    assert [t.anonymous for t in browsing.recent_threads_by(member)] == [False] * 3
    assert [p.anonymous for p in browsing.recent_replies_by(member)] == [False] * 3
