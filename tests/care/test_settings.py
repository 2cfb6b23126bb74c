"""The helping settings page, soft claims from the waiting page, and a helper's data."""

from sqlalchemy import select

from forum.database import db
from forum.models import Category, Claim, Helper, Nudge
from forum.services import data_download, privacy
from tests import factories


def test_volunteering_pausing_and_stopping(app, client, login, member):
    login(member)
    page = client.get("/settings/helping")
    assert page.status_code == 200 and "Tell me when someone is waiting" in page.text
    childcare = db.session.scalar(select(Category.id).where(Category.slug == "childcare"))
    form = {"categories": [str(childcare)], "quiet_from": "22", "quiet_until": "7",
            "daily_cap": "2", "email": "y"}  # fmt: skip
    assert client.post("/settings/helping", data=form).status_code == 302
    helper = db.session.get(Helper, member.id)
    assert (helper.categories, helper.quiet_from, helper.quiet_until, helper.daily_cap) == (
        {childcare},
        22,
        7,
        2,
    )
    assert helper.in_quiet_hours(23) and helper.in_quiet_hours(3) and not helper.in_quiet_hours(12)
    client.post("/settings/helping", data=form | {"paused": "y"})
    db.session.refresh(helper)
    assert helper.paused
    assert client.post("/settings/helping/stop").status_code == 302
    assert db.session.get(Helper, member.id) is None


def test_bad_choices_come_back_at_the_field_and_nothing_is_saved(app, client, login, member):
    login(member)
    for form, message in [
        ({"daily_cap": "0"}, "Choose between 1 and 20 a day."),
        ({"daily_cap": "lots"}, "Choose between 1 and 20 a day."),
        ({"daily_cap": " "}, "Say how many times a day"),
        ({"daily_cap": "3", "quiet_from": "22"}, "Choose when quiet hours start and when they end"),
        ({"daily_cap": "3", "quiet_from": "25", "quiet_until": "2"}, "Not a valid choice"),
        ({"daily_cap": "3", "categories": ["999999"]}, "not a valid choice"),
        ({"daily_cap": "9" * 40}, "Choose between 1 and 20 a day."),
    ]:
        page = client.post("/settings/helping", data=form)
        assert page.status_code == 400, form
        assert message.lower() in page.text.lower(), (form, page.text)
    assert db.session.get(Helper, member.id) is None


def test_nobody_else_learns_who_helps(app, client, login, member, other_member):
    login(member)
    client.post("/settings/helping", data={"daily_cap": "3"})
    profile = client.get(f"/u/{member.username}").text
    assert "helper" not in profile.lower()
    other = app.test_client()
    assert "helper" not in other.get(f"/u/{member.username}").text.lower()


def test_a_claim_from_the_waiting_page(app, client, login, member, other_member):
    thread = factories.thread(other_member)
    login(member)
    refused = client.post(f"/t/{thread.id}/answering")
    assert refused.status_code == 302 and db.session.get(Claim, thread.id) is None
    client.post("/settings/helping", data={"daily_cap": "3"})
    answered = client.post(f"/t/{thread.id}/answering")
    assert answered.headers["Location"] == f"/t/{thread.id}/reply"
    assert db.session.get(Claim, thread.id).helper_id == member.id
    assert client.post("/t/999999/answering").status_code == 404


def test_helping_is_in_the_download_and_goes_with_the_account(app, member, other_member):
    from forum.services import care

    care.save_helper(member, category_ids=[], quiet_from=None, quiet_until=None, daily_cap=3,
                     paused=False, email=True)  # fmt: skip
    thread = factories.thread(other_member)
    db.session.add(Nudge(thread_id=thread.id, helper_id=member.id))
    care.claim(member, thread)
    db.session.commit()
    data = data_download.export_data(member, factories.PASSWORD)["helping"]
    assert data["helper"]["daily_cap"] == 3
    assert [n["thread_id"] for n in data["nudges"]] == [thread.id]
    assert [c["thread_id"] for c in data["answering"]] == [thread.id]
    privacy.delete_account(member, factories.PASSWORD, keep_posts=True)
    db.session.commit()
    for model, column in ((Helper, Helper.user_id), (Nudge, Nudge.helper_id),
                          (Claim, Claim.helper_id)):  # fmt: skip
        assert db.session.scalars(select(model).where(column == member.id)).all() == []
