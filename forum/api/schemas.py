"""The shapes of what the API takes and answers, as pydantic models: the OpenAPI document is
generated from them, and every answer is built through them, so it matches the document."""

from datetime import UTC, datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from forum.urls import MAX_ID

# Times are kept in UTC without a zone; answers say so ("...+00:00").
Time = Annotated[datetime, AfterValidator(lambda t: t if t.tzinfo else t.replace(tzinfo=UTC))]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


# Answers


class Avatar(BaseModel):
    initials: str
    colour: int = Field(description="One of eight colours, 0 to 7.")


class Author(BaseModel):
    """Who wrote it. Anonymous: the label alone, with null for every other field."""

    label: str = Field(
        description='The name shown: a display name, or "Anonymous parent 2", ... in the language '
        "asked for with Accept-Language (use `anonymous`, not the words, in a program)."
    )
    anonymous: bool
    username: str | None
    profile_url: str | None
    avatar: Avatar | None


class Reaction(BaseModel):
    kind: str
    count: int
    mine: bool


class Can(BaseModel):
    edit: bool
    react: bool
    report: bool


class Photo(BaseModel):
    url: str = Field(description="The picture, at most 2048 px, re-encoded with no metadata.")
    thumbnail_url: str
    alt: str = Field(description="The words its poster gave it; may be empty.")
    width: int
    height: int
    thumbnail_width: int
    thumbnail_height: int


class PostOut(BaseModel):
    id: int
    thread_id: int
    position: int
    url: str
    placeholder: str | None = Field(
        description="Set when the reader may not read the post: then author and body are null."
    )
    author: Author | None
    body_html: str | None
    photos: list[Photo] = Field(
        description="Behind the content note when there is one; empty when the post isn't shown."
    )
    content_note: str | None
    status: str
    created_at: Time
    edited_at: Time | None
    folded: bool = Field(description="Written by a member you blocked: show it folded away.")
    helped: bool
    mine: bool
    reactions: list[Reaction]
    can: Can


class CategoryOut(BaseModel):
    slug: str
    name: str
    description: str
    thread_count: int
    url: str


class ThreadSummary(BaseModel):
    id: int
    title: str
    url: str
    category: str
    author: Author
    content_note: str | None
    preview: str
    reply_count: int
    pinned: bool
    locked: bool
    created_at: Time
    last_post_at: Time
    new_replies: int


class SupportLineOut(BaseModel):
    name: str
    detail: str
    contact: str
    href: str
    sms: str | None


class Support(BaseModel):
    """Shown first, before anything else, when words read as someone may be at risk."""

    intro: str
    lines: list[SupportLineOut]
    elsewhere: str
    elsewhere_href: str
    page: str


class ThreadOut(BaseModel):
    id: int
    title: str
    url: str
    category: CategoryOut
    author: Author
    reply_count: int
    post_count: int
    locked: bool
    pinned: bool
    following: Literal["none", "following", "muted"]
    posts: list[PostOut]
    next_position: int | None = Field(
        description="Pass as ?from= for the next posts; null at the end."
    )


class ThreadList(BaseModel):
    threads: list[ThreadSummary]
    next_cursor: str | None


class CategoryList(BaseModel):
    categories: list[CategoryOut]


class SearchHit(BaseModel):
    post: PostOut
    thread_id: int
    thread_title: str
    snippet: str


class SearchOut(BaseModel):
    results: list[SearchHit]
    total: int
    page: int
    pages: int


class MemberOut(BaseModel):
    username: str
    display_name: str
    bio: str
    url: str
    avatar: Avatar
    joined: Time
    post_count: int
    thread_count: int
    parents_helped: int
    blocked: bool


class Me(MemberOut):
    scopes: list[str]
    unread_notifications: int


class NotificationOut(BaseModel):
    id: int
    kind: str
    text: str
    url: str
    unread: bool
    created_at: Time


class NotificationList(BaseModel):
    notifications: list[NotificationOut]
    page: int
    pages: int


class FollowOut(BaseModel):
    thread: ThreadSummary
    muted: bool


class FollowList(BaseModel):
    following: list[FollowOut]
    page: int
    pages: int


class Posted(BaseModel):
    post: PostOut
    thread_id: int
    support: Support | None = Field(description="Show this first: the words read as a crisis.")


class Reacted(BaseModel):
    kind: str
    reacted: bool
    reactions: list[Reaction]


class Reported(BaseModel):
    report_id: int
    updated: bool
    message: str
    support: Support | None


class Done(BaseModel):
    ok: bool
    message: str


class ErrorDetail(BaseModel):
    code: str = Field(description="Stable, for programs: not_found, invalid, forbidden, ...")
    message: str = Field(
        description="For people: kind and plain, in the language asked for with Accept-Language "
        "(English by default).",
    )
    fields: dict[str, str] = Field(description="A message for each field that was not right.")
    pause: Literal["kindness", "named"] | None = Field(
        description="A second look the member is asked for; send again with the confirmation."
    )
    words: list[str]
    retry_after: int | None


class Error(BaseModel):
    error: ErrorDetail


# Requests


class Paging(Strict):
    page: int = Field(1, ge=1, le=MAX_ID)


class Cursor(Strict):
    cursor: str | None = Field(None, max_length=200)
    limit: int = Field(20, ge=1, le=50)


class Positions(Strict):
    from_: int = Field(1, ge=1, le=MAX_ID, alias="from")
    limit: int = Field(20, ge=1, le=50)


class SearchQuery(Strict):
    q: str = Field(max_length=200)
    category: str | None = Field(None, max_length=40, description="A category's slug.")
    page: int = Field(1, ge=1, le=MAX_ID)


class NewThread(Strict):
    title: str = Field(max_length=1000)
    body: str = Field(max_length=40_000)
    anonymous: bool = False
    content_note: str | None = Field(None, max_length=1000)


class NewReply(Strict):
    body: str = Field(max_length=40_000)
    anonymous: bool | None = Field(
        None, description="Left out: anonymous if you started the thread anonymously."
    )
    content_note: str | None = Field(None, max_length=1000)
    confirm_kindness: bool = Field(False, description="Post it anyway after a kindness pause.")
    confirm_named: bool = Field(
        False, description="Reply with your name in a thread you started anonymously."
    )


class Edit(Strict):
    body: str = Field(max_length=40_000)
    title: str | None = Field(None, max_length=1000)


class NewReaction(Strict):
    kind: Literal["heart", "hug", "me_too", "got_this", "thank_you"]


class NewReport(Strict):
    reason: str = Field(max_length=40)
    details: str = Field("", max_length=5000)


class MarkRead(Strict):
    ids: list[Annotated[int, Field(ge=1, le=MAX_ID)]] | None = Field(
        None, max_length=100, description="Left out: mark all read."
    )
