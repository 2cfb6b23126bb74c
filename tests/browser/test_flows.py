"""The main things members and moderators do, in a real browser, at phone and desktop size.

Pages are driven the way a person uses them: by labels, roles, button names and visible text.
Each test runs twice, at 390x844 (a phone) and at 1280x800 (a laptop).
"""

import re
from urllib.parse import urlsplit

from playwright.sync_api import Locator, Page, expect

from tests.browser.people import account_menu, log_in, log_out, open_reactions, post_by

HANNAH_SAYS = "First week back and I cried in the car park at lunch."


def a_thread(forum, author, title_prefix: str = "Back at work") -> tuple[str, int]:
    """A thread made with the forum's own services: its title and id."""
    title = forum.title(title_prefix)
    # Each body is new: the same words twice in a few minutes are refused as a duplicate.
    return title, forum.thread(author, title, f"{HANNAH_SAYS} ({title})")


def open_thread(page: Page, title: str) -> None:
    """From the home page, by the thread's title, as a member finds it."""
    page.goto("/")
    page.get_by_role("link", name=title).first.click()
    expect(page.get_by_role("heading", level=1, name=title)).to_be_visible()


def open_queue(page: Page) -> None:
    """The moderator's link in the header, which carries the count of open items."""
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name=re.compile(r"^Moderation")
    ).click()
    expect(page.get_by_role("heading", level=1, name="Moderation queue")).to_be_visible()


# Accounts


def test_sign_up_log_out_and_log_in_again(page: Page, forum) -> None:
    username = forum.name("newparent")
    password = "quiet mornings with tea"
    page.goto("/")
    page.get_by_role("link", name="Sign up").click()
    page.get_by_label("Username").fill(username)
    page.get_by_label("Email").fill(f"{username}@example.org")
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_label("Password again").fill("quiet mornings with coffee")
    page.get_by_role("button", name="Join Blossom").click()

    # A slip: both problems are shown at their fields, and what was typed is still there.
    expect(page.get_by_text("The two passwords don't match.")).to_be_visible()
    expect(page.get_by_text("tick the box to agree")).to_be_visible()
    expect(page.get_by_label("Username")).to_have_value(username)
    expect(page.get_by_label("Password again")).to_have_attribute("aria-invalid", "true")

    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_label("Password again").fill(password)
    page.get_by_label("I have read and agree to the community guidelines").check()
    page.get_by_role("button", name="Join Blossom").click()
    expect(page.get_by_role("heading", level=1, name="Check your email")).to_be_visible()

    # The link in the email, opened in the browser she joined in, confirms and signs her in.
    link = urlsplit(forum.link_emailed_to(f"{username}@example.org"))
    page.goto(f"{link.path}?{link.query}" if link.query else link.path)
    expect(page.get_by_text("your email address is confirmed")).to_be_visible()
    expect(account_menu(page)).to_contain_text(username)

    log_out(page)
    page.get_by_role("link", name="Log in").click()
    page.get_by_label("Username or email").fill(f"{username}@example.org")
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_text(f"Welcome back, {username}.")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/$"))


# Threads and replies


def test_start_a_thread(page: Page, forum) -> None:
    member = forum.member("hannah")
    log_in(page, member)
    page.get_by_role("link", name="Start a thread").first.click()
    expect(page.get_by_role("heading", level=1, name="Start a thread")).to_be_visible()

    title = forum.title("Pumping in a cupboard at work")
    page.get_by_label("Category").select_option(label="Back to work")
    page.get_by_label("Title").fill(title)
    page.get_by_role("button", name="Start the thread").click()
    expect(page.get_by_text("Write a few words first.")).to_be_visible()
    expect(page.get_by_label("Title")).to_have_value(title)

    page.get_by_label("What's on your mind?").fill(
        "The only room with a lock is the supply cupboard."
    )
    page.get_by_role("button", name="Start the thread").click()

    expect(page.get_by_role("heading", level=1, name=title)).to_be_visible()
    expect(page.get_by_text("Your thread is up.")).to_be_visible()
    opening = post_by(page, member.display_name)
    expect(opening).to_contain_text("the supply cupboard")
    page.get_by_role("link", name="Back to work").click()
    expect(page.get_by_role("link", name=title)).to_be_visible()


