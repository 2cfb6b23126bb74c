"""@mentions: read from the rendered text (never inside code, quotes or links), linked to the
member, stored by member id, and heard of once, when the post goes up (never again on an edit).

A mention that would reach someone who blocked the author (or whom she blocked), who muted the
thread, or who can't read the post silently doesn't fire. An anonymous post's mentions are told
as "Anonymous parent 2 mentioned you". Only usernames are looked up, so an anonymous label finds
nobody.
"""

import re
from html import escape
from html.parser import HTMLParser
from urllib.parse import quote

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import aliased

from forum.database import db
from forum.models import (
    Block,
    Conversation,
    Mention,
    MessageBlock,
    Party,
    Post,
    Subscription,
    User,
)
from forum.services import accounts, notify

MENTION = re.compile(r"(?<![\w@/.+-])@([A-Za-z0-9_-]{3,30})(?![\w-])")
SKIPPED = {"a", "code", "pre", "blockquote"}
MOST = 10
MOST_NEW = 2  # for an account less than a day old


class _Rewriter(HTMLParser):
    """Sanitised HTML back out as it came, with `@name` in text outside SKIPPED linked when
    `found` knows the name."""

    def __init__(self, found: dict[str, User]) -> None:
        super().__init__(convert_charrefs=True)
        self.found, self.out, self.depth, self.seen = found, [], 0, []

    def handle_starttag(self, tag, attrs) -> None:
        self.depth += tag in SKIPPED
        self.out.append(self.get_starttag_text())

    def handle_startendtag(self, tag, attrs) -> None:
        self.out.append(self.get_starttag_text())

    def handle_endtag(self, tag) -> None:
        self.depth -= tag in SKIPPED and self.depth > 0
        self.out.append(f"</{tag}>")

    def handle_data(self, data) -> None:
        if self.depth:
            self.out.append(escape(data, quote=False))
            return
        position = 0
        for match in MENTION.finditer(data):
            user = self.found.get(accounts.username_key(match.group(1)))
            self.out.append(escape(data[position : match.start()], quote=False))
            if user is None:
                self.out.append(escape(match.group(0), quote=False))
            else:
                if user not in self.seen:
                    self.seen.append(user)
                href = f"/u/{quote(user.username)}"
                self.out.append(f'<a class="mention" href="{href}">@{escape(user.username)}</a>')
            position = match.end()
        self.out.append(escape(data[position:], quote=False))


class _Names(_Rewriter):
    """Only the names written outside SKIPPED, in order."""

    def __init__(self) -> None:
        super().__init__({})
        self.names: list[str] = []

    def handle_data(self, data) -> None:
        if not self.depth:
            self.names += [m.group(1) for m in MENTION.finditer(data)]


def link(html: str) -> tuple[str, list[User]]:
    """The HTML with its mentions linked, and the members mentioned (at most MOST), in order.
    Whoever writes it, the same words link the same names: the page never shows how old the
    writer's account is (to_tell holds a new account to MOST_NEW people told)."""
    if "@" not in html:
        return html, []
    names = _Names()
    names.feed(html)
    keys = list(dict.fromkeys(accounts.username_key(n) for n in names.names))
    if not keys:
        return html, []
    members = db.session.scalars(
        select(User).where(User.username_key.in_(keys[: MOST * 3]), User.deleted_at.is_(None))
    ).all()
    found = {m.username_key: m for m in members}
    ordered = [found[k] for k in keys if k in found][:MOST]
    rewriter = _Rewriter({m.username_key: m for m in ordered})
    rewriter.feed(html)
    rewriter.close()
    return "".join(rewriter.out), ordered


def to_tell(post: Post, mentioned: list[User]) -> list[User]:
    """Those mentioned who hear of it: the first MOST_NEW from an account less than a day old,
    not the author, not blocked either way (unless the post is anonymous: who is skipped
    would hint at who wrote it), not muting the thread, and able to read the post."""
    if not mentioned or not post.is_visible:
        return []
    if post.author.is_new_account:
        mentioned = mentioned[:MOST_NEW]
    ids = {m.id for m in mentioned} - {post.author_id}
    if not ids:
        return []
    author = post.author_id
    blocked = set()
    for model in () if post.anonymous else (Block, MessageBlock):
        blocked |= set(
            db.session.execute(
                select(model.blocker_id, model.blocked_id).where(
                    or_(
                        and_(model.blocker_id == author, model.blocked_id.in_(ids)),
                        and_(model.blocked_id == author, model.blocker_id.in_(ids)),
                    )
                )
            ).all()
        )
    blocked_ids = {a for pair in blocked for a in pair} - {author}
    muted = set(
        db.session.scalars(
            select(Subscription.user_id).where(
                Subscription.thread_id == post.thread_id,
                Subscription.muted,
                Subscription.user_id.in_(ids),
            )
        )
    )
    return [m for m in mentioned if m.id in ids - blocked_ids - muted and not m.is_banned]


def record(post: Post) -> None:
    """Once, as the post goes up: who it mentions, kept by id, and those who may hear, told."""
    mentioned = getattr(post, "mentioned", [])
    if not mentioned:
        return
    db.session.add_all(Mention(post_id=post.id, user_id=m.id) for m in mentioned)
    db.session.flush()
    notify.mentioned(post, to_tell(post, mentioned))


SUGGESTED = 8


def suggestions(viewer: User, prefix: str, thread_id: int | None) -> list[User]:
    """Whom to offer as she types "@pr": members who posted by name in this thread and those
    she has talked with by name; never the whole directory, never anyone behind an anonymous
    post or an alias, never anyone blocked either way."""
    prefix = accounts.username_key(prefix.lstrip("@")) if prefix.strip("@ ") else ""
    if not re.fullmatch(r"[a-z0-9_-]{1,30}", prefix):
        return []
    me, them = aliased(Party), aliased(Party)
    in_thread = select(Post.author_id).where(Post.thread_id == thread_id, ~Post.anonymous)
    talked = (
        select(them.user_id)
        .join(me, me.conversation_id == them.conversation_id)
        .join(Conversation, Conversation.id == them.conversation_id)
        .where(
            me.user_id == viewer.id,
            them.user_id != viewer.id,
            them.alias.is_(None),
            Conversation.post_id.is_(None),
            Conversation.state.in_(["open", "closed"]),
        )
    )
    blocked = (
        select(Block.blocked_id)
        .where(Block.blocker_id == viewer.id)
        .union(select(Block.blocker_id).where(Block.blocked_id == viewer.id))
    )
    people = in_thread.union(talked) if thread_id is not None else talked
    escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return list(
        db.session.scalars(
            select(User)
            .where(
                User.id.in_(people),
                User.id != viewer.id,
                User.id.not_in(blocked),
                User.deleted_at.is_(None),
                User.username_key.like(f"{escaped}%", escape="\\"),
            )
            .order_by(User.username_key)
            .limit(SUGGESTED)
        )
    )
