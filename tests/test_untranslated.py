"""Proof that nothing a person reads is left in English only.

Three nets: the templates hold no words outside a translated message; the code passes no plain
or f-string sentence to what a person reads (flashes, refusals, form labels, CLI messages); and
every page, rendered in the pseudo-locale, shows no English word that no message carried. The
catalogs themselves are checked too: each shipped language has every message the code uses,
translated and not fuzzy.
"""

import ast
import re
from pathlib import Path

import pytest
from jinja2 import nodes

from forum import catalogs, queue
from forum.database import db, utcnow
from forum.models import Delivery
from forum.services import digest, recovery
from tests import factories, pseudo
from tests.factories import PASSWORD
from tests.test_query_counts import MEMBER, MODERATOR, READ_PAGES, VISITOR, build

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
# Pages that are not prose for a person: files, JSON for programs, the service worker's code.
NOT_PROSE = {"images.show", "pwa.service_worker", "pwa.manifest", "moderation.care_csv"}
# The API's OpenAPI descriptions are documentation for developers, written in English.
DEVELOPER_DOCS = {"forum/api/schemas.py"}


def _template_skeleton(app, path: Path) -> str:
    """The template's own text, with every expression and tag left out."""
    tree = app.jinja_env.parse(path.read_text(), path.name)
    return "".join(node.data for node in tree.find_all(nodes.TemplateData))


def _templates() -> list[Path]:
    return sorted(p for p in TEMPLATES.rglob("*") if p.suffix in (".html", ".txt"))


def test_no_template_has_words_outside_a_translated_message(app):
    found = {}
    for path in _templates():
        skeleton = _template_skeleton(app, path)
        text = skeleton if path.suffix == ".txt" else pseudo.visible_text(skeleton)
        if words := pseudo.unwrapped(text):
            found[str(path.relative_to(ROOT))] = words
    assert found == {}


# Calls whose words a person reads: a plain string or an f-string passed to them was never
# translated. (Logging is for operators and stays English.)
READ_BY_PEOPLE = {
    "flash", "echo", "secho", "ClickException", "UsageError", "ServiceError", "NotAllowed",
    "AlreadyHandled", "ValidationError", "StopValidation", "BadLink", "UploadRefused",
    "ImageRefused", "PushRefused", "KindnessCheck", "NamedReplyCheck", "EmailTaken", "TooSoon",
    "ApiError", "BackupError", "Refusal",
    "queue", "render",  # an email's subject, given to forum.services.mail
}  # fmt: skip
READ_KEYWORDS = {"message", "label", "description", "title", "text", "placeholder"}


def _prose(node: ast.AST) -> bool:
    """A sentence written in place: a string with a space and a letter, or an f-string."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return " " in node.value.strip() and bool(re.search(r"[A-Za-z]{2}", node.value))
    if isinstance(node, ast.JoinedStr):
        return any(_prose(part) for part in node.values) or len(node.values) > 1
    if isinstance(node, ast.BinOp):
        return _prose(node.left) or _prose(node.right)
    return False


def _name(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def _untranslated_calls(source: str) -> list[str]:
    found = []
    for call in ast.walk(ast.parse(source)):
        if not isinstance(call, ast.Call):
            continue
        name = _name(call)
        read = name in READ_BY_PEOPLE
        field = name.endswith("Field")
        arguments = [*call.args] if read or field else []
        arguments += [k.value for k in call.keywords if k.arg in READ_KEYWORDS and (read or field)]
        arguments += [
            label
            for k in call.keywords
            if k.arg == "choices" and isinstance(k.value, ast.List | ast.Tuple)
            for choice in k.value.elts
            if isinstance(choice, ast.Tuple) and len(choice.elts) == 2
            for label in choice.elts[1:]
        ]
        found += [f"line {a.lineno}: {ast.unparse(a)[:70]}" for a in arguments if _prose(a)]
    return found


def test_the_code_passes_no_untranslated_sentence_to_a_person():
    found = {}
    for path in sorted((ROOT / "forum").rglob("*.py")):
        if str(path.relative_to(ROOT)) in DEVELOPER_DOCS:
            continue
        if calls := _untranslated_calls(path.read_text()):
            found[str(path.relative_to(ROOT))] = calls
    assert found == {}


def test_every_page_in_the_pseudo_locale_shows_no_unwrapped_english(app, tmp_path):
    forum = build(rounds=2)
    readers = {VISITOR: None, MEMBER: forum.reader, MODERATOR: forum.moderator}
    db.session.commit()
    allowed = pseudo.content_words()
    found = {}
    with pseudo.pseudo_locale(app, tmp_path):
        clients = {VISITOR: app.test_client()}
        for who in (MEMBER, MODERATOR):
            clients[who] = app.test_client()
            login = {"login": readers[who].username, "password": PASSWORD}
            assert clients[who].post("/login", data=login).status_code == 302
        for case in READ_PAGES:
            if case.endpoint in NOT_PROSE or case.endpoint.startswith("api."):
                continue
            for who in case.who:
                for url in case.for_reader(forum, app, readers[who]):
                    response = clients[who].get(url)
                    assert response.status_code == 200, (who, url, response.status_code)
                    words = pseudo.unwrapped(pseudo.visible_text(response.text), allowed)
                    if words:
                        found[f"{who} {url}"] = words
    assert found == {}


def test_every_email_in_the_pseudo_locale_shows_no_unwrapped_english(
    app, mailbox, member, other_member, tmp_path
):
    """Each kind of email, as its recipient reads it: subject, plain text and HTML."""
    with pseudo.pseudo_locale(app, tmp_path):
        recovery.sign_up("newcomer", "newcomer@example.org", PASSWORD)  # confirm your address
        recovery.sign_up("second_try", member.email, PASSWORD)  # someone used your address
        recovery.request_password_reset(member.email)
        recovery.change_email(member, PASSWORD, other_member.email)  # that address is in use
        recovery.change_email(member, PASSWORD, "hannah.new@example.org")
        for someone in (member, other_member):
            someone.email_verified_at = utcnow()
            someone.email_replies = someone.email_own_threads = Delivery.IMMEDIATELY
        thread = factories.thread(member)
        factories.reply(other_member, thread)  # a reply, told straight away
        other_member.email_replies = other_member.email_own_threads = Delivery.DAILY
        factories.reply(member, factories.thread(other_member))
        db.session.commit()
        queue.run_waiting()
        digest.send_digests()  # a day's notifications in one email
        db.session.commit()
        allowed = pseudo.content_words() | {"newcomer", "second_try"}
        found = {}
        for message in mailbox.messages:
            parts = [message["Subject"], message.get_body(("plain",)).get_content()]
            parts.append(pseudo.visible_text(message.get_body(("html",)).get_content()))
            if words := pseudo.unwrapped(" ".join(parts), allowed):
                found[str(message["Subject"])] = words
    subjects = sorted(str(m["Subject"]) for m in mailbox.messages)
    assert len(subjects) >= 7, subjects
    assert found == {}


@pytest.mark.parametrize("language", catalogs.TRANSLATED)
def test_each_shipped_language_has_every_message_translated(language):
    assert catalogs.gaps(language) == []
