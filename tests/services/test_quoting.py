"""A quotation holds the words chosen from a post, or its first lines: never the whole post,
never words it does not say, never what it quoted itself."""

from forum.database import db
from forum.services import posting, text
from forum.services.text import render_markdown
from tests import factories

LONG_POST = """First week back and I cried in the car park at lunch.

I sat in the car with her blanket on my lap and couldn't stop.

My manager was kind, but I felt like everyone could tell.

The afternoon was a blur of emails.

Tonight she fell asleep on me and I didn't want to put her down."""


def a_post(member, body: str = LONG_POST):
    thread = factories.thread(member, title="Back at work, heart at home", body=body)
    return factories.opening_post(thread)


def quoted_lines(quotation: str) -> list[str]:
    return [line[2:] for line in quotation.splitlines() if line.startswith("> ")]


def test_a_quotation_holds_the_first_lines_of_a_long_post_not_all_of_it(app, member):
    quotation = posting.quotation(a_post(member))
    assert quotation.startswith(f"**{member.display_name}** wrote:\n> First week back")
    assert quotation.endswith("\n\n")  # the cursor goes after it, on a line of her own
    lines = quoted_lines(quotation)
    assert len(lines) <= text.QUOTE_LINES
    assert sum(len(line) for line in lines) <= text.QUOTE_CHARS + 2
    assert "fell asleep on me" not in quotation and "blur of emails" not in quotation
    assert lines[-1].endswith("…")  # it says there is more


def test_one_long_paragraph_is_cut_at_a_word(app, member):
    words = " ".join(f"word{n}" for n in range(200))
    lines = quoted_lines(posting.quotation(a_post(member, words)))
    assert len(lines) == 1 and len(lines[0]) <= text.QUOTE_CHARS + 1
    assert lines[0].endswith("…") and lines[0][:-1].split()[-1] in words.split()


def test_a_selection_is_quoted_as_the_post_says_it(app, member):
    post = a_post(member)
    chosen = "  with her blanket\ton my lap  and couldn't stop "  # as a browser may give it
    assert quoted_lines(posting.quotation(post, chosen)) == [
        "with her blanket on my lap and couldn't stop"
    ]
    across = "couldn't stop.\n\nMy manager was kind"
    assert quoted_lines(posting.quotation(post, across)) == [
        "couldn't stop.",
        "My manager was kind",
    ]


def test_words_the_post_does_not_say_are_never_put_in_its_mouth(app, member):
    post = a_post(member)
    for forged in ("I hate being a mother", "car park at midnight", "   ", "x" * 50_000):
        quotation = posting.quotation(post, forged)
        assert forged.strip()[:20] not in quotation or not forged.strip()
        assert quoted_lines(quotation)[0].startswith("First week back")


def test_a_quotation_leaves_out_what_the_post_itself_quoted(app, member, other_member):
    opening = a_post(member)
    answer = posting.reply(
        other_member, opening.thread,
        posting.quotation(opening) + "The car park cry is a rite of passage.",
        kindness_confirmed=True,
    )  # fmt: skip
    db.session.commit()
    assert quoted_lines(posting.quotation(answer)) == ["The car park cry is a rite of passage."]
    assert "First week back" not in posting.quotation(answer, "First week back")


def test_a_quotation_reads_as_the_post_did(app, member):
    said = "1. not a list, a *star* and [brackets]\n- a dash, > a sign & `code`"
    post = a_post(
        member,
        "1\\. not a list, a \\*star\\* and [brackets]\n\n\\- a dash, \\> a sign & \\`code\\`",
    )
    assert text.own_words(post.body_html) == said
    reply_html = render_markdown(posting.quotation(post))
    assert text.own_words(reply_html.replace("<blockquote>", "<div>")).endswith(said)


def test_an_anonymous_post_is_quoted_without_its_author(app, member):
    thread = posting.start_thread(
        member, factories.category(), "Some days I resent it", "Is that awful?", anonymous=True
    )
    db.session.commit()
    quotation = posting.quotation(factories.opening_post(thread))
    assert quotation == "**Anonymous parent** wrote:\n> Is that awful?\n\n"
    assert member.username not in quotation and member.display_name not in quotation


def test_own_words_leave_out_quotations_and_the_line_that_introduces_them():
    html = render_markdown(
        "Thank you.\n\n**Maya** wrote:\n> It gets easier\n> I promise\n\nIt did get easier.\n\n"
        "> an unnamed quote\n\nEnd."
    )
    assert text.own_words(html) == "Thank you.\nIt did get easier.\nEnd."
    run_on = render_markdown("Thanks all\n**Maya** wrote:\n> She said\n\nMine.")
    assert text.own_words(run_on) == "Thanks all\nMine."
