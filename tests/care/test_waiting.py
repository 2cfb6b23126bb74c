"""What happens next after a first post, and the waiting page for helpers: first-post marks,
"I'll answer this", and the longest wait first."""

from datetime import timedelta

from forum.database import db, utcnow
from forum.services import care
from tests import factories
from tests.helpers import signed_in


def become_helper(user):
    care.save_helper(user, category_ids=[], quiet_from=None, quiet_until=None, daily_cap=3,
                     paused=False, email=False)  # fmt: skip
    db.session.commit()
    return user


def answered_threads(count: int, after_minutes: list[int]):
    regular, replier = factories.member("regular"), factories.member("priya")
    for number in range(count):
        thread = factories.thread(regular, title=f"Answered thread number {number}")
        post = factories.reply(replier, thread)
        post.created_at = thread.created_at + timedelta(minutes=after_minutes[number])
    db.session.commit()


def start(client, title="My first week back"):
    return client.post(
        "/new",
        data={"category": "back-to-work", "title": title, "body": "I miss her so much today."},
        follow_redirects=True,
    )


def test_after_posting_she_reads_how_soon_parents_usually_answer(app, client, login, member):
    answered_threads(5, [10, 20, 30, 40, 300])
    login(member)
    page = start(client)
    assert "Parents here usually answer within 30 minutes." in page.text


def test_with_too_little_to_go_on_she_reads_nothing_about_it(app, client, login, member):
    answered_threads(4, [10, 20, 30, 40])
    login(member)
    page = start(client)
    assert page.status_code == 200 and "usually answer" not in page.text


def test_the_waiting_page_marks_first_posts_for_helpers_and_moderators_only(app, client, member):
    newcomer = factories.member("newcomer", display_name="Nell Newcomer")
    regular = factories.member("regular")
    factories.thread(regular, title="Her first ever", replies=1, replier=factories.member("ann"))
    older = factories.thread(regular, title="An older waiting thread")
    older.created_at = utcnow() - timedelta(hours=3)
    first = factories.thread(newcomer, title="Hello, I'm new here", anonymous=True)
    factories.thread(factories.member("nadia"), title="Finding my feet")
    db.session.commit()
    helper = become_helper(factories.member("amara"))
    moderator = factories.member("morgan", role="moderator")
    # On an anonymous thread the mark would narrow who wrote it: moderators only see it there.
    for who, marks in ((None, 0), (member, 0), (helper, 1), (moderator, 2)):
        browser = client if who is None else signed_in(app, who)
        page = browser.get("/waiting").text
        assert page.count("First post") == marks, who
        assert ("I'll answer this" in page) is (who is helper)
        assert "Nell" not in page and "newcomer" not in page
        # Who has waited longest comes first.
        assert page.index("An older waiting thread") < page.index("Hello, I&#39;m new here")
    assert first.first_thread and not older.first_thread


def test_a_claim_shows_other_helpers_that_someone_is_writing(app):
    author = factories.member("hannah")
    thread = factories.thread(author, title="Anyone else pumping in a cupboard?")
    amara = become_helper(factories.member("amara"))
    bea = become_helper(factories.member("bea"))
    amara_browser, bea_browser = signed_in(app, amara), signed_in(app, bea)
    amara_browser.post(f"/t/{thread.id}/answering")
    assert "You said you'd answer this" in amara_browser.get("/waiting").text
    page = bea_browser.get("/waiting").text
    assert "Someone is writing a reply" in page and "I'll answer this" not in page
    assert "amara" not in page
    refused = bea_browser.post(f"/t/{thread.id}/answering", follow_redirects=True)
    assert "Someone is already writing a reply here" in refused.text
    # Fifteen minutes later it lapses, and anyone may take it.
    care.claim(bea, thread, utcnow() + timedelta(minutes=16))
    db.session.commit()
