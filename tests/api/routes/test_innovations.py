"""api/routes/innovations.py: GET /innovations/{id} by format and ETag, its profile, and /compare."""

from __future__ import annotations

import pytest

SOS = "signs-of-safety"


@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": 501}, {"limit": "ten"}, {"offset": -1}])
def test_bad_pagination_is_422(client, params):
    response = client.get("/innovations", params=params)
    assert response.status_code == 422
    assert response.json()["detail"]


def test_resource_format_parameter(client):
    response = client.get(f"/innovations/{SOS}", params={"format": "turtle"})
    assert response.headers["content-type"].startswith("text/turtle")


@pytest.mark.parametrize("accept", ["text/csv", "image/png", "application/json;q=0"])
def test_unacceptable_is_406(client, accept):
    response = client.get(f"/innovations/{SOS}", headers={"Accept": accept})
    assert response.status_code == 406
    assert "text/turtle" in response.json()["available"]
    assert client.get("/innovations", headers={"Accept": "text/turtle"}).status_code == 406


def test_etag_and_304(client, store):
    first = client.get(f"/innovations/{SOS}")
    tag = first.headers["etag"]
    assert store.dataset_version() in tag
    assert "max-age" in first.headers["cache-control"]
    again = client.get(f"/innovations/{SOS}", headers={"If-None-Match": tag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == tag
    assert client.get(f"/innovations/{SOS}", headers={"If-None-Match": f"W/{tag}"}).status_code == 304
    assert client.get(f"/innovations/{SOS}", headers={"If-None-Match": '"other"'}).status_code == 200
    turtle = client.get(f"/innovations/{SOS}", headers={"Accept": "text/turtle", "If-None-Match": tag})
    assert turtle.status_code == 200 and turtle.headers["etag"] != tag, "each representation has its own tag"


def test_profile(client):
    profile = client.get(f"/innovations/{SOS}/profile").json()
    assert profile["innovation"]["id"] == SOS
    domain = profile["domains"][0]
    factor = domain["subdomains"][0]["factors"][0]
    evidence = factor["findings"][0]
    assert {"paraphrase", "direction", "provenance", "locator", "source"} <= set(evidence)
    assert {"id", "citation", "design", "kind"} <= set(evidence["source"])
    assert factor["effect"] in {"supports", "hinders", "both"}


@pytest.mark.parametrize("params", [{"direction": "barrier"}, {"provenance": "source-study"}, {"domain": "5"},
                                    {"domain": "5b"}, {"direction": "enabler", "domain": "5"}])
def test_profile_filters(client, params):
    response = client.get(f"/innovations/{SOS}/profile", params=params)
    assert response.status_code == 200
    body = response.json()
    assert body["filters"] == params
    findings = [e for d in body["domains"] for s in d["subdomains"] for f in s["factors"]
                for e in f["findings"]]
    if "direction" in params:
        assert {e["direction"] for e in findings} <= {params["direction"]}


@pytest.mark.parametrize("params", [{"direction": "sideways"}, {"domain": "8"}, {"domain": "5Z"},
                                    {"domain": "five"}, {"provenance": "gossip"}, {"design": "anecdote"}])
def test_profile_bad_filters_are_422(client, params):
    response = client.get(f"/innovations/{SOS}/profile", params=params)
    assert response.status_code == 422
    assert response.json()["detail"]


def test_profile_of_unknown_innovation_is_404(client):
    assert client.get("/innovations/no-such-thing/profile").status_code == 404


def test_compare(client):
    pair = [SOS, "mockingbird-family-model"]
    response = client.get("/compare", params=[("innovation", id) for id in pair])
    assert response.status_code == 200
    body = response.json()
    assert [i["id"] for i in body["innovations"]] == pair
    assert all([c["innovation"] for c in row["cells"]] == pair for row in body["rows"])


@pytest.mark.parametrize(("params", "status"), [
    ([], 422), ([("innovation", SOS)], 422), ([("innovation", SOS), ("innovation", SOS)], 422),
    ([("innovation", SOS), ("innovation", "no-such-thing")], 404), ([("innovation", "x")] * 11, 422),
])
def test_compare_errors(client, params, status):
    assert client.get("/compare", params=params).status_code == status
