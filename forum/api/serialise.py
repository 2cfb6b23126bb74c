"""Answers built from the same computed objects the pages show (forum/services/shapes.py): an
author is only ever what the byline holds, so an anonymous post's author can't reach JSON."""

from flask import g, request, url_for

from forum.api import schemas
from forum.models import Category, User
from forum.pagination import post_url
from forum.services import safety
from forum.services.listing import ThreadRow
from forum.services.shapes import Byline, PostShape, thread_byline


def avatar(member: User) -> schemas.Avatar:
    return schemas.Avatar(initials=member.initials, colour=member.avatar_colour)


def author(byline: Byline) -> schemas.Author:
    named = byline.member
    return schemas.Author(
        label=byline.label,
        anonymous=byline.anonymous,
        username=named.username if named else None,
        profile_url=url_for("profiles.show", username=named.username) if named else None,
        avatar=avatar(named) if named else None,
    )


def post(shape: PostShape) -> schemas.PostOut:
    p, shown = shape.post, shape.shown
    return schemas.PostOut(
        id=p.id,
        thread_id=p.thread_id,
        position=p.position,
        url=post_url(p),
        placeholder=shape.placeholder,
        author=author(shape.byline) if shape.byline else None,
        body_html=p.body_html if shown else None,
        photos=[_photo(image) for image in p.images or ()] if shown else [],
        content_note=p.content_note if shown else None,
        status="deleted" if p.is_deleted else p.status,
        created_at=p.created_at,
        edited_at=p.edited_at if shown else None,
        folded=shape.folded,
        helped=shown and p.helped_at is not None and p.is_visible,
        mine=shape.mine,
        reactions=reactions(shape.reactions),
        can=schemas.Can(edit=shape.can_edit, react=shape.can_react, report=shape.can_report),
    )


def reactions(counts) -> list[schemas.Reaction]:
    """A post's reaction counts, as the post shows them and as a reaction answers."""
    return [schemas.Reaction(kind=r.kind, count=r.count, mine=r.mine) for r in counts]


def _photo(image: dict) -> schemas.Photo:
    """A photo as the page shows it: its random key alone, never who sent it."""
    return schemas.Photo(
        url=url_for("images.show", name=f"{image['key']}.webp"),
        thumbnail_url=url_for("images.show", name=f"{image['key']}-s.webp"),
        alt=image["alt"] or "",
        width=image["w"],
        height=image["h"],
        thumbnail_width=image["tw"],
        thumbnail_height=image["th"],
    )


def category(c: Category) -> schemas.CategoryOut:
    return schemas.CategoryOut(
        slug=c.slug,
        name=c.name,
        description=c.description,
        thread_count=c.thread_count,
        url=url_for("threads.category", slug=c.slug),
    )


def thread_summary(row: ThreadRow, viewer: User) -> schemas.ThreadSummary:
    t = row.thread
    return schemas.ThreadSummary(
        id=t.id,
        title=t.title_for(viewer),
        url=url_for("threads.show", thread_id=t.id),
        category=t.category.slug,
        author=author(thread_byline(t)),
        content_note=t.content_note if row.preview else None,  # as the listing shows it
        preview=row.preview,
        reply_count=t.reply_count,
        pinned=t.pinned,
        locked=t.locked,
        created_at=t.created_at,
        last_post_at=t.last_post_at,
        new_replies=row.new_replies,
    )


def _country() -> str | None:
    """Whose helplines: the token's member's country, else the region the client's
    Accept-Language names ("es-MX": Mexico), else the site's (None). No cookie is read."""
    member = g.get("api_member")
    if (
        member is not None
        and member.is_authenticated
        and (chosen := safety.shipped(member.country))
    ):
        return chosen
    for value, _quality in request.accept_languages:
        regions = [p for p in value.replace("_", "-").split("-")[1:] if len(p) == 2 and p.isalpha()]
        if regions and (asked := safety.shipped(regions[0])):
            return asked
    return None


def support() -> schemas.Support:
    """The support resources, as the support panel shows them after words that read as a crisis:
    for her country, in the language asked for."""
    s = safety.settings(_country())
    return schemas.Support(
        intro=s.intro,
        lines=[
            schemas.SupportLineOut(
                name=line.name,
                detail=line.detail,
                contact=line.contact,
                href=line.href,
                sms=line.sms,
            )  # fmt: skip
            for line in s.lines
        ],
        elsewhere=s.elsewhere,
        elsewhere_href=s.elsewhere_href,
        page=url_for("support.resources"),
    )


def member(m: User, parents_helped: int, blocked: bool) -> schemas.MemberOut:
    return schemas.MemberOut(
        username=m.username,
        display_name=m.display_name,
        bio=m.bio,
        url=url_for("profiles.show", username=m.username),
        avatar=avatar(m),
        joined=m.created_at,
        post_count=m.post_count,
        thread_count=m.thread_count,
        parents_helped=parents_helped,
        blocked=blocked,
    )
