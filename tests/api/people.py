"""Tokens and requests for the API tests."""

from forum.database import db
from forum.services import tokens

ALL_SCOPES = list(tokens.SCOPES)


def token_for(user, scopes=None, days: int = 90) -> str:
    _, secret = tokens.create(user, "Tests", ALL_SCOPES if scopes is None else scopes, days)
    db.session.commit()
    return secret


def call(client, method: str, url: str, token: str | None = None, json=None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.open(url, method=method, headers=headers, json=json)
