from html.parser import HTMLParser

import pytest

from forum.services.text import (
    ALLOWED_ATTRIBUTES,
    ALLOWED_PROTOCOLS,
    ALLOWED_TAGS,
    quote_markdown,
    render_markdown,
)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("*soft* and **strong**", "<p><em>soft</em> and <strong>strong</strong></p>"),
        ("line one\nline two", "<p>line one<br>\nline two</p>"),
        ("> you've got this", "<blockquote>\n<p>you've got this</p>\n</blockquote>"),
        ("- one\n- two", "<ul>\n<li>one</li>\n<li>two</li>\n</ul>"),
        ("1. one\n2. two", "<ol>\n<li>one</li>\n<li>two</li>\n</ol>"),
        ("`code`", "<p><code>code</code></p>"),
        ("```\n<b>x</b>\n```", "<pre><code>&lt;b&gt;x&lt;/b&gt;\n</code></pre>"),
    ],
)
def test_allowed_markdown(source, expected):
    assert render_markdown(source) == expected


def test_links_get_rel_nofollow_ugc_noopener():
    html = render_markdown("[help](https://example.org/help)")
    assert html == '<p><a href="https://example.org/help" rel="nofollow ugc noopener">help</a></p>'


def test_bare_urls_are_linked():
    html = render_markdown("See https://example.org/a?b=1&c=2 today")
    assert '<a href="https://example.org/a?b=1&amp;c=2" rel="nofollow ugc noopener">' in html


def test_urls_in_code_are_not_linked():
    assert "<a" not in render_markdown("`https://example.org`")


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "<a href='javascript:alert(1)'>x</a>",
        "[x](javascript:alert(1))",
        "[x](data:text/html;base64,PHNjcmlwdD4=)",
        "[x](vbscript:msgbox)",
        '<div style="position:fixed">x</div>',
        "<iframe src=https://example.org></iframe>",
        "![x](https://example.org/tracker.png)",
    ],
)
def test_no_raw_html_or_dangerous_links_survive(source):
    """Whatever is typed, the only elements are allowed ones, with allowed attributes and links."""
    parser = Elements()
    parser.feed(render_markdown(source))
    for tag, attributes in parser.found:
        assert tag in ALLOWED_TAGS
        for name, value in attributes:
            assert name in ALLOWED_ATTRIBUTES.get(tag, [])
            if name == "href":
                assert value.split(":")[0] in ALLOWED_PROTOCOLS


class Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, list]] = []

    def handle_starttag(self, tag, attrs) -> None:
        self.found.append((tag, attrs))


def test_headings_are_plain_text():
    assert render_markdown("# Big") == "<p># Big</p>"


def test_quote_markdown_quotes_every_line():
    assert quote_markdown("Maya", "one\n\ntwo  ") == "**Maya** wrote:\n> one\n>\n> two\n\n"