def test_reply_quote_and_edit(page: Page, forum) -> None:
    author = forum.member("hannah")
    member = forum.member("priya")
    title, _ = a_thread(forum, author)
    log_in(page, member)
    open_thread(page, title)

    page.get_by_label("Your reply").fill("I'm right there with you. It gets easier.")
    page.get_by_role("button", name="Reply", exact=True).click()
    expect(page.get_by_text("Your reply is posted.")).to_be_visible()
    mine = post_by(page, member.display_name)
    expect(mine).to_contain_text("It gets easier.")

    post_by(page, author.display_name).get_by_role("link", name="Quote").click()
    body = page.get_by_label("Your reply")
    expect(body).to_have_value(
        re.compile(rf"^\*\*{author.display_name}\*\* wrote:\n> {HANNAH_SAYS}")
    )
    body.fill(body.input_value() + "\nThe car park cry is a rite of passage.")
    page.get_by_role("button", name="Reply", exact=True).click()
    expect(page.get_by_text("Your reply is posted.")).to_be_visible()
    quoting = post_by(page, member.display_name).last
    expect(quoting).to_contain_text(HANNAH_SAYS)
    expect(quoting).to_contain_text("rite of passage")

    post_by(page, member.display_name).first.get_by_role("link", name="Edit").click()
    page.get_by_label("Your post").fill("I'm right there with you. It does get easier, I promise.")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("Your changes are saved.")).to_be_visible()
    edited = post_by(page, member.display_name).first
    expect(edited).to_contain_text("It does get easier, I promise.")
    expect(edited.get_by_text("edited")).to_be_visible()


# Reactions


def test_react_and_take_it_back_in_place_with_javascript(page: Page, forum) -> None:
    author = forum.member("hannah")
    member = forum.member("priya")
    title, _ = a_thread(forum, author)
    log_in(page, member)
    open_thread(page, title)
    page.evaluate("() => { window.stayedOnThisPage = true; }")  # gone if the page reloads

    post = post_by(page, author.display_name)
    open_reactions(post)
    post.get_by_role("button", name="Send a hug (0 hugs)").click()
    hug = post.get_by_role("button", name="Send a hug (1 hug)")
    expect(hug).to_have_attribute("aria-pressed", "true")
    expect(hug).to_be_focused()  # the keyboard user's place is kept across the swap
    post.get_by_role("button", name="Me too (0 me toos)").click()
    expect(post.get_by_role("button", name="Me too (1 me too)")).to_have_attribute(
        "aria-pressed", "true"
    )

    hug.click()
    expect(post.get_by_role("button", name="Send a hug (0 hugs)")).to_have_attribute(
        "aria-pressed", "false"
    )
    assert page.evaluate("() => window.stayedOnThisPage") is True

    page.reload()  # what the server kept
    post = post_by(page, author.display_name)
    expect(post.locator("details.react > summary")).to_contain_text("1 me too")
    open_reactions(post)
    expect(post.get_by_role("button", name="Me too (1 me too)")).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(post.get_by_role("button", name="Send a hug (0 hugs)")).to_have_attribute(
        "aria-pressed", "false"
    )


def test_react_and_take_it_back_without_javascript(open_page, forum) -> None:
    page = open_page(javascript=False)
    author = forum.member("hannah")
    member = forum.member("priya")
    title, thread_id = a_thread(forum, author)
    log_in(page, member)
    open_thread(page, title)

    open_reactions(post_by(page, author.display_name))
    post_by(page, author.display_name).get_by_role("button", name="Send a heart (0 hearts)").click()
    expect(page).to_have_url(re.compile(rf"/t/{thread_id}(\?page=1)?#p1$"))
    open_reactions(post_by(page, author.display_name))
    heart = post_by(page, author.display_name).get_by_role("button", name="Send a heart (1 heart)")
    expect(heart).to_have_attribute("aria-pressed", "true")

    heart.click()
    open_reactions(post_by(page, author.display_name))
    expect(
        post_by(page, author.display_name).get_by_role("button", name="Send a heart (0 hearts)")
    ).to_have_attribute("aria-pressed", "false")


# Reporting and moderation


