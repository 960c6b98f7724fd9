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


def test_innovation_lists_the_newest_sources(client):
    every = client.get(f"/innovations/{SOS}").json()
    assert every["sources_listed"] == 50 and every["more_sources"] == 0
    cut = client.get(f"/innovations/{SOS}", params={"sources_listed": 1}).json()
    cited = every["counts"]["sources"]
    assert cut["more_sources"] == cited - 1
    assert cut["sources"][0] == every["sources"][0] or cut["sources"][0] in every["sources"]
    assert client.get(f"/innovations/{SOS}", params={"sources_listed": 501}).status_code == 422


def test_profile_lists_every_curated_finding_by_default(client):
    body = client.get(f"/innovations/{SOS}/profile").json()
    factors = [f for d in body["domains"] for s in d["subdomains"] for f in s["factors"]]
    assert body["findings_per_factor"] == 10
    assert all(f["more"] == 0 and len(f["findings"]) == f["counts"]["findings"] for f in factors)
    assert factors[0]["findings_url"].startswith(f"/findings?innovation={SOS}&factor=")


def test_profile_findings_per_factor_cuts_the_lists(client):
    body = client.get(f"/innovations/{SOS}/profile", params={"findings_per_factor": 1}).json()
    factors = [f for d in body["domains"] for s in d["subdomains"] for f in s["factors"]]
    assert any(f["more"] for f in factors)
    assert all(len(f["findings"]) == 1 and f["more"] == f["counts"]["findings"] - 1 for f in factors)


def test_cfir_profile_findings_per_factor_cuts_the_lists(client):
    params = {"framework": "cfir", "findings_per_factor": 1}
    body = client.get(f"/innovations/{SOS}/profile", params=params).json()
    factors = [f for d in body["domains"] for c in d["constructs"] for f in c["factors"]]
    assert body["findings_per_factor"] == 1 and any(f["more"] for f in factors)
    assert all(len(f["findings"]) == 1 and f["more"] == f["counts"]["findings"] - 1 for f in factors)
    assert all(f["findings_url"].startswith(f"/findings?innovation={SOS}&factor=") for f in factors)


@pytest.mark.parametrize("framework", ["nasss", "cfir"])
@pytest.mark.parametrize("value", [-1, 501, "ten"])
def test_profile_bad_findings_per_factor_is_422(client, value, framework):
    response = client.get(f"/innovations/{SOS}/profile", params={"findings_per_factor": value,
                                                                 "framework": framework})
    assert response.status_code == 422
    assert "findings_per_factor" in str(response.json()["detail"])


def _cfir_mappings(body):
    return [f for d in body["domains"] for c in d["constructs"] for f in c["factors"]]


def test_profile_default_framework_is_nasss(client):
    default = client.get(f"/innovations/{SOS}/profile").json()
    assert client.get(f"/innovations/{SOS}/profile", params={"framework": "nasss"}).json() == default
    assert "framework" not in default and {d["code"] for d in default["domains"]} <= set("1234567")


def test_profile_in_cfir_terms(client):
    nasss = client.get(f"/innovations/{SOS}/profile").json()
    body = client.get(f"/innovations/{SOS}/profile", params={"framework": "cfir"}).json()
    assert body["framework"] == "cfir" and body["filters"] == {}
    assert body["counts"] == nasss["counts"] and body["factor_count"] == nasss["factor_count"]
    assert [d["code"] for d in body["domains"]] == sorted(d["code"] for d in body["domains"])
    assert {d["code"] for d in body["domains"]} <= {"I", "II", "III", "IV", "V"}
    mappings = _cfir_mappings(body)
    assert {m["match"] for m in mappings} == {"close", "related"}
    for domain in body["domains"]:
        for construct in domain["constructs"]:
            assert construct["code"].startswith(domain["code"] + ".")
            for mapping in construct["factors"]:
                assert mapping["concept"]["code"].startswith(construct["code"])
                assert mapping["counts"]["findings"] == len(mapping["findings"])
    # every finding of the NASSS profile is somewhere in the CFIR one (mapped or not)
    nasss_findings = {e["id"] for d in nasss["domains"] for s in d["subdomains"] for f in s["factors"]
                      for e in f["findings"]}
    cfir_findings = ({e["id"] for m in mappings for e in m["findings"]}
                     | {e["id"] for f in body["not_mapped"]["factors"] for e in f["findings"]})
    assert cfir_findings == nasss_findings
    assert body["not_mapped"]["label"] == "Not mapped to CFIR 2.0"


