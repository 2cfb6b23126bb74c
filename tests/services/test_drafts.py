"""The rules of drafts, on each database: one per member per place, the last save wins, posting
or discarding removes it, 30 days without a change and it is gone, and only its member reads it."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from forum import queue
from forum.database import db, utcnow
from forum.models import Draft, Thread
from forum.services import data_download, drafts, posting, privacy
from forum.services.errors import NotAllowed, ServiceError
from forum.services.posting_rules import BODY_MAX
from tests import factories

Words = drafts.Words


@pytest.fixture
def thread(other_member):
    return factories.thread(other_member, title="Pumping at work", body="Where do you all pump?")


def stored() -> int:
    return db.session.scalar(select(func.count()).select_from(Draft))


def test_a_reply_draft_is_kept_with_its_choices_and_the_last_save_wins(member, thread):
    drafts.save_reply(member, thread, Words("First go", content_note="milk", anonymous=True))
    db.session.commit()
    drafts.save_reply(member, thread, Words("Second go", content_note="milk", anonymous=True))
    db.session.commit()
    draft = drafts.reply_draft(member, thread)
    assert (draft.body, draft.content_note, draft.anonymous) == ("Second go", "milk", True)
    assert draft.title == ""
    assert stored() == 1


def test_saving_nothing_discards_it(member, thread):
    drafts.save_reply(member, thread, Words("Something"))
    assert drafts.save_reply(member, thread, Words("   \n")) is False
    db.session.commit()
    assert drafts.reply_draft(member, thread) is None and stored() == 0


def test_drafts_are_per_member_and_per_place(member, other_member, thread):
    elsewhere = factories.thread(other_member, title="Nursery colds", body="Again and again.")
    drafts.save_reply(member, thread, Words("Mine here"))
    drafts.save_reply(member, elsewhere, Words("Mine there"))
    drafts.save_reply(other_member, thread, Words("Hers here"))
    db.session.commit()
    assert drafts.reply_draft(member, thread).body == "Mine here"
    assert drafts.reply_draft(member, elsewhere).body == "Mine there"
    assert drafts.reply_draft(other_member, thread).body == "Hers here"
    mine = drafts.drafts_of(member)
    assert {k.draft.body for k in mine} == {"Mine here", "Mine there"}
    hers = drafts.reply_draft(other_member, thread)
    assert drafts.discard(member, hers.id) is False  # another member's is never found
    db.session.commit()
    assert drafts.reply_draft(other_member, thread) is not None


def test_a_draft_is_no_longer_than_a_post(member, thread):
    with pytest.raises(ServiceError) as refused:
        drafts.save_reply(member, thread, Words("x" * (BODY_MAX + 1)))
    assert refused.value.field == "body"
    assert "20,001 characters" in refused.value.message
    drafts.save_reply(member, thread, Words("x" * BODY_MAX))  # the most a post may be is fine
    with pytest.raises(ServiceError) as refused:
        drafts.save_thread(member, factories.category(), Words("Fine", title="t" * 151))
    assert refused.value.field == "title"
    with pytest.raises(ServiceError) as refused:
        drafts.save_thread(member, factories.category(), Words("Fine", content_note="n" * 101))
    assert refused.value.field == "content_note"


def test_posting_the_reply_removes_its_draft_and_only_that_one(member, thread):
    other_place = factories.thread(member, title="Another one", body="Another body here.")
    drafts.save_reply(member, thread, Words("Going up"))
    drafts.save_reply(member, other_place, Words("Staying"))
    db.session.commit()
    posting.reply(member, thread, "Going up", kindness_confirmed=True, named_confirmed=True)
    db.session.commit()
    assert drafts.reply_draft(member, thread) is None
    assert drafts.reply_draft(member, other_place).body == "Staying"


def test_a_new_thread_draft_moves_with_its_category_and_goes_when_posted(member):
    work, childcare = factories.category("back-to-work"), factories.category("childcare")
    drafts.save_thread(member, work, Words("Body", title="Title here"))
    db.session.commit()
    assert drafts.thread_draft(member).place_id == work.id  # with no category named: her latest
    drafts.save_thread(member, childcare, Words("Body", title="Title here"), moved_from=work)
    db.session.commit()
    assert drafts.thread_draft(member, work) is None
    assert drafts.thread_draft(member, childcare).title == "Title here"
    posting.start_thread(member, childcare, "Title here", "Body")
    db.session.commit()
    assert drafts.thread_draft(member) is None and stored() == 0


def test_a_draft_waits_in_a_thread_locked_meanwhile(member, thread):
    drafts.save_reply(member, thread, Words("Before the lock"))
    db.session.execute(update(Thread).where(Thread.id == thread.id).values(locked=True))
    db.session.commit()
    assert drafts.save_reply(member, thread, Words("After the lock")) is True
    db.session.commit()
    [kept] = drafts.drafts_of(member)
    assert kept.draft.body == "After the lock" and not kept.can_post


def test_after_30_days_a_draft_is_never_read_and_is_purged(member, thread):
    drafts.save_reply(member, thread, Words("Old words"))
    db.session.commit()
    db.session.execute(update(Draft).values(updated_at=utcnow() - timedelta(days=30, minutes=1)))
    db.session.commit()
    assert drafts.reply_draft(member, thread) is None
    assert drafts.drafts_of(member) == []
    assert stored() == 1
    drafts.purge_old_drafts()  # the daily task, enqueued and run as the worker runs it
    assert queue.run_waiting() == 1
    db.session.rollback()  # read afresh, after the task's own transaction
    assert stored() == 0


def test_the_purge_keeps_drafts_younger_than_30_days(member, thread):
    drafts.save_reply(member, thread, Words("Recent words"))
    db.session.commit()
    db.session.execute(update(Draft).values(updated_at=utcnow() - timedelta(days=29)))
    db.session.commit()
    assert drafts.purge_expired() == 0
    assert drafts.reply_draft(member, thread).body == "Recent words"


def test_drafts_are_in_the_data_download_and_go_with_the_account(member, thread):
    drafts.save_reply(member, thread, Words("My unsent words", anonymous=True))
    drafts.save_thread(member, factories.category(), Words("Thread words", title="My title"))
    db.session.commit()
    data = data_download.export_data(member, factories.PASSWORD)
    listed = {d["body"]: d for d in data["drafts"]}
    assert listed["My unsent words"]["anonymous"] is True
    assert listed["My unsent words"]["where"] == "Pumping at work"
    assert listed["Thread words"]["title"] == "My title"
    assert listed["Thread words"]["kind"] == "new thread"
    privacy.delete_account(member, factories.PASSWORD, keep_posts=True)
    db.session.commit()
    assert stored() == 0


def test_only_the_author_keeps_a_draft_of_changes_and_saving_them_removes_it(
    member, other_member, thread
):
    post = factories.reply(member, thread, "Words to change later.")
    with pytest.raises(NotAllowed):
        drafts.save_edit(other_member, post, Words("Not hers"))
    drafts.save_edit(member, post, Words("Changed words", title="ignored on a reply"))
    db.session.commit()
    assert drafts.edit_draft(member, post).title == ""
    assert drafts.edit_draft(other_member, post) is None
    [kept] = drafts.drafts_of(member)
    assert kept.post == post and kept.can_post and kept.where == "Pumping at work"
    posting.edit_post(member, post, "Changed words")
    db.session.commit()
    assert stored() == 0