def test_a_member_reports_a_post_and_a_moderator_hides_it_from_the_queue(open_page, forum) -> None:
    author = forum.member("hannah")
    unkind = forum.member("grumpy")
    member = forum.member("priya")
    moderator = forum.member("morgan", role="moderator")
    title, thread_id = a_thread(forum, author)
    forum.reply(unkind, thread_id, "Maybe you just aren't cut out for working.")

    page = open_page()
    log_in(page, member)
    open_thread(page, title)
    post_by(page, unkind.display_name).get_by_role("link", name="Report").click()
    expect(page.get_by_role("heading", name="Report a post")).to_be_visible()
    page.get_by_label("Unkind or judgemental").check()
    page.get_by_label("Anything else the moderators should know?").fill("This was hurtful.")
    page.get_by_role("button", name="Send the report").click()
    expect(page.get_by_text("Thank you", exact=False).first).to_be_visible()
    account_menu(page).click()
    page.get_by_role("link", name="Your reports").click()
    expect(page.get_by_text(title)).to_be_visible()

    staff = open_page()
    log_in(staff, moderator)
    open_queue(staff)
    item = staff.get_by_role("region", name=re.compile(re.escape(title)))
    expect(item).to_contain_text("Unkind or judgemental")
    expect(item).to_contain_text("This was hurtful.")
    item.get_by_role("button", name="Hide the post").click()
    # Without a reason nothing happens: the post's page says why, and the report is still open.
    expect(staff.get_by_text("Please write a reason").first).to_be_visible()
    open_queue(staff)
    item = staff.get_by_role("region", name=re.compile(re.escape(title)))
    item.get_by_label("Your words").fill("Judgemental about a member's choices.")
    item.get_by_role("button", name="Hide the post").click()
    expect(staff.get_by_role("region", name=re.compile(re.escape(title)))).to_have_count(0)

    page.reload()
    open_thread(page, title)
    expect(page.get_by_text("This post was hidden by a moderator.")).to_be_visible()
    expect(page.get_by_text("cut out for working")).to_have_count(0)


# Peer support


def test_post_anonymously(open_page, forum) -> None:
    author = forum.member("hannah", display_name="Hannah Whitfield")
    member = forum.member("priya")
    page = open_page()
    log_in(page, author)
    page.get_by_role("link", name="Start a thread").first.click()
    title = forum.title("I don't feel like a good mum right now")
    page.get_by_label("Category").select_option(label="Postpartum feelings")
    page.get_by_label("Title").fill(title)
    page.get_by_label("What's on your mind?").fill("I love her so much and I still want to run.")
    page.get_by_label("Post anonymously").check()
    page.get_by_role("button", name="Start the thread").click()
    expect(post_by(page, "Anonymous parent (original poster)")).to_contain_text(
        "You posted this anonymously."
    )

    other = open_page()
    log_in(other, member)
    other.goto("/")
    expect(other.get_by_role("listitem").filter(has_text=title)).to_contain_text("Anonymous parent")
    open_thread(other, title)
    expect(post_by(other, "Anonymous parent (original poster)")).to_contain_text("want to run")
    html = other.content()
    for name in (author.username, "Hannah Whitfield", f"/u/{author.username}"):
        assert name not in html
    other.goto(f"/u/{author.username}")
    expect(other.get_by_role("heading", level=1)).to_contain_text("Hannah Whitfield")
    expect(other.get_by_text(title)).to_have_count(0)


def test_crisis_wording_shows_support_and_goes_first_in_the_queue(open_page, forum) -> None:
    author = forum.member("hannah")
    member = forum.member("priya")
    reporters = [forum.member("ally"), forum.member("sam")]
    moderator = forum.member("morgan", role="moderator")
    title, _ = a_thread(forum, author, "Night feeds and a deadline")
    ordinary, ordinary_id = a_thread(forum, author, "Grumbling about my manager")
    for reporter in reporters:  # two reporters: an ordinary report with weight behind it
        forum.report(reporter, forum.opening_post(ordinary_id), "spam")

    page = open_page()
    log_in(page, member)
    open_thread(page, title)
    page.get_by_label("Your reply").fill("Honestly some nights I feel like I can't go on.")
    page.get_by_role("button", name="Reply", exact=True).click()
    panel = page.get_by_role("region", name="You're not alone")
    expect(panel).to_be_visible()
    expect(panel).to_be_in_viewport()
    expect(panel.get_by_role("link", name="Call or text 988")).to_have_attribute("href", "tel:988")
    expect(page.get_by_role("link", name="Get support now").first).to_be_visible()

    staff = open_page()
    log_in(staff, moderator)
    open_queue(staff)
    items = staff.get_by_role("region").filter(has=staff.get_by_role("heading", level=2))
    expect(items.first).to_contain_text("Someone may be at risk")
    headings = items.get_by_role("heading", level=2).all_inner_texts()
    at_risk = next(i for i, text in enumerate(headings) if title in text)
    plain = next(i for i, text in enumerate(headings) if ordinary in text)
    assert "Someone may be at risk" in headings[at_risk]
    assert at_risk < plain


