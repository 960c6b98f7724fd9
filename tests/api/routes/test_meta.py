"""GET /health, /version and /context.jsonld (api/routes/meta.py)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import httpx

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


def test_favicon_ico_leads_to_the_svg_icon_every_page_links(served):
    """Browsers ask /favicon.ico whatever a page links; a real server sends them to the linked SVG."""
    asked = httpx.get(f"{served.base}/favicon.ico")
    assert asked.status_code == 301
    assert asked.headers["location"] == f"{served.base}/static/favicon.svg"
    icon = httpx.get(asked.headers["location"])
    assert icon.status_code == 200 and icon.headers["content-type"].startswith("image/svg+xml")
    assert ET.fromstring(icon.content).tag == "{http://www.w3.org/2000/svg}svg"
    home = httpx.get(f"{served.base}/")
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in home.text
