"""The command that rebuilds the search index."""

from sqlalchemy import text

from forum.database import db
from forum.models import search as schema
from forum.services import moderation_actions, search
from tests import factories


def run(app, *args: str):
    result = app.test_cli_runner().invoke(args=list(args))
    db.session.commit()  # end the test's snapshot so it sees what the command wrote
    return result


def found(words: str) -> list[int]:
    return [r.post.id for r in search.search(search.parse(words)).items]


def test_reindex_rebuilds_an_emptied_index_without_the_posts_nobody_may_read(
    app, member, moderator
):
    thread = factories.thread(member, title="Night weaning", body="Three nights in, going well.")
    hidden = factories.reply(member, thread, "Night weaning secret: the sofa.")
    moderation_actions.hide_post(moderator, hidden, "Private details")
    db.session.commit()
    db.session.execute(text(f"DELETE FROM {schema.TABLE}"))
    db.session.commit()
    assert found("weaning") == [] and search.similar_threads("weaning") != []
    result = run(app, "reindex")
    assert result.exit_code == 0, result.output
    assert (
        "Indexing posts" in result.output
        and "Indexed 1 post that everyone can read" in result.output
    )
    assert found("weaning") == [factories.opening_post(thread).id]
    assert found("sofa") == [] and search.indexed() == 1
    assert [t.id for t in search.similar_threads("weaning")] == [thread.id]
