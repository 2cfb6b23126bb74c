"""The search service on each database: reading queries, ranking, stemming, and an index that
follows every change to a post the moment it is committed."""

from datetime import timedelta

import pytest
from sqlalchemy import update

from forum.database import db, utcnow
from forum.models import Post
from forum.services import moderation_actions, posting, reporting, search
from tests import factories


def found(text: str, **filters) -> list[int]:
    """The ids of the posts a search finds, in order."""
    return [r.post.id for r in search.search(search.parse(text), search.Filters(**filters)).items]


# Reading what was typed


@pytest.mark.parametrize(
    "typed, terms",
    [
        ("guilty daycare", [("guilty",), ("daycare",)]),
        ('"first week back" tired', [("first", "week", "back"), ("tired",)]),
        ("don't cry", [("don", "t"), ("cry",)]),
        ('unbalanced "quote marks', [("unbalanced",), ("quote",), ("marks",)]),
        ("AND OR NOT NEAR( title: * ^", [("near",), ("title",)]),
        ("'; DROP TABLE post; --", [("drop",), ("table",), ("post",)]),
        ("the and of", []),
        ('" * % ( ) :', []),
        ("a\x00b\x1fc guilt", [("b",), ("c",), ("guilt",)]),
        ("Guilt GUILT guilt", [("guilt",)]),
    ],
)
def test_a_query_is_read_into_words_and_phrases_never_syntax(typed, terms):
    assert list(search.parse(typed).terms) == terms


def test_a_long_query_is_cut_and_says_so():
    query = search.parse("word " * 400)
    assert query.cut and query.terms == (("word",),)
    many = search.parse(" ".join(f"w{n}" for n in range(50)))
    assert len(many.terms) == search.TERMS_MAX and not many.cut


def test_fts5_gets_every_term_quoted():
    match = search.fts5_match(search.parse('guilty "night feeds" NEAR('))
    assert match == (
        '("guilty" OR "guilt" OR stems : "guilty") AND "night feeds" AND ("near" OR stems : "near")'
    )
    # A Spanish word's stem, and its root as a prefix ("culpable": culpabl, culp*).
    assert search.fts5_match(search.parse("culpable")) == (
        '("culpable" OR "culpabley" OR stems : "culpabl" OR stems : "culp" *)'
    )


def test_snippets_escape_the_post_and_mark_only_matches():
    marked = search.highlight(f"<b>{search.MARK_START}guilt{search.MARK_END}</b> & <script>")
    assert str(marked) == "&lt;b&gt;<mark>guilt</mark>&lt;/b&gt; &amp; &lt;script&gt;"


# Finding and ranking


def test_guilty_finds_guilt_and_stemming_finds_other_forms(app, member):
    guilt = factories.thread(member, title="Back at my desk", body="The guilt comes in waves.")
    cried = factories.thread(
        member, title="Car park", body="I cried all the way to work, feeling lost."
    )
    opening = factories.opening_post
    assert found("guilty") == [opening(guilt).id]
    assert found("guilt") == [opening(guilt).id]
    assert found("feelings") == [opening(cried).id]
    assert found("waving") == [opening(guilt).id]


def test_spanish_words_are_found_by_their_stems_and_roots(app, member):
    """ "culpable" finds "culpa", "trabajando" finds "trabajo", on both databases."""
    guilt = factories.thread(
        member, title="Vuelta al trabajo", body="La culpa me acompaña cada mañana."
    )
    work = factories.thread(member, title="Guardería", body="Sigo trabajando con el bebé en casa.")
    factories.thread(member, title="Naps", body="The nap is short today.")
    opening = factories.opening_post
    assert found("culpable") == [opening(guilt).id]
    assert found("culpa") == [opening(guilt).id]
    assert found("trabajo") == [opening(guilt).id, opening(work).id]
    assert found("mañanas") == [opening(guilt).id]
    assert [t.id for t in search.similar_threads("Volver a trabajar")] == [guilt.id]
    # An edit is stemmed again, in the same transaction as the change.
    posting.edit_post(member, opening(guilt), "Hoy no siento nada.")
    db.session.commit()
    assert found("culpable") == []


