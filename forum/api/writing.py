"""Writing: start a thread, reply, edit and delete one's post, react, report. Through the same
services, rules, limits, second looks and crisis handling as the pages."""

from flask import abort
from flask_babel import format_decimal, gettext
from spectree import Response as Doc

from forum.api import schemas, serialise
from forum.api.base import ApiError, answer, body, bp, member, needs, spec
from forum.database import db
from forum.forms import single_line, visible
from forum.limits import limited
from forum.models import Post, ReactionKind, Thread
from forum.services import blocking, browsing, posting, reactions, reporting
from forum.services.posting_rules import BODY_MAX, TITLE_MAX, TITLE_MIN
from forum.services.shapes import shape_posts

WRITE = ("writing",)
REFUSED = {
    "HTTP_400": schemas.Error,
    "HTTP_401": schemas.Error,
    "HTTP_403": schemas.Error,
    "HTTP_409": schemas.Error,
}


def _check_body(text: str) -> None:
    """What the forms check before the services see it: words, and not too many."""
    if not visible(text):
        message = gettext("Write a few words first.")
        raise ApiError(400, "invalid", message, {"body": message})
    if len(text) > BODY_MAX:
        message = gettext(
            "Your post can be up to %(most)s characters; this one has %(length)s.",
            most=format_decimal(BODY_MAX),
            length=format_decimal(len(text)),
        )
        raise ApiError(400, "invalid", message, {"body": message})


def _check_title(title: str) -> None:
    if not TITLE_MIN <= len(single_line(title)) <= TITLE_MAX:
        message = gettext(
            "A title has %(least)d to %(most)d characters.", least=TITLE_MIN, most=TITLE_MAX
        )
        raise ApiError(400, "invalid", message, {"title": message})


def _posted(post: Post, crisis: bool, status: int = 201):
    """Kept, and answered as its readers will see it; support first if the words read as a crisis."""
    db.session.commit()
    viewer = member()
    shape = shape_posts([post], viewer, blocking.blocked_among(viewer, [post]))[0]
    return answer(
        schemas.Posted(
            post=serialise.post(shape),
            thread_id=post.thread_id,
            support=serialise.support() if crisis else None,
        ),
        status,
    )


def _post(post_id: int) -> Post:
    return browsing.post_with_thread(post_id) or abort(404)


@bp.post("/categories/<slug>/threads")
@limited("posting")
@limited("api")
@spec.validate(
    json=schemas.NewThread, resp=Doc(HTTP_201=schemas.Posted, HTTP_404=schemas.Error, **REFUSED),
    tags=WRITE, skip_validation=True,
)  # fmt: skip
@needs("write:posts")
def start_thread(slug: str):
    """Start a thread in the category."""
    sent = body(schemas.NewThread)
    category = browsing.category_by_slug(slug) or abort(404)
    _check_title(sent.title)
    _check_body(sent.body)
    thread = posting.start_thread(
        member(), category, single_line(sent.title), sent.body,
        anonymous=sent.anonymous, content_note=(sent.content_note or "").strip() or None,
    )  # fmt: skip
    return _posted(browsing.opening_post(thread), thread.reads_as_crisis)


@bp.post("/threads/<id:thread_id>/posts")
@limited("posting")
@limited("api")
@spec.validate(
    json=schemas.NewReply, resp=Doc(HTTP_201=schemas.Posted, HTTP_404=schemas.Error, **REFUSED),
    tags=WRITE, skip_validation=True,
)  # fmt: skip
@needs("write:posts")
def reply(thread_id: int):
    """Reply to a thread. A second look (kindness, or her name in a thread she started
    anonymously) answers 400 with `pause`: send again with the confirmation to post it."""
    sent = body(schemas.NewReply)
    thread = db.session.get(Thread, thread_id) or abort(404)
    _check_body(sent.body)
    writer = member()
    anonymous = thread.started_anonymously_by(writer) if sent.anonymous is None else sent.anonymous
    post = posting.reply(
        writer, thread, sent.body, anonymous=anonymous,
        content_note=(sent.content_note or "").strip() or None,
        kindness_confirmed=sent.confirm_kindness, named_confirmed=sent.confirm_named,
    )  # fmt: skip
    return _posted(post, post.reads_as_crisis)


