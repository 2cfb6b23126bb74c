"""The JSON API at /api/v1, and its OpenAPI 3.1 document at /api/v1/openapi.json."""

from flask import current_app, jsonify

from forum.api import me, reading, writing  # noqa: F401 (their routes are on the blueprint)
from forum.api.base import bp, spec
from forum.urls import MAX_ID

__all__ = ["bp"]

_document: dict | None = None


@bp.get("/openapi.json")
def openapi():
    """The document, generated once from the views and their models."""
    global _document
    if _document is None:
        spec.app = current_app._get_current_object()
        _document = finished(spec.spec)
    return jsonify(_document)


def finished(document: dict) -> dict:
    """Spectree's document, with what it can't know: how tokens are sent, which operations need
    one and with which scope, and that ids are whole numbers."""
    document = dict(document)
    document["components"] = dict(document["components"])
    document["components"]["securitySchemes"] = {
        "token": {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal access token (blossom_pat_…) from Settings › Apps and tokens.",
        }
    }
    document["security"] = [{}, {"token": []}]
    views = current_app.view_functions
    for rule in current_app.url_map.iter_rules():
        if rule.endpoint.startswith("api.") and rule.endpoint != "api.openapi":
            path = rule.rule.replace("<id:", "<").replace("<", "{").replace(">", "}")
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                operation = document["paths"].get(path, {}).get(method.lower())
                if operation is None:
                    continue
                error = operation["responses"].get("400") or operation["responses"]["404"]
                for status, words in (
                    ("401", "No token, or not a valid one"),
                    ("429", "Too many requests"),
                ):
                    operation["responses"].setdefault(status, {**error, "description": words})
                scope = _scope_of(views[rule.endpoint])
                if scope:
                    operation["security"] = [{"token": []}]
                    operation["description"] += f"\n\nNeeds a token with the `{scope}` scope."
                for parameter in operation.get("parameters", []):
                    if parameter["in"] == "path" and parameter["name"].endswith("_id"):
                        parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
    return document


def _scope_of(view) -> str | None:
    while view is not None:
        if hasattr(view, "api_scope"):
            return view.api_scope
        view = getattr(view, "__wrapped__", None)
    return None
