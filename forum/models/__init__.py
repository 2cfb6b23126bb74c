"""The typed models, one module per domain."""

from forum.models.care import Claim, Helper, Nudge
from forum.models.category import Category
from forum.models.draft import Draft, DraftPlace
from forum.models.mention import Mention
from forum.models.messaging import (
    MESSAGES_FROM_LABELS,
    MODERATORS,
    REPLIER_ALIAS,
    Conversation,
    ConversationState,
    Message,
    MessageBlock,
    MessageReport,
    MessagesFrom,
    Party,
)
from forum.models.moderation import (
    REASON_LABELS,
    Action,
    Appeal,
    AppealStatus,
    MemberWarning,
    ModerationAction,
    Report,
    ReportReason,
    ReportStatus,
)
from forum.models.notification import (
    TOPIC_OF,
    EmailTopic,
    FanOut,
    FollowState,
    Notification,
    NotificationKind,
    OutgoingEmail,
    Subscription,
    topic_of,
)
from forum.models.post import MODERATION_MOVES, Post, PostRevision, PostStatus
from forum.models.privacy import PrivacyRequest, PrivacyRequestKind
from forum.models.push import PushChoices, PushSubscription, QuietDays
from forum.models.search import include_name as include_schema_name
from forum.models.support import REACTIONS, Block, Reaction, ReactionKind
from forum.models.thread import NEUTRAL_TITLE, Thread, ThreadVisit
from forum.models.token import AccessToken, SecurityEvent
from forum.models.upload import Upload, UploadKind
from forum.models.user import Delivery, LoginSession, Role, User

__all__ = [
    "AccessToken",
    "SecurityEvent",
    "MESSAGES_FROM_LABELS",
    "MODERATORS",
    "REPLIER_ALIAS",
    "Conversation",
    "ConversationState",
    "Mention",
    "Message",
    "MessageBlock",
    "MessageReport",
    "MessagesFrom",
    "Party",
    "MODERATION_MOVES",
    "REACTIONS",
    "REASON_LABELS",
    "Block",
    "Reaction",
    "ReactionKind",
    "Action",
    "Appeal",
    "AppealStatus",
    "Category",
    "Claim",
    "Helper",
    "Nudge",
    "Delivery",
    "Draft",
    "DraftPlace",
    "EmailTopic",
    "FollowState",
    "FanOut",
    "Notification",
    "NotificationKind",
    "OutgoingEmail",
    "Subscription",
    "TOPIC_OF",
    "topic_of",
    "LoginSession",
    "ModerationAction",
    "Post",
    "PostRevision",
    "PostStatus",
    "PrivacyRequest",
    "PushChoices",
    "PushSubscription",
    "QuietDays",
    "PrivacyRequestKind",
    "Report",
    "include_schema_name",
    "ReportReason",
    "ReportStatus",
    "Role",
    "NEUTRAL_TITLE",
    "Thread",
    "ThreadVisit",
    "Upload",
    "UploadKind",
    "User",
    "MemberWarning",
]