@bp.patch("/posts/<id:post_id>")
@limited("editing")
@limited("api")
@spec.validate(
    json=schemas.Edit, resp=Doc(HTTP_200=schemas.Posted, HTTP_404=schemas.Error, **REFUSED),
    tags=WRITE, skip_validation=True,
)  # fmt: skip
@needs("write:posts")
def edit(post_id: int):
    """Edit your post; `title` changes the thread's title when it is the opening post."""
    sent = body(schemas.Edit)
    post = _post(post_id)
    _check_body(sent.body)
    title = single_line(sent.title) if post.is_opening and sent.title is not None else None
    if title is not None:
        _check_title(title)
    posting.edit_post(member(), post, sent.body, title)
    return _posted(post, post.reads_as_crisis, 200)


@bp.delete("/posts/<id:post_id>")
@limited("editing")
@limited("api")
@spec.validate(
    resp=Doc(HTTP_200=schemas.Done, HTTP_404=schemas.Error, **REFUSED), tags=WRITE,
    skip_validation=True,
)  # fmt: skip
@needs("write:posts")
def delete(post_id: int):
    """Delete your post."""
    post = _post(post_id)
    posting.delete_post(member(), post)
    db.session.commit()
    return answer(schemas.Done(ok=True, message=gettext("Your post is deleted.")))


def _set_reaction(post_id: int, kind: str, wanted: bool):
    if kind not in set(ReactionKind):
        abort(404)
    post = _post(post_id)
    viewer = member()
    mine = {r.kind for r in reactions.reactions_for([post], viewer)[post.id] if r.mine}
    reacted = kind in mine
    if reacted != wanted:
        reacted = reactions.toggle_reaction(viewer, post, kind)
    elif not post.can_react(viewer):  # the same refusal as a change would meet
        reactions.toggle_reaction(viewer, post, kind)
    db.session.commit()
    counts = reactions.reactions_for([post], viewer)[post.id]
    return answer(
        schemas.Reacted(
            kind=kind,
            reacted=reacted,
            reactions=serialise.reactions(counts),
        )
    )


@bp.put("/posts/<id:post_id>/reactions/<kind>")
@limited("reactions")
@limited("api")
@spec.validate(
    resp=Doc(HTTP_200=schemas.Reacted, HTTP_404=schemas.Error, **REFUSED), tags=WRITE,
    skip_validation=True,
)  # fmt: skip
@needs("write:reactions")
def react(post_id: int, kind: str):
    """React: heart, hug, me_too, got_this or thank_you. Reacting twice changes nothing."""
    return _set_reaction(post_id, kind, True)


@bp.delete("/posts/<id:post_id>/reactions/<kind>")
@limited("reactions")
@limited("api")
@spec.validate(
    resp=Doc(HTTP_200=schemas.Reacted, HTTP_404=schemas.Error, **REFUSED), tags=WRITE,
    skip_validation=True,
)  # fmt: skip
@needs("write:reactions")
def unreact(post_id: int, kind: str):
    """Take a reaction back."""
    return _set_reaction(post_id, kind, False)


@bp.post("/posts/<id:post_id>/reports")
@limited("reports")
@limited("api")
@spec.validate(
    json=schemas.NewReport, resp=Doc(HTTP_201=schemas.Reported, HTTP_404=schemas.Error, **REFUSED),
    tags=WRITE, skip_validation=True,
)  # fmt: skip
@needs("write:reports")
def report(post_id: int):
    """Report a post to the moderators: unkind, harassment, spam, private, at_risk or other.
    The author is never told who reported it."""
    sent = body(schemas.NewReport)
    post = _post(post_id)
    reporter = member()
    reporting.check_can_report(reporter, post)
    filed = reporting.report_post(reporter, post, sent.reason, sent.details)
    db.session.commit()
    message = (
        gettext("You had already reported this post, so we've updated your report. Thank you.")
        if filed.updated
        else gettext(
            "Thank you for telling us. A moderator will look at this soon; the author won't be "
            "told who reported it."
        )
    )
    return answer(
        schemas.Reported(
            report_id=filed.report.id,
            updated=filed.updated,
            message=message,
            support=serialise.support() if sent.reason == "at_risk" else None,
        ),
        201,
    )
