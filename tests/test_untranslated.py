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

from forum import catalogs
from forum.database import db
from tests import pseudo
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


@pytest.mark.parametrize("language", catalogs.TRANSLATED)
def test_each_shipped_language_has_every_message_translated(language):
    assert catalogs.gaps(language) == []
