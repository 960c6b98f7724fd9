"""GET /findings (api/routes/findings.py): every filter, its 422, paging and sorting, on the curated data."""

from __future__ import annotations

import csv
import io
import json

import pytest
from rdflib import RDF, Graph, URIRef

from carekg.namespaces import CKG

FDAC = "family-drug-and-alcohol-court"


def _all(client, **params) -> dict:
    answer = client.get("/findings", params={"limit": 500, **params})
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_without_filters_every_finding_is_counted_and_paged(client):
    everything = _all(client)
    assert everything["count"] == len(everything["data"]) > 100
    assert everything["sort"] == "finding" and everything["filters"] == {}
    ids = [f["id"] for f in everything["data"]]
    assert len(set(ids)) == len(ids)
    page = client.get("/findings", params={"limit": 10, "offset": 20}).json()
    assert page["count"] == everything["count"] and (page["limit"], page["offset"]) == (10, 20)
    assert [f["id"] for f in page["data"]] == ids[20:30]


@pytest.mark.parametrize(("name", "value", "check"), [
    ("innovation", FDAC, lambda f: f["innovation"] and f["innovation"]["id"] == FDAC),
    ("direction", "barrier", lambda f: f["direction"] == "barrier"),
    ("provenance", "source-study", lambda f: f["provenance"] == "source-study"),
    ("source_type", "evaluation-report", lambda f: f["source_type"] == "evaluation-report"),
    ("design", "qualitative-study", lambda f: f["source"]["design"] == "qualitative-study"),
    ("independent", "true", lambda f: f["independent"]),
    ("independent", "false", lambda f: not f["independent"]),
    ("year_from", "2020", lambda f: (f["source"]["year"] or 0) >= 2020),
    ("year_to", "2015", lambda f: (f["source"]["year"] or 9999) <= 2015),
    ("review_window", "before", lambda f: f["review_window"] == "before"),
    ("review_window", "after", lambda f: f["review_window"] == "after"),
    ("review_window", "undetermined", lambda f: f["review_window"] == "undetermined"),
])
def test_each_filter_keeps_exactly_the_findings_that_meet_it(client, name, value, check):
    everything = _all(client)["data"]
    kept = _all(client, **{name: value})
    assert kept["filters"] == {name: value}
    assert kept["data"] and kept["count"] == len(kept["data"])
    assert [f["id"] for f in kept["data"]] == [f["id"] for f in everything if check(f)]


def _ids_about(client, factors: set[str]) -> list[str]:
    return [f["id"] for f in _all(client)["data"] if f["factor"]["id"] in factors]


def test_a_broader_factor_takes_in_its_narrower_factors(client):
    narrower = {"funding-availability-and-continuity", "pooled-and-cross-agency-funding",
                "dedicated-national-innovation-funds-and-programmes", "mainstreaming-into-core-budgets"}
    kept = _all(client, factor="funding")
    assert kept["count"] > 0 and {f["factor"]["id"] for f in kept["data"]} <= narrower | {"funding"}
    assert [f["id"] for f in kept["data"]] == _ids_about(client, narrower | {"funding"})
    one = _all(client, factor="pooled-and-cross-agency-funding")
    assert 0 < one["count"] < kept["count"]


def test_nasss_keeps_the_findings_about_factors_placed_there(client):
    factors = client.get("/factors", params={"limit": 500}).json()["data"]
    in_5c = {f["id"] for f in factors if f["subdomain"] and f["subdomain"]["code"] == "5C"}
    assert [f["id"] for f in _all(client, nasss="5c")["data"]] == _ids_about(client, in_5c)


def test_cfir_keeps_the_findings_about_factors_matched_to_the_construct_or_under_it(client):
    factors = client.get("/factors", params={"limit": 500}).json()["data"]
    matched = set()
    for factor in factors:
        codes = {m["concept"]["code"] for m in client.get(f"/factors/{factor['id']}").json()["cfir"]}
        if any(code == "III.J" or code.startswith("III.J.") for code in codes):
            matched.add(factor["id"])
    kept = [f["id"] for f in _all(client, cfir="III.J")["data"]]
    assert kept and kept == _ids_about(client, matched)
    assert 0 < _all(client, cfir="III.J.1")["count"] <= len(kept)


def test_nasss_domain_takes_in_its_subdomains(client):
    domain = _all(client, nasss="5")["count"]
    assert domain == sum(_all(client, nasss=f"5{letter}")["count"] for letter in "ABCDE") > 0


def test_filters_combine(client):
    barriers = _all(client, innovation=FDAC, direction="barrier", year_from=2016)
    assert barriers["count"] > 0
    for f in barriers["data"]:
        assert (f["innovation"]["id"], f["direction"]) == (FDAC, "barrier") and f["source"]["year"] >= 2016
    independent = _all(client, direction="barrier", independent="true", year_from=2016)
    assert independent["count"] > 0 and all(f["independent"] for f in independent["data"])
    # No independent evaluation reports an FDAC barrier: an empty page, not an error.
    assert _all(client, innovation=FDAC, direction="barrier", independent="true")["count"] == 0