def test_cfir_mapping_match_is_the_crosswalks(client):
    """Senior leadership buy-in is a close match of IV.R.A (High-level Leaders) and a related match of
    III.G (Relative Priority) in curation/factors.csv."""
    body = client.get(f"/innovations/{SOS}/profile", params={"framework": "cfir"}).json()
    leadership = {(m["concept"]["code"], m["match"]) for m in _cfir_mappings(body)
                  if m["factor"]["id"] == "senior-leadership-buy-in-and-support"}
    assert {("IV.R.A", "close"), ("III.G", "related")} <= leadership


@pytest.mark.parametrize("params", [{"domain": "III"}, {"domain": "iii.k"}, {"domain": "III.A.3"},
                                    {"direction": "barrier", "domain": "IV"}, {"provenance": "source-study"},
                                    {"design": "mixed-methods-evaluation"}])
def test_cfir_profile_filters(client, params):
    response = client.get(f"/innovations/{SOS}/profile", params={"framework": "cfir", **params})
    assert response.status_code == 200
    body = response.json()
    assert body["filters"] == params
    mappings = _cfir_mappings(body)
    assert mappings, "each filter keeps some of Signs of Safety's findings"
    findings = [e for m in mappings for e in m["findings"]]
    if "direction" in params:
        assert {e["direction"] for e in findings} == {params["direction"]}
    if "provenance" in params:
        assert {e["provenance"] for e in findings} == {params["provenance"]}
    if "design" in params:
        assert {e["source"]["design"] for e in findings} == {params["design"]}
    if "domain" in params:
        scope = params["domain"].upper()
        assert all(m["concept"]["code"] == scope or m["concept"]["code"].startswith(scope + ".")
                   for m in mappings)
        assert len(body["domains"]) == 1 and body["not_mapped"]["factors"] == []


@pytest.mark.parametrize(("params", "allowed"), [
    ({"framework": "ERIC"}, "'nasss' or 'cfir'"),
    ({"framework": "cfir", "domain": "5"}, "CFIR 2.0 domain (I-V)"),
    ({"framework": "cfir", "domain": "III.Z"}, "CFIR 2.0 domain (I-V)"),
    ({"framework": "nasss", "domain": "III"}, "NASSS domain (1-7)"),
    ({"framework": "cfir", "direction": "sideways"}, "enabler"),
    ({"framework": "cfir", "provenance": "gossip"}, "source-study"),
    ({"framework": "cfir", "design": "anecdote"}, "rapid-review"),
])
def test_profile_bad_framework_or_filter_is_422_naming_the_allowed(client, params, allowed):
    response = client.get(f"/innovations/{SOS}/profile", params=params)
    assert response.status_code == 422
    assert allowed in str(response.json()["detail"])


def test_profile_of_unknown_innovation_is_404(client):
    assert client.get("/innovations/no-such-thing/profile").status_code == 404


def test_compare(client):
    pair = [SOS, "mockingbird-family-model"]
    response = client.get("/compare", params=[("innovation", id) for id in pair])
    assert response.status_code == 200
    body = response.json()
    assert [i["id"] for i in body["innovations"]] == pair
    assert all([c["innovation"] for c in row["cells"]] == pair for row in body["rows"])


SIX = [SOS, "mockingbird-family-model", "family-drug-and-alcohol-court", "casa", "vipp-fc", "sasci"]


@pytest.mark.parametrize(("params", "status"), [
    ([], 422), ([("innovation", SOS)], 422), ([("innovation", SOS), ("innovation", SOS)], 422),
    ([("innovation", SOS), ("innovation", "no-such-thing")], 404), ([("innovation", "x")] * 7, 422),
    ([("innovation", i) for i in [*SIX, "partners-in-practice"]], 422),
])
def test_compare_errors(client, params, status):
    response = client.get("/compare", params=params)
    assert response.status_code == status and response.json()["detail"]
    if len(params) > 6:
        assert "at most 6" in str(response.json()["detail"]), "the 422 names the limit"