def test_several_words_must_all_be_found(app, member):
    both = factories.thread(member, title="Drop-offs", body="Daycare and guilt, every morning.")
    factories.thread(member, title="Only one", body="Daycare is lovely, honestly.")
    assert found("guilty daycare") == [factories.opening_post(both).id]


def test_a_quoted_phrase_is_found_only_in_that_order(app, member):
    kept = factories.thread(member, title="Mornings", body="I miss the quiet mornings with her.")
    factories.thread(member, title="Evenings", body="Mornings are never quiet here.")
    assert found('"quiet mornings"') == [factories.opening_post(kept).id]
    assert len(found("quiet mornings")) == 2


def test_a_title_outranks_a_body_and_the_newer_wins_a_tie(app, member):
    in_body = factories.thread(member, title="A long week", body="Pumping at work is so hard.")
    in_title = factories.thread(member, title="Pumping at work", body="Any tips for this?")
    older = factories.thread(member, title="Nights", body="Teething again.")
    newer = factories.thread(factories.member("tomas"), title="Nights", body="Teething again.")
    db.session.execute(
        update(Post)
        .where(Post.thread_id == older.id)
        .values(created_at=utcnow() - timedelta(days=3))
    )
    db.session.commit()
    opening = factories.opening_post
    assert found("pumping")[:2] == [opening(in_title).id, opening(in_body).id]
    assert found("teething") == [opening(newer).id, opening(older).id]


def test_operators_and_punctuation_find_literal_matches_or_nothing(app, member):
    post = factories.opening_post(
        factories.thread(
            member, title="Near and far", body="Grandparents near us: AND a 50% chance."
        )
    )
    for typed in ('"', "*", "%", "NEAR(", "'; DROP", "\x00", '"unbalanced', "x" * 1_000, "^:-()"):
        results = search.search(search.parse(typed))  # never an error
        assert [r.post.id for r in results.items] in ([], [post.id])
    assert found("NEAR(") == [post.id]
    assert found("AND") == []  # a common word, not an operator
    assert found("50%") == [post.id]


# The index follows every change


@pytest.fixture
def posts(member, other_member):
    thread = factories.thread(member, title="Settling in at nursery", body="She clings to me.")
    reply = factories.reply(other_member, thread, "Ours clung too; a lullaby helped.")
    return thread, reply


def test_a_new_reply_is_found_at_once(app, posts, member):
    thread, _ = posts
    reply = factories.reply(member, thread, "A marigold blanket from home worked wonders.")
    assert found("marigold") == [reply.id]


def test_an_edit_replaces_the_old_words(app, posts, other_member):
    _, reply = posts
    posting.edit_post(other_member, reply, "Ours clung too; a song helped.")
    db.session.commit()
    assert found("lullaby") == [] and found("song") == [reply.id]


def test_a_new_title_is_found_and_the_old_one_is_not(app, posts, member):
    thread, _ = posts
    opening = factories.opening_post(thread)
    posting.edit_post(member, opening, "She clings to me.", title="Separation worries")
    db.session.commit()
    assert found("nursery") == [] and found("separation") == [opening.id]
    assert [t.id for t in search.similar_threads("separation")] == [thread.id]
    assert search.similar_threads("nursery") == []


def test_a_moderators_edit_is_followed_too(app, posts, moderator):
    _, reply = posts
    moderation_actions.edit_post(
        moderator, reply, "[edited by a moderator]", None, "Private details"
    )
    db.session.commit()
    assert found("lullaby") == [] and found("moderator") == [reply.id]


