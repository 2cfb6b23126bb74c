"""The API's words for people in the language its client asks for (Accept-Language), with the
same stable codes; no cookie or account choice changes them."""

from forum.database import db
from tests import factories
from tests.api.people import token_for


def test_an_error_is_in_the_language_asked_for_with_the_same_code(client):
    english = client.get("/api/v1/me")
    spanish = client.get("/api/v1/me", headers={"Accept-Language": "es"})
    assert english.status_code == spanish.status_code == 401
    assert english.get_json()["error"]["code"] == spanish.get_json()["error"]["code"]
    assert english.get_json()["error"]["message"].startswith("Send a token")
    assert spanish.get_json()["error"]["message"].startswith("Envía un token")


def test_a_field_error_and_a_service_refusal_are_in_spanish(client, member, other_member):
    secret = token_for(member)
    headers = {"Authorization": f"Bearer {secret}", "Accept-Language": "es-MX,es;q=0.9"}
    bad_cursor = client.get("/api/v1/categories/back-to-work/threads?cursor=nope", headers=headers)
    error = bad_cursor.get_json()["error"]
    assert bad_cursor.status_code == 400 and error["code"] == "invalid"
    assert error["message"] == "Ese cursor no es uno de los que damos."
    assert error["fields"] == {"cursor": "No es nuestro."}
    thread = factories.thread(other_member)
    paused = client.post(
        f"/api/v1/threads/{thread.id}/posts",
        headers=headers,
        json={"body": "You should just get over it and toughen up."},
    )
    error = paused.get_json()["error"]
    assert error["code"] == "paused" and error["pause"] == "kindness"
    missing = client.post(f"/api/v1/threads/{thread.id}/posts", headers=headers, json={})
    assert missing.get_json()["error"]["fields"] == {"body": "Falta este dato."}


def test_the_api_reads_no_language_cookie(client, member):
    client.set_cookie("lang", "es")
    answer = client.get("/api/v1/me")
    assert answer.get_json()["error"]["message"].startswith("Send a token")


def test_a_crisis_answer_gives_her_countrys_helplines_in_the_language_asked_for(client, member):
    secret = token_for(member)
    headers = {"Authorization": f"Bearer {secret}", "Accept-Language": "es-MX"}
    started = client.post(
        "/api/v1/categories/back-to-work/threads",
        headers=headers,
        json={"title": "No puedo más con esto", "body": "I want to end my life."},
    )
    assert started.status_code == 201, started.text
    names = [line["name"] for line in started.get_json()["support"]["lines"]]
    assert "Línea de la Vida" in names
    member.country = "GB"  # her own choice comes first
    db.session.commit()
    again = client.post(
        "/api/v1/categories/back-to-work/threads",
        headers=headers,
        json={"title": "Todavía no puedo más", "body": "I want to end my life, still."},
    )
    assert any("Samaritans" in line["name"] for line in again.get_json()["support"]["lines"])
