"""@mentions: linked, stored by member id, told once and only where they may be."""

from datetime import timedelta

from sqlalchemy import func, select

from forum import queue
from forum.database import db
from forum.models import Mention, Notification
from forum.services import blocking, following, posting
from tests import factories
from tests.helpers import signed_in


def mentions_of(user) -> int:
    return db.session.scalar(
        select(func.count(Notification.id)).where(
            Notification.user_id == user.id, Notification.kind == "mention"
        )
    )


def test_a_mention_links_the_member_and_tells_her_once(app, member, other_member):
    thread = factories.thread(member, title="Pumping at work")
    post = factories.reply(member, thread, "Thanks @priya, and @nobody_here too")
    assert '<a class="mention" href="/u/priya">@priya</a>' in post.body_html
    assert "@nobody_here" in post.body_html and "/u/nobody_here" not in post.body_html
    assert mentions_of(other_member) == 1
    assert db.session.scalar(select(Mention.user_id)) == other_member.id
    posting.edit_post(member, post, "Thanks @priya, edited")
    db.session.commit()
    assert mentions_of(other_member) == 1  # never again on an edit
    assert "/u/priya" in post.body_html
    page = signed_in(app, other_member).get("/notifications").text
    assert "hannah mentioned you in" in page.replace("Hannah", "hannah")


def test_mentions_in_code_quotes_and_links_are_not_mentions(app, member, other_member):
    thread = factories.thread(member, title="Code and quotes")
    post = factories.reply(
        member, thread, "`@priya`\n\n> @priya said so\n\n[@priya](https://example.com)\n\nok"
    )
    assert 'class="mention"' not in post.body_html
    assert mentions_of(other_member) == 0


def test_blocked_or_muted_mentions_silently_dont_fire(app, member, other_member):
    carmen = factories.member("carmen")
    thread = factories.thread(member, title="Muted and blocked")
    blocking.block(other_member, member)
    following.set_follow(carmen, thread, "muted")
    db.session.commit()
    factories.reply(member, thread, "Hello @priya and @carmen")
    assert mentions_of(other_member) == 0 and mentions_of(carmen) == 0


def test_an_anonymous_posts_mention_names_only_its_label(app, member, other_member):
    thread = factories.thread(member, title="Anonymous hello", anonymous=True)
    post = posting.reply(member, thread, "Thank you @priya", anonymous=True)
    db.session.commit()
    assert post.anonymous
    page = signed_in(app, other_member).get("/notifications").text
    assert "Anonymous parent (original poster) mentioned you" in page
    assert "hannah" not in page.lower().split("<main", 1)[1]


def test_a_new_account_tells_at_most_two_but_links_as_anyone_would(app, member):
    others = [factories.member(f"parent{n}") for n in range(3)]
    thread = factories.thread(member, title="Hello everyone here")
    post = factories.reply(member, thread, "Hi @parent0 @parent1 @parent2")
    assert post.body_html.count('class="mention"') == 3
    assert [mentions_of(o) for o in others] == [1, 1, 0]


def test_an_anonymous_post_reads_the_same_from_a_new_account_as_an_old_one(app, member):
    [factories.member(f"parent{n}") for n in range(4)]
    old = factories.member("olwen")
    old.created_at = old.created_at - timedelta(days=30)
    db.session.commit()
    assert member.is_new_account and not old.is_new_account
    bodies = []
    for author in (member, old):
        thread = factories.thread(author, title="Asking without my name", anonymous=True)
        post = posting.reply(author, thread, "Hi @parent0 @parent1 @parent2 @parent3",
                             anonymous=True)  # fmt: skip
        bodies.append(post.body_html)
    assert bodies[0] == bodies[1] and bodies[0].count('class="mention"') == 4


def test_an_anonymous_posts_mentions_ignore_the_authors_blocks(app, member, other_member):
    carmen = factories.member("carmen")
    blocking.block(other_member, member)
    blocking.block(member, carmen)
    db.session.commit()
    thread = factories.thread(member, title="Anonymous and blocked", anonymous=True)
    posting.reply(member, thread, "Hello @priya and @carmen", anonymous=True)
    db.session.commit()
    queue.run_waiting()
    assert mentions_of(other_member) == 1 and mentions_of(carmen) == 1


def test_autocomplete_offers_the_thread_and_those_she_talked_with_only(app, member, other_member):
    from tests.messages.people import accepted, talked

    carmen = factories.member("carmen")
    stranger = factories.member("carla")  # in the directory, but nowhere near her
    talked(member, other_member)
    accepted(member, other_member)
    thread = factories.thread(carmen, title="Carpools and car seats")
    hidden = factories.member("carmine")
    posting.reply(hidden, thread, "Only anonymously here", anonymous=True)
    db.session.commit()
    hannah = signed_in(app, member)
    found = hannah.get(f"/mentions?thread={thread.id}&q=car").text
    assert "@carmen" in found and "@carla" not in found and "@carmine" not in found
    assert "@priya" in hannah.get(f"/mentions?thread={thread.id}&q=pr").text
    assert "@priya" not in hannah.get(f"/mentions?thread={thread.id}&q=%25").text
    blocking.block(member, carmen)
    db.session.commit()
    assert "@carmen" not in hannah.get(f"/mentions?thread={thread.id}&q=car").text
    assert stranger.id


def test_a_mention_in_a_message_links_and_an_anonymous_label_finds_nobody(
    app, member, other_member
):
    from forum.services import messaging
    from tests.messages.people import accepted, talked

    talked(member, other_member)
    conversation = accepted(member, other_member, "Hi @priya, a question")
    sent = messaging.send(member, conversation, "And @Anonymous, @anonymous-parent-2 too")
    db.session.commit()
    assert sent.conversation.key
    page = signed_in(app, other_member).get(f"/messages/{conversation.key}").text
    assert '<a class="mention" href="/u/priya">@priya</a>' in page
    assert "/u/anonymous" not in page.lower()
    assert mentions_of(other_member) == 0  # she hears of the message itself
