"""What each member chooses to be emailed about, and unsubscribing from a signed link."""

from forum.models import Delivery, EmailTopic, User
from forum.services import links
from forum.services.errors import ServiceError

DIGEST = "digest"  # an unsubscribe link in a digest stops every kind the digest carries

TOPIC_LABELS = {
    EmailTopic.OWN_THREADS: "Replies in threads you started",
    EmailTopic.REPLIES: "Replies in threads you follow, and quotes of your posts",
    EmailTopic.REACTIONS: "Hugs, hearts and other reactions to your posts",
    EmailTopic.HELPED: "When your reply helped someone",
    EmailTopic.MODERATION: "Messages and decisions from the moderators, and your reports",
    EmailTopic.HELPING: "When someone is waiting for a reply (as a helper)",
}
TOPIC_SHORT = {
    EmailTopic.OWN_THREADS: "emails about replies in your threads",
    EmailTopic.REPLIES: "emails about replies and quotes",
    EmailTopic.REACTIONS: "emails about reactions to your posts",
    EmailTopic.HELPED: "emails about replies of yours that helped someone",
    EmailTopic.MODERATION: "emails from the moderators",
    EmailTopic.HELPING: "emails telling a helper someone is waiting",
    DIGEST: "the daily digest",
}


def set_choices(user: User, choices: dict[str, str], show_content: bool) -> None:
    for topic, delivery in choices.items():
        if topic not in set(EmailTopic) or delivery not in set(Delivery):
            raise ServiceError("Choose straight away, daily digest or never.", topic)
        setattr(user, f"email_{topic}", delivery)
    user.email_show_content = show_content


def unsubscribe_target(token: str) -> tuple[User, str]:
    """Whose email an unsubscribe link is for, and which kind (or the digest)."""
    payload = links.read_token("unsubscribe", token)
    user, topic = links.member_in(payload), payload.get("t")
    if user is None or topic not in TOPIC_SHORT:
        raise links.BadLink("This unsubscribe link isn't right. You can change emails in Settings.")
    return user, topic


def unsubscribe(user: User, topic: str) -> None:
    """Stop one kind of email, or every kind that goes in the daily digest. No sign-in needed."""
    if topic == DIGEST:
        topics = [t for t in EmailTopic if getattr(user, f"email_{t}") == Delivery.DAILY]
    else:
        topics = [EmailTopic(topic)]
    for each in topics:
        setattr(user, f"email_{each}", Delivery.NEVER)