@pytest.mark.parametrize(("name", "value", "named"), [
    ("direction", "upward", "barrier"),
    ("provenance", "gossip", "curator-inference"),
    ("source_type", "tweet", "evaluation-report"),
    ("design", "astrology", "qualitative-study"),
    ("review_window", "during", "undetermined"),
    ("independent", "maybe", "true"),
    ("year_from", "soon", "pattern"),
    ("nasss", "9Z", "pattern"),
    ("nasss", "1E", "5B"),
    ("cfir", "XI.Q", "III.J.1"),
    ("innovation", "no-such-innovation", "/innovations"),
    ("factor", "no-such-factor", "/factors"),
    ("sort", "colour", "-year"),
    ("limit", "0", "greater than or equal to 1"),
    ("offset", str(10**20), "less than or equal to 1000000000"),
])
def test_a_bad_value_is_a_422_naming_what_is_allowed(client, name, value, named):
    answer = client.get("/findings", params={name: value})
    assert answer.status_code == 422
    assert named in answer.text


def test_years_out_of_order_are_a_422(client):
    answer = client.get("/findings", params={"year_from": 2020, "year_to": 2010})
    assert answer.status_code == 422 and "year_from" in answer.text


@pytest.mark.parametrize("key", ["year", "factor", "innovation", "direction", "finding"])
def test_sorting_orders_by_the_key_and_descending_reverses(client, key):
    def value(f):
        return {"year": f["source"]["year"] or 0, "factor": f["factor"]["iri"],
                "innovation": f["innovation"]["iri"] if f["innovation"] else "", "direction": f["direction"],
                "finding": f["iri"]}[key]

    ascending = _all(client, sort=key)
    assert ascending["sort"] == key
    values = [value(f) for f in ascending["data"]]
    assert values == sorted(values)
    descending = [value(f) for f in _all(client, sort=f"-{key}")["data"]]
    assert descending == sorted(values, reverse=True)


def test_the_store_order_pages_every_finding_once(client):
    count = _all(client)["count"]
    pages = [client.get("/findings", params={"sort": "stored", "limit": 50, "offset": offset}).json()
             for offset in range(0, count, 50)]
    ids = [f["id"] for page in pages for f in page["data"]]
    assert len(ids) == len(set(ids)) == count


def test_csv_by_accept_or_format_is_the_same_page(client):
    params = {"innovation": FDAC, "direction": "barrier", "limit": 5, "offset": 1}
    page = client.get("/findings", params=params).json()
    for answer in (client.get("/findings", params=params, headers={"Accept": "text/csv"}),
                   client.get("/findings", params={**params, "format": "csv"})):
        assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
        rows = list(csv.DictReader(io.StringIO(answer.text)))
        assert [r["finding"] for r in rows] == [f["id"] for f in page["data"]]
        assert {r["direction"] for r in rows} == {"barrier"} and {r["innovation"] for r in rows} == {FDAC}
        assert rows[0]["citation"] == page["data"][0]["source"]["citation"]
        assert rows[0]["independent"] in {"true", "false"} and rows[0]["review_window"]


@pytest.mark.parametrize("media_type", ["application/ld+json", "text/turtle"])
def test_rdf_by_accept_holds_the_pages_findings(client, media_type):
    params = {"factor": "funding", "limit": 4}
    page = client.get("/findings", params=params).json()
    answer = client.get("/findings", params=params, headers={"Accept": media_type})
    assert answer.status_code == 200 and answer.headers["content-type"].startswith(media_type)
    graph = Graph().parse(data=answer.text, format="json-ld" if "json" in media_type else "turtle")
    findings = set(graph.subjects(RDF.type, CKG.Finding))
    assert {str(f) for f in findings} == {f["iri"] for f in page["data"]}
    for f in page["data"]:
        assert str(graph.value(URIRef(f["iri"]), CKG.aboutFactor)) == f["factor"]["iri"]
        assert str(graph.value(URIRef(f["iri"]), CKG.reportedIn)) == f["source"]["iri"]
    if "json" in media_type:
        assert json.loads(answer.text)["@context"]


def test_nothing_acceptable_is_a_406(client):
    assert client.get("/findings", headers={"Accept": "image/png"}).status_code == 406


def test_html_is_the_filterable_table_with_paging_links(client):
    answer = client.get("/findings", params={"direction": "barrier", "limit": 10, "offset": 10},
                        headers={"Accept": "text/html"})
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/html")
    html = answer.text
    assert '<form class="filters"' in html and 'name="cfir"' in html and 'name="review_window"' in html
    assert html.count('<tr class="finding"') == 10
    assert 'rel="prev"' in html and 'rel="next"' in html
    assert "offset=20" in html and "direction=barrier" in html
    assert '<option value="barrier" selected>' in html


def test_the_forms_empty_fields_are_no_filter(client):
    empty = {name: "" for name in ("innovation", "factor", "direction", "provenance", "source_type", "design",
                                   "independent", "year_from", "year_to", "nasss", "cfir", "review_window",
                                   "sort")}
    answer = client.get("/findings", params=empty)
    assert answer.status_code == 200, answer.text
    assert answer.json()["filters"] == {} and answer.json()["count"] == _all(client)["count"]


def test_in_a_browser_a_bad_value_is_the_form_again_saying_why(client):
    answer = client.get("/findings", params={"cfir": "XI.Q", "direction": "barrier", "format": "html"})
    assert answer.status_code == 422 and answer.headers["content-type"].startswith("text/html")
    assert 'role="alert"' in answer.text and "III.J.1" in answer.text
    assert 'value="XI.Q"' in answer.text and '<option value="barrier" selected>' in answer.text