# Notifications


def test_a_reply_rings_the_bell_and_the_notification_leads_to_it(open_page, forum) -> None:
    hannah, priya = forum.member("hannah"), forum.member("priya")
    title, thread_id = a_thread(forum, hannah)
    forum.reply(priya, thread_id, "A flower still grows even when you are not watching it.")

    page = open_page()
    log_in(page, hannah)
    bell = page.get_by_role("link", name=re.compile(r"^Notifications"))
    expect(bell).to_have_accessible_name("Notifications 1 unread")
    bell.click()
    expect(page.get_by_role("heading", level=1, name="Notifications")).to_be_visible()
    page.get_by_role("link", name=f"Unread: {priya.display_name} replied in “{title}”").click()

    expect(page.get_by_role("heading", level=1, name=title)).to_be_visible()
    expect(post_by(page, priya.display_name)).to_contain_text(
        "a flower still grows", ignore_case=True
    )
    expect(page).to_have_url(re.compile(rf"/t/{thread_id}\?page=1#p2$"))
    expect(page.get_by_role("link", name=re.compile(r"^Notifications"))).to_have_accessible_name(
        "Notifications"
    )


# Help one tap away


def test_support_is_one_tap_away_and_opens_again_from_her_post(
    open_page, forum, size, screenshots
) -> None:
    author = forum.member("hannah")
    parent = forum.member("priya")
    title, thread_id = a_thread(forum, author, "Long nights")
    for n in range(12):  # a long thread: the footer's link is screens away
        forum.reply(author if n % 2 else forum.member(f"helper{n}"), thread_id, f"Reply {n}. " * 30)

    page = open_page()
    log_in(page, parent)
    page.goto(f"/t/{thread_id}?page=1")
    header_link = page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Get support"
    )
    expect(header_link).to_be_visible()
    expect(header_link).to_be_in_viewport()

    page.get_by_label("Your reply").fill("I don't want to be here anymore, honestly.")
    page.get_by_role("button", name="Reply", exact=True).click()
    panel = page.get_by_role("region", name="You're not alone")
    expect(panel).to_be_in_viewport()
    expect(panel.get_by_role("link", name="Text 988", exact=True)).to_have_attribute(
        "href", "sms:988"
    )
    page.screenshot(path=screenshots / f"crisis-panel-{size}.png")

    page.reload()  # the panel is gone with the flash, and waits on her post instead
    expect(page.get_by_role("region", name="You're not alone")).to_have_count(0)
    page.get_by_text("Support for you").click()
    again = page.locator(".support-again")
    expect(again.get_by_role("link", name="Call or text 988")).to_be_visible()
    page.screenshot(path=screenshots / f"support-again-{size}.png")
    again.get_by_role("button", name="Make it anonymous").click()
    expect(page.get_by_text("Your post is anonymous now.")).to_be_visible()


# Quoting, and what helped

A_LONG_DAY = (
    "First week back and I cried in the car park at lunch.\n\n"
    "I sat in the car with her blanket on my lap and couldn't stop.\n\n"
    "My manager was kind, but I felt like everyone could tell.\n\n"
    "Tonight she fell asleep on me and I didn't want to put her down."
)


def select_words(post: Locator, words: str) -> None:
    """Select these words in the post's text, as a finger or a mouse does."""
    post.locator(".post-body").evaluate(
        """(body, words) => {
            const walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                const at = node.data.indexOf(words);
                if (at >= 0) {
                    const range = document.createRange();
                    range.setStart(node, at);
                    range.setEnd(node, at + words.length);
                    window.getSelection().removeAllRanges();
                    window.getSelection().addRange(range);
                    return;
                }
            }
            throw new Error("not in the post: " + words);
        }""",
        words,
    )


