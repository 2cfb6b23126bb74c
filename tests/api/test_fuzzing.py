"""Schemathesis fuzzes the whole OpenAPI document in-process, as a visitor and with a token that
may do everything: no answer is a 5xx, and every answer matches the document. A bounded number of
examples per operation keeps it to a minute or two."""

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error, response_schema_conformance

from forum.database import db
from tests import factories
from tests.api.people import token_for

# A fixed draw in the normal run, so it passes or fails the same each time; API_FUZZ_EXAMPLES
# (and API_FUZZ_RANDOM=1 for fresh draws) digs deeper by hand.
EXAMPLES = int(os.environ.get("API_FUZZ_EXAMPLES", "15"))
RANDOM = os.environ.get("API_FUZZ_RANDOM") == "1"


@pytest.fixture
def fuzzed_app(app, member, other_member):
    """Something to read: a named and an anonymous thread with replies and a reaction."""
    thread = factories.thread(member, replies=2, replier=other_member)
    factories.thread(other_member, title="Anonymous and tired today", anonymous=True)
    factories.reply(other_member, thread)
    db.session.commit()
    return app


def test_fuzzing_the_whole_document_finds_no_server_error_and_no_answer_off_the_schema(
    fuzzed_app, member
):
    token = token_for(member)
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", fuzzed_app)
    checks = [not_a_server_error, response_schema_conformance]
    failures = []
    for operation in schema.get_all_operations():
        operation = operation.ok()

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=not RANDOM,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def run(case, headers):
            response = case.call(headers=headers)
            case.validate_response(response, checks=checks)

        for headers in ({}, {"Authorization": f"Bearer {token}"}):
            try:
                run(headers=headers)
            except Exception as error:  # collect them all, then fail with every one
                failures.append(f"{operation.method.upper()} {operation.path}: {error}")
    assert failures == [], "\n\n".join(failures)
