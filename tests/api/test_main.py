"""The app as a whole (api/main.py): its OpenAPI document and its handler of unexpected errors."""

from __future__ import annotations

import json


def test_openapi_documents_every_route_with_stable_ids(client):
    spec = client.get("/openapi.json").json()
    operation_ids = [op["operationId"] for path in spec["paths"].values() for op in path.values()]
    assert len(operation_ids) == len(set(operation_ids))
    for path in ("/innovations", "/innovations/{id}", "/innovations/{id}/profile", "/factors",
                 "/factors/{id}", "/studies", "/studies/{id}", "/organisations", "/organisations/{id}",
                 "/taxonomy", "/consensus", "/compare", "/gaps", "/sparql", "/.well-known/void"):
        assert path in spec["paths"], path
    assert "examples" in json.dumps(spec["components"]["schemas"]["InnovationSummary"])
    assert client.get("/docs").status_code == 200


def test_unexpected_errors_are_500_without_internals(store):
    from fastapi.testclient import TestClient

    from api.main import create_app

    class BrokenStore:
        def __getattr__(self, name):
            return getattr(store, name)

        def dataset_version(self):
            raise RuntimeError("secret internals")

    with TestClient(create_app(store=BrokenStore()), raise_server_exceptions=False) as broken:
        response = broken.get("/innovations")
    assert response.status_code == 500
    assert response.json() == {"detail": "internal server error"}
    assert "secret" not in response.text