@pytest.mark.parametrize("action", ["hide", "remove", "delete", "reports"])
def test_hidden_removed_deleted_and_pending_posts_are_not_found(
    app, posts, moderator, other_member, action
):
    _, reply = posts
    if action == "hide":
        moderation_actions.hide_post(moderator, reply, "Unkind")
    elif action == "remove":
        moderation_actions.remove_post(moderator, reply, "Spam")
    elif action == "delete":
        posting.delete_post(other_member, reply)
    else:  # three members' reports hide it until a moderator looks
        for name in ("reporter1", "reporter2", "reporter3"):
            reporting.report_post(factories.member(name), reply, "unkind")
    db.session.commit()
    db.session.refresh(reply)
    assert not reply.is_visible
    assert found("lullaby") == []
    assert found("clings") == [factories.opening_post(posts[0]).id]


def test_a_restored_post_is_found_again(app, posts, moderator):
    _, reply = posts
    moderation_actions.hide_post(moderator, reply, "Unkind")
    db.session.commit()
    moderation_actions.restore_post(moderator, reply, "On a second look it is fine")
    db.session.commit()
    assert found("lullaby") == [reply.id]


def test_a_change_that_is_rolled_back_leaves_the_index_as_it_was(app, posts, other_member):
    _, reply = posts
    posting.edit_post(other_member, reply, "Something else entirely.")
    db.session.rollback()
    assert found("lullaby") == [reply.id] and found("entirely") == []


# Filters and pages


def test_filters_by_category_and_dates(app, member):
    work = factories.thread(member, title="Bottles at work", body="Bottles everywhere.")
    care = factories.thread(member, title="Bottles at nursery", body="Bottles again.",
                            category_slug="childcare")  # fmt: skip
    db.session.execute(
        update(Post)
        .where(Post.thread_id == care.id)
        .values(created_at=utcnow() - timedelta(days=40))
    )
    db.session.commit()
    opening = factories.opening_post
    assert found("bottles", category=factories.category("childcare")) == [opening(care).id]
    today = utcnow().date()
    assert found("bottles", since=today) == [opening(work).id]
    assert found("bottles", until=today - timedelta(days=30)) == [opening(care).id]
    both = found("bottles", since=today - timedelta(days=41), until=today)
    assert sorted(both) == [opening(work).id, opening(care).id]


def test_pages_hold_twenty_and_the_count_stops_at_the_cap(app, member):
    thread = factories.thread(member, title="Checking in", body="Roll call for tired parents.")
    for n in range(44):
        posting.reply(member, thread, f"Tired parent number {n} here.", kindness_confirmed=True)
    db.session.commit()
    query = search.parse("tired")
    first, last = search.search(query, page=1), search.search(query, page=3)
    assert (first.total, first.pages, len(first.items), len(last.items)) == (45, 3, 20, 5)
    assert not {r.post.id for r in first.items} & {r.post.id for r in last.items}
    assert search.search(query, page=99).page == 3  # past the end: the last page
    assert search.pages_for(5_000) == search.COUNT_MAX // search.PER_PAGE


def test_similar_threads_share_words_in_the_title(app, member):
    close = factories.thread(member, title="Guilt about daycare drop-offs")
    factories.thread(member, title="Sleep regression at four months")
    factories.thread(member, title="Anything", body="Daycare guilt is in the body only.")
    assert [t.id for t in search.similar_threads("Feeling so guilty at daycare")] == [close.id]
    assert search.similar_threads("the and of") == []
    assert len(search.similar_threads("a")) == 0


def test_similar_threads_are_five_at_most(app, member):
    for n in range(7):
        factories.thread(member, title=f"Bedtime battles, night {n + 1}")
    assert len(search.similar_threads("bedtime battles")) == 5


def test_rebuilding_the_index_gives_the_same_results(app, posts, moderator):
    _, reply = posts
    moderation_actions.hide_post(moderator, reply, "Unkind")
    db.session.commit()
    before = (found("clings"), found("lullaby"))
    assert search.rebuild(batch=1) == 1
    db.session.commit()
    assert (found("clings"), found("lullaby")) == before
    assert search.similar_threads("nursery")
