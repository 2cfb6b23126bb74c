"""What each member chooses to be emailed about, and unsubscribing from a signed link."""

from flask_babel import gettext

from forum.lazy_words import lazy_gettext
from forum.models import Delivery, EmailTopic, User
from forum.services import links
from forum.services.errors import ServiceError

DIGEST = "digest"  # an unsubscribe link in a digest stops every kind the digest carries

TOPIC_LABELS = {
    EmailTopic.OWN_THREADS: lazy_gettext("Replies in threads you started"),
    EmailTopic.REPLIES: lazy_gettext("Replies in threads you follow, and quotes of your posts"),
    EmailTopic.REACTIONS: lazy_gettext("Hugs, hearts and other reactions to your posts"),
    EmailTopic.HELPED: lazy_gettext("When your reply helped someone"),
    EmailTopic.MODERATION: lazy_gettext(
        "Messages and decisions from the moderators, and your reports"
    ),
    EmailTopic.HELPING: lazy_gettext("When someone is waiting for a reply (as a helper)"),
}
# What an unsubscribe link stops, asked before (STOPS) and said after (STOPPED): whole sentences.
STOPS = {
    EmailTopic.OWN_THREADS: lazy_gettext("This stops emails about replies in your threads."),
    EmailTopic.REPLIES: lazy_gettext("This stops emails about replies and quotes."),
    EmailTopic.REACTIONS: lazy_gettext("This stops emails about reactions to your posts."),
    EmailTopic.HELPED: lazy_gettext(
        "This stops emails about replies of yours that helped someone."
    ),
    EmailTopic.MODERATION: lazy_gettext("This stops emails from the moderators."),
    EmailTopic.HELPING: lazy_gettext("This stops emails telling a helper someone is waiting."),
    DIGEST: lazy_gettext("This stops the daily digest."),
}
STOPPED = {
    EmailTopic.OWN_THREADS: lazy_gettext(
        "We won't send you emails about replies in your threads any more."
    ),
    EmailTopic.REPLIES: lazy_gettext("We won't send you emails about replies and quotes any more."),
    EmailTopic.REACTIONS: lazy_gettext(
        "We won't send you emails about reactions to your posts any more."
    ),
    EmailTopic.HELPED: lazy_gettext(
        "We won't send you emails about replies of yours that helped someone any more."
    ),
    EmailTopic.MODERATION: lazy_gettext("We won't send you emails from the moderators any more."),
    EmailTopic.HELPING: lazy_gettext(
        "We won't send you emails telling a helper someone is waiting any more."
    ),
    DIGEST: lazy_gettext("We won't send you the daily digest any more."),
}


def set_choices(user: User, choices: dict[str, str], show_content: bool) -> None:
    for topic, delivery in choices.items():
        if topic not in set(EmailTopic) or delivery not in set(Delivery):
            raise ServiceError(gettext("Choose straight away, daily digest or never."), topic)
        setattr(user, f"email_{topic}", delivery)
    user.email_show_content = show_content


def unsubscribe_target(token: str) -> tuple[User, str]:
    """Whose email an unsubscribe link is for, and which kind (or the digest)."""
    payload = links.read_token("unsubscribe", token)
    user, topic = links.member_in(payload), payload.get("t")
    if user is None or topic not in STOPPED:
        raise links.BadLink(
            gettext("This unsubscribe link isn't right. You can change emails in Settings.")
        )
    return user, topic


def unsubscribe(user: User, topic: str) -> None:
    """Stop one kind of email, or every kind that goes in the daily digest. No sign-in needed."""
    if topic == DIGEST:
        topics = [t for t in EmailTopic if getattr(user, f"email_{t}") == Delivery.DAILY]
    else:
        topics = [EmailTopic(topic)]
    for each in topics:
        setattr(user, f"email_{each}", Delivery.NEVER)
