"""schemathesis against the service's own OpenAPI schema: generated requests for every operation (the
write route included, with writes on), zero 5xx, and every answer conforms to the schema (status
codes, content types, bodies). At least 1,000 generated cases in all; bounded by max_examples."""

from __future__ import annotations

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis import checks

from api.config import Settings
from api.main import create_app
from tests.security.conftest import fresh_store

EXAMPLES = 60
#: Conformance of answers to the schema. Not positive/negative-data acceptance: the schema cannot say
#: that /compare needs two *different* innovations or that a SPARQL string must parse, and the routes
#: answer those with 4xx and a message, which is what we want.
CHECKS = [checks.not_a_server_error, checks.status_code_conformance, checks.content_type_conformance,
          checks.response_schema_conformance, checks.response_headers_conformance]
CASES: list[str] = []


def _app(tmp_folder):
    settings_ = Settings(write_tokens={"schemathesis-token-0123": "fuzzer"}, query_workers=1, query_timeout=5,
                         submissions_dir=str(tmp_folder))
    return create_app(settings_, store=fresh_store(tmp_folder))


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    application = _app(tmp_path_factory.mktemp("fuzz") / "submissions")
    with TestClient(application):  # runs the lifespan (workers are stopped at the end)
        yield application


def _operations(app):
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    return [result.ok() for result in schema.get_all_operations()]


def test_generated_requests_never_5xx_and_conform(app):
    """Driven through hypothesis directly (the schemathesis pytest plugin does not load under pytest 9)."""
    failures = []
    for operation in _operations(app):
        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck),
                  derandomize=True, database=None)
        def run(case):
            case.headers = {**(case.headers or {}), "Authorization": "Bearer schemathesis-token-0123"}
            response = case.call()
            CASES.append(f"{case.method} {case.path}")
            assert response.status_code < 500, (case.method, case.formatted_path, response.status_code,
                                                response.text[:500])
            case.validate_response(response, checks=CHECKS)

        try:
            run()
        except BaseException as error:  # noqa: BLE001 - collect every operation's failure, then report them all
            failures.append(f"{operation.method.upper()} {operation.path}: {str(error)[:1500]}")
    assert not failures, "\n\n".join(failures)
    assert len(CASES) >= 1000, len(CASES)
    print(f"schemathesis: {len(CASES)} generated cases")