def test_quote_selected_words_in_a_box_under_the_post_and_what_helped_shows_her_own_words(
    open_page, forum, size, screenshots
) -> None:
    author, helper = forum.member("hannah"), forum.member("priya")
    title = forum.title("Back at work")
    thread_id = forum.thread(author, title, f"{A_LONG_DAY} ({title})")
    for n in range(3):  # the end of the thread, and its reply box, are screens away
        forum.reply(forum.member(f"friend{n}"), thread_id, f"Sending you so much love. {n} " * 6)

    page = open_page()
    log_in(page, helper)
    page.goto(f"/t/{thread_id}")
    opening = post_by(page, author.display_name)
    select_words(opening, "her blanket on my lap")
    opening.get_by_role("link", name="Quote").click()

    box = page.get_by_role("region", name="Reply", exact=True)
    body = box.get_by_label("Your reply")
    quotation = f"**{author.display_name}** wrote:\n> her blanket on my lap\n\n"
    expect(body).to_have_value(quotation)  # just the words she chose, not the whole post
    assert page.evaluate("() => document.getElementById('p1').nextElementSibling.id") == "reply"
    expect(body).to_be_focused()
    assert body.evaluate("box => [box.selectionStart, box.selectionEnd]") == [len(quotation)] * 2
    page.keyboard.type("I did exactly that. It does get easier, I promise.")
    expect(body).to_have_value(f"{quotation}I did exactly that. It does get easier, I promise.")
    expect(body).to_be_in_viewport()
    page.screenshot(path=screenshots / f"quote-under-the-post-{size}.png")
    box.get_by_role("button", name="Not now").click()  # back to the end, keeping her words
    assert (
        page.evaluate(
            "() => document.querySelector('.posts').contains(document.getElementById('reply'))"
        )
        is False
    )
    expect(body).to_have_value(f"{quotation}I did exactly that. It does get easier, I promise.")
    expect(opening.get_by_role("link", name="Quote")).to_be_focused()
    expect(box.get_by_role("button", name="Not now")).to_be_hidden()
    box.get_by_role("button", name="Reply", exact=True).click()
    expect(page.get_by_text("Your reply is posted.")).to_be_visible()
    answer = post_by(page, helper.display_name)
    expect(answer).to_contain_text("her blanket on my lap")
    expect(answer).to_contain_text("It does get easier, I promise.")
    expect(answer).not_to_contain_text("fell asleep on me")

    page = open_page()
    log_in(page, author)
    page.goto(f"/t/{thread_id}")
    this_helped = post_by(page, helper.display_name).get_by_role("button", name="This helped me")
    this_helped.scroll_into_view_if_needed()
    page.screenshot(path=screenshots / f"this-helped-me-{size}.png")
    this_helped.click()
    expect(page.get_by_text("Marked as helping you.")).to_be_visible()
    answer = post_by(page, helper.display_name)
    expect(answer.get_by_text("You marked this as helping ✓")).to_be_visible()
    page.screenshot(path=screenshots / f"helped-marked-{size}.png")
    helped = page.get_by_role("region", name="What helped")
    expect(helped).to_contain_text("I did exactly that. It does get easier, I promise.")
    expect(helped).not_to_contain_text("blanket")
    helped.scroll_into_view_if_needed()
    page.screenshot(path=screenshots / f"what-helped-{size}.png")
    answer.get_by_role("button", name="(undo)").click()
    expect(page.get_by_role("region", name="What helped")).to_have_count(0)
    expect(
        post_by(page, helper.display_name).get_by_role("button", name="This helped me")
    ).to_be_visible()


def test_quote_without_javascript_opens_the_reply_page_with_the_first_lines(
    open_page, forum
) -> None:
    author, helper = forum.member("hannah"), forum.member("priya")
    title = forum.title("Back at work")
    thread_id = forum.thread(author, title, f"{A_LONG_DAY} ({title})")
    page = open_page(javascript=False)
    log_in(page, helper)
    page.goto(f"/t/{thread_id}")
    post_by(page, author.display_name).get_by_role("link", name="Quote").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Reply to")
    body = page.get_by_label("Your reply")
    expect(body).to_have_value(
        re.compile(rf"^\*\*{author.display_name}\*\* wrote:\n> First week back and I cried")
    )
    expect(body).not_to_have_value(re.compile("fell asleep on me"))
