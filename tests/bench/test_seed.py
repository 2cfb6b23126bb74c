"""`flask --app forum seed-bench`: the benchmark seeder, found by its entry point as a member of
the team would run it."""

from flask.cli import FlaskGroup
from sqlalchemy import func, select, text

from forum.database import db
from forum.models import Category, Post, PostStatus, Reaction, Report, Thread, User
from forum.services import search
from tests import factories


def run(app, *args: str):
    """The `flask` command, with the commands other packages register, as on the command line."""
    flask = FlaskGroup(create_app=lambda: app)
    result = app.test_cli_runner().invoke(flask, args=list(args))
    db.session.commit()  # end the test's snapshot so it sees what the command wrote
    return result


def found(words: str) -> list[int]:
    return [r.post.id for r in search.search(search.parse(words)).items]


def test_seed_bench_writes_a_consistent_forum_at_a_tiny_size(app):
    result = run(app, "seed-bench", "--users", "20", "--threads", "50", "--posts", "500")
    assert result.exit_code == 0, result.output
    assert "Writing" in result.output  # the progress bar
    assert "Added 20 members, 50 threads and 500 posts" in result.output
    count = lambda model, *where: db.session.scalar(  # noqa: E731
        select(func.count()).select_from(model).where(*where)
    )
    assert (count(User), count(Thread), count(Post)) == (20, 50, 500)
    assert count(Post, Post.anonymous) > 0 and count(Reaction) > 0 and count(Report) > 0
    longest = db.session.scalars(select(Thread.post_count).order_by(Thread.id).limit(3))
    assert list(longest) == [50, 50, 50]  # the long threads, scaled to the size asked for

    visible = (Post.deleted_at.is_(None), Post.status == PostStatus.VISIBLE)
    for thread in db.session.scalars(select(Thread)):
        positions = list(db.session.scalars(
            select(Post.position).where(Post.thread_id == thread.id).order_by(Post.position)
        ))  # fmt: skip
        assert positions == list(range(1, thread.post_count + 1))
        assert thread.reply_count == count(
            Post, Post.thread_id == thread.id, Post.position > 1, *visible
        )
        latest = db.session.scalar(
            select(func.max(Post.created_at)).where(Post.thread_id == thread.id, *visible)
        )
        assert thread.last_post_at == (latest or thread.created_at)
        opening = db.session.scalars(
            select(Post).where(Post.thread_id == thread.id, Post.position == 1)
        ).one()
        assert opening.anonymous == thread.anonymous and opening.author_id == thread.author_id
        assert opening.anonymous_number == (1 if thread.anonymous else None)
    for user in db.session.scalars(select(User)):
        assert user.post_count == count(Post, Post.author_id == user.id, ~Post.anonymous, *visible)
        assert user.thread_count == count(Thread, Thread.author_id == user.id, ~Thread.anonymous)
    for category in db.session.scalars(select(Category)):
        assert category.thread_count == count(Thread, Thread.category_id == category.id)
    for post in db.session.scalars(select(Post).limit(50)):
        assert 300 <= len(post.body_markdown) <= 1_500 and post.body_html.startswith("<")
    assert search.indexed() == count(Post, *visible)
    assert found("daycare")  # the index is built
    if db.engine.dialect.name == "postgresql":  # vacuumed, so listings read their index alone
        vacuumed = db.session.scalar(
            text("SELECT count(*) FROM pg_stat_user_tables WHERE relname IN ('thread', 'post') "
                 "AND last_vacuum IS NOT NULL")
        )  # fmt: skip
        assert vacuumed == 2
    # Members can go on posting: ids carry on after the seeded ones.
    member = factories.member("after_seed")
    factories.reply(member, factories.thread(member, title="After the seed"), "Still works.")
    assert count(Post) == 502


def test_seed_bench_refuses_a_forum_with_content_unless_forced(app, member):
    factories.thread(member, title="A real member's thread")
    before = db.session.scalar(select(func.count(Post.id)))
    refused = run(app, "seed-bench", "--users", "5", "--threads", "5", "--posts", "20")
    assert refused.exit_code != 0
    assert "already holds members' threads. Use --force" in refused.output
    assert db.session.scalar(select(func.count(Post.id))) == before
    forced = run(app, "seed-bench", "--users", "5", "--threads", "5", "--posts", "20", "--force")
    assert forced.exit_code == 0, forced.output
    assert db.session.scalar(select(func.count(Post.id))) == before + 20
    again = run(app, "seed-bench", "--users", "5", "--threads", "5", "--posts", "20", "--force")
    assert again.exit_code == 0, again.output  # new usernames each time
    assert db.session.scalar(select(func.count(User.id))) == 11


def test_seed_bench_refuses_sizes_that_make_no_sense(app):
    result = run(app, "seed-bench", "--users", "5", "--threads", "10", "--posts", "5")
    assert result.exit_code != 0 and "at least one post per thread" in result.output
    assert db.session.scalar(select(func.count(Thread.id))) == 0
