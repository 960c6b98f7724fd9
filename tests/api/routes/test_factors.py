"""api/routes/factors.py and the factor and innovation pages: the caps on listed findings as query
parameters (422 out of range), and the pages' "N more findings →" links on a generated graph."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from carekg import services

SENIOR = "senior-leadership-buy-in-and-support"
MORE_LINK = r'<a href="([^"]*/findings\?[^"]*)">([\d,]+) more findings? →</a>'


def test_factor_lists_every_curated_finding_by_default(client):
    body = client.get(f"/factors/{SENIOR}").json()
    assert (body["findings_per_innovation"], body["innovations_with_findings"]) == (10, 20)
    assert all(i["more"] == 0 and len(i["findings"]) == i["counts"]["findings"] for i in body["innovations"])
    assert body["general_more"] == 0


def test_factor_caps_cut_the_lists(client):
    body = client.get(f"/factors/{SENIOR}",
                      params={"findings_per_innovation": 1, "innovations_with_findings": 1}).json()
    first, *rest = body["innovations"]
    assert len(first["findings"]) == 1 and first["more"] == first["counts"]["findings"] - 1
    assert rest and all(not i["findings"] and i["more"] == i["counts"]["findings"] for i in rest)


@pytest.mark.parametrize("params", [{"findings_per_innovation": -1}, {"innovations_with_findings": 501},
                                    {"findings_per_innovation": "ten"}])
def test_factor_bad_caps_are_422(client, params):
    response = client.get(f"/factors/{SENIOR}", params=params)
    assert response.status_code == 422
    assert next(iter(params)) in str(response.json()["detail"])


@pytest.fixture(scope="module")
def synthetic_client(synthetic_store):
    with TestClient(create_app(store=synthetic_store)) as test_client:
        yield test_client


def _more_links(html: str) -> list[tuple[str, int]]:
    return [(href.replace("&amp;", "&"), int(count.replace(",", "")))
            for href, count in re.findall(MORE_LINK, html)]


def test_pages_link_the_findings_they_do_not_list(synthetic_client, synthetic_store):
    factor = max(services.list_factors(synthetic_store), key=lambda f: f.counts.findings)
    detail = services.factor(synthetic_store, factor.id)
    html = synthetic_client.get(f"/doc/factor/{factor.id}").text
    expected = [(i.findings_url, i.more) for i in detail.innovations if i.more]
    assert expected and _more_links(html) == expected
    innovation = max(services.list_innovations(synthetic_store), key=lambda i: i.counts.findings)
    profile = services.innovation_profile(synthetic_store, innovation.id)
    page = synthetic_client.get(f"/doc/innovation/{innovation.id}").text
    cut = [(f.findings_url, f.more)
           for d in profile.domains for s in d.subdomains for f in s.factors if f.more]
    assert cut and _more_links(page) == cut


def test_factor_pages_its_innovations(synthetic_client, synthetic_store):
    """GET /factors/{id} and the factor's page list a page of its innovations (innovations_limit,
    innovations_offset) and link the next; out of range is a 422 naming the parameter."""
    factor = max(services.list_factors(synthetic_store), key=lambda f: f.counts.findings)
    whole = synthetic_client.get(f"/factors/{factor.id}", params={"innovations_limit": 500}).json()
    body = synthetic_client.get(f"/factors/{factor.id}", params={"innovations_limit": 2}).json()
    assert body["innovations"] == whole["innovations"][:2]
    assert body["innovations_more"] == len(whole["innovations"]) - 2 == whole["innovation_count"] - 2
    following = synthetic_client.get(body["innovations_url"]).json()
    assert following["innovations"] == whole["innovations"][2:4] and following["innovations_offset"] == 2
    for params in ({"innovations_limit": 0}, {"innovations_offset": -1}):
        response = synthetic_client.get(f"/factors/{factor.id}", params=params)
        assert response.status_code == 422 and next(iter(params)) in str(response.json()["detail"])
    html = synthetic_client.get(f"/doc/factor/{factor.id}", params={"innovations_offset": 2}).text
    shown = whole["innovations"][2:2 + services.INNOVATIONS_LIMIT]
    listed = html.split("<h2>Innovations", 1)[1]
    assert all(f'/innovation/{item["innovation"]["id"]}"' in listed for item in shown)
    assert f'/innovation/{whole["innovations"][0]["innovation"]["id"]}"' not in listed
    response = synthetic_client.get(f"/doc/factor/{factor.id}", params={"innovations_offset": "x"})
    assert response.status_code == 422


def test_the_factors_page_links_its_next_innovations(client, synthetic_client, synthetic_store):
    """A page with more innovations than it lists links the next ones; a curated page lists them all."""
    assert "more-innovations" not in client.get(f"/doc/factor/{SENIOR}").text
    factor = max(services.list_factors(synthetic_store), key=lambda f: f.counts.findings)
    html = synthetic_client.get(f"/doc/factor/{factor.id}", params={"innovations_limit": 2}).text
    assert 'href="?innovations_limit=2&amp;innovations_offset=2"' in html
    assert f"{factor.innovation_count - 2:,} more" in html
