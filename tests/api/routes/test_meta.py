"""GET /health, /version and /context.jsonld (api/routes/meta.py)."""

from __future__ import annotations

SOS = "signs-of-safety"


def test_jsonld_uses_the_published_context(client):
    context = client.get("/context.jsonld")
    assert context.status_code == 200 and context.headers["content-type"] == "application/ld+json"
    document = client.get(f"/innovations/{SOS}", headers={"Accept": "application/ld+json"}).json()
    assert document["@context"] == context.json()["@context"]


def test_meta(client, store):
    assert client.get("/health").json() == {"status": "ok", "dataset_version": store.dataset_version()}
    version = client.get("/version").json()
    assert version["dataset_version"] == store.dataset_version() and version["innovations"] > 0