def test_compare_six_groups_shared_and_unique(client):
    response = client.get("/compare", params=[("innovation", i) for i in SIX])
    assert response.status_code == 200
    body = response.json()
    assert [i["id"] for i in body["innovations"]] == SIX
    by_sharing = {}
    for row in body["rows"]:
        present = [cell["innovation"] for cell in row["cells"] if cell["counts"]["findings"]]
        expected = "all" if len(present) == 6 else "some" if len(present) > 1 else "one"
        assert row["sharing"] == expected
        by_sharing.setdefault(expected, []).append((row["factor"]["id"], present))
    assert [f["id"] for f in body["shared_by_all"]] == [f for f, _ in by_sharing.get("all", [])]
    assert body["shared_factors"] == len(body["shared_by_all"])
    assert [f["id"] for f in body["shared_by_some"]] == [f for f, _ in by_sharing["some"]]
    for unique in body["unique"]:
        assert [f["id"] for f in unique["factors"]] == \
            [f for f, present in by_sharing["one"] if present == [unique["innovation"]["id"]]]
    assert sum(len(u["factors"]) for u in body["unique"]) == len(by_sharing["one"]) > 0


def test_compare_page_has_a_table_and_a_chart(client):
    params = [("innovation", i) for i in SIX[:3]]
    response = client.get("/compare", params=params, headers={"Accept": "text/html"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    assert '<table id="compare-table">' in response.text and 'class="compare-chart"' in response.text
    assert client.get("/compare", params=[*params, ("format", "csv")]).status_code == 406
    home = client.get("/", headers={"Accept": "text/html"}).text
    assert 'action="/compare"' in home and 'name="innovation" value="signs-of-safety"' in home


def test_briefing_json(client, store):
    response = client.get(f"/innovations/{SOS}/briefing")
    assert response.status_code == 200 and response.headers["content-type"] == "application/json"
    body = response.json()
    assert body["innovation"]["id"] == SOS and body["description"]
    assert body["dataset_version"] == store.dataset_version()
    assert 0 < len(body["enablers"]) <= 5 and 0 < len(body["barriers"]) <= 5
    assert {f["direction"] for f in body["enablers"]} == {"enabler"}
    assert all(f["strategies"] for f in body["barriers"]), "every barrier shown has curated strategies"
    assert {s["basis"] for f in body["barriers"] for s in f["strategies"]} <= {"curator-judgement",
                                                                               "expert-opinion"}
    assert {s["independence"] for s in body["sources"]} <= {"independent", "developer-authored", "unknown"}
    assert body["gaps"] and all(g["code"] for g in body["gaps"])


def test_briefing_jsonld_is_the_same_content(client):
    plain = client.get(f"/innovations/{SOS}/briefing").json()
    response = client.get(f"/innovations/{SOS}/briefing", headers={"Accept": "application/ld+json"})
    assert response.headers["content-type"] == "application/ld+json"
    document = response.json()
    context = document.pop("@context")
    assert context["iri"] == "@id" and context["ckg"].endswith("/def#")
    assert document == plain


def test_briefing_html(client):
    response = client.get(f"/innovations/{SOS}/briefing", headers={"Accept": "text/html"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    assert "@media print" in response.text and "Strongest barriers" in response.text
    page = client.get(f"/doc/innovation/{SOS}", headers={"Accept": "text/html"}).text
    assert f"/innovations/{SOS}/briefing" in page


@pytest.mark.parametrize(("path", "headers", "status"), [
    ("/innovations/no-such-thing/briefing", {}, 404),
    (f"/innovations/{SOS}/briefing", {"Accept": "text/turtle"}, 406),
    (f"/innovations/{SOS}/briefing?format=csv", {}, 406),
])
def test_briefing_errors(client, path, headers, status):
    response = client.get(path, headers=headers)
    assert response.status_code == status and response.json()["detail"]
