"""GET /studies (api/routes/studies.py)."""

from __future__ import annotations


def test_studies_filter_by_kind(client):
    studies = client.get("/studies", params={"kind": "study", "limit": 500}).json()
    assert studies["data"] and {s["kind"] for s in studies["data"]} == {"study"}
    assert client.get("/studies", params={"kind": "rumour"}).status_code == 422
