"""Pages for people: the home page and the innovation, factor, study and organisation pages, escaped."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from carekg import services
from carekg.store import get_store

HTML = {"Accept": "text/html"}


def test_home_says_what_the_graph_holds(client, store):
    response = client.get("/", headers=HTML)
    assert response.status_code == 200
    overview = services.overview(store)
    text = response.text
    assert f"{overview.innovations} innovations" in text and f"{overview.findings} findings" in text
    for innovation in services.list_innovations(store):
        assert f'href="/doc/innovation/{innovation.id}"' in text
    assert 'href="/sparql"' in text and 'href="/docs"' in text


def test_home_is_html_only(client):
    assert client.get("/", headers={"Accept": "application/json"}).status_code == 406


def test_innovation_page_shows_the_profile_with_its_evidence(client, store):
    text = client.get("/doc/innovation/signs-of-safety", headers=HTML).text
    profile = services.innovation_profile(store, "signs-of-safety")
    for domain in profile.domains:
        assert f"{domain.code}. " in text
        for subdomain in domain.subdomains:
            for factor in subdomain.factors:
                assert f'href="/doc/factor/{factor.factor.id}"' in text
                for evidence in factor.findings:
                    assert f'href="/doc/{evidence.source.kind}/{evidence.source.id}"' in text
    innovation = services.innovation(store, "signs-of-safety")
    for involvement in innovation.involvements:
        assert f'href="/doc/organisation/{involvement.organisation.id}"' in text


def test_innovation_page_filters(client):
    filtered = client.get("/doc/innovation/signs-of-safety", params={"direction": "barrier"}, headers=HTML)
    assert filtered.status_code == 200 and "(filtered)" in filtered.text
    unknown = client.get("/doc/innovation/signs-of-safety", params={"direction": "up"}, headers=HTML)
    assert unknown.status_code == 422


@pytest.mark.parametrize("kind", ["factor", "study", "organisation"])
def test_other_pages(client, store, kind):
    id = {"factor": services.list_factors(store)[0].id, "study": services.list_studies(store, "study")[0].id,
          "organisation": services.list_organisations(store)[0].id}[kind]
    response = client.get(f"/doc/{kind}/{id}", headers=HTML)
    assert response.status_code == 200
    assert f"https://w3id.org/carekg/id/{kind}/{id}" in response.text


def test_everything_is_escaped(tmp_path):
    """Markup in the data is shown as text, never interpreted."""
    data = tmp_path / "evil.ttl"
    data.write_text("""
        @prefix ckg: <https://w3id.org/carekg/def#> .
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        <https://w3id.org/carekg/id/innovation/evil> a ckg:Innovation ;
            rdfs:label "<script>alert('x')</script>"@en ;
            ckg:origin "<img src=x onerror=alert(1)>"@en .
    """)
    store = get_store("memory:")
    store.replace_dataset({"https://w3id.org/carekg/graph/data": [data]})
    store.set_version("escape-test")
    with TestClient(create_app(store=store)) as evil:
        for path in ("/", "/doc/innovation/evil"):
            text = evil.get(path, headers=HTML).text
            assert "<script>alert" not in text and "<img src=x" not in text
            assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in text
