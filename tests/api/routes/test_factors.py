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
