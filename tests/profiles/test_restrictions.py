"""A profile under moderation: staff reach the member's moderation page from it, and a
suspended or banned member can't change the public name and bio it shows."""

import pytest

from forum.database import db
from forum.services import accounts, sanctions
from forum.services.errors import NotAllowed
from tests.helpers import signed_in


def test_moderators_reach_a_members_moderation_page_from_her_profile(
    app, member, other_member, moderator
):
    staff_view = signed_in(app, moderator).get(f"/u/{member.username}").text
    assert "Moderate this member" in staff_view
    assert f'href="/mod/members/{member.username}"' in staff_view
    assert signed_in(app, moderator).get(f"/mod/members/{member.username}").status_code == 200
    for viewer in (signed_in(app, other_member), app.test_client()):
        assert "Moderate this member" not in viewer.get(f"/u/{member.username}").text
    own = signed_in(app, moderator).get(f"/u/{moderator.username}").text
    assert "Moderate this member" not in own


def test_a_suspended_member_is_told_why_her_profile_is_not_saved(app, member, moderator):
    member.display_name, member.bio = "Hannah", "Back at work, two under three."
    sanctions.suspend(moderator, member, 3, "Unkind replies.")
    db.session.commit()
    form = {"display_name": "Moderators Are Wrong", "bio": "Read my side."}
    response = signed_in(app, member).post("/settings", data=form)
    assert response.status_code == 403
    assert "suspended until" in response.text and "Moderators Are Wrong" in response.text
    db.session.refresh(member)
    assert (member.display_name, member.bio) == ("Hannah", "Back at work, two under three.")


@pytest.mark.parametrize("restriction", ["suspend", "ban"])
def test_the_profile_service_refuses_a_restricted_member(member, moderator, restriction):
    if restriction == "suspend":
        sanctions.suspend(moderator, member, 7, "Unkind replies.")
    else:
        sanctions.ban(moderator, member, "Harassment.")
    db.session.commit()
    with pytest.raises(NotAllowed):
        accounts.update_profile(member, "Someone Else", "A new bio.")
    assert member.display_name != "Someone Else"
