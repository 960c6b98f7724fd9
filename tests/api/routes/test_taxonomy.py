"""api/routes/taxonomy.py: GET /taxonomy, and GET /consensus as JSON, JSON-LD and HTML: the review's seven
claims beside the rule's verdicts in both evidence windows, the studies behind each result, and a
CERQual-style confidence on every result."""

from __future__ import annotations

import html
import json
import re

import pytest

WINDOWS = ["up-to-review-search", "all-evidence"]
COMPONENTS = ["methodological-limitations", "coherence", "adequacy", "relevance"]


@pytest.fixture(scope="module")
def body(client):
    response = client.get("/consensus")
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/json")
    return response.json()


def test_both_rules_are_named_and_versioned(body):
    assert body["rule"]["id"] == "consensus-two-independent-studies" and body["rule"]["version"] == "2.0.0"
    assert body["confidence_rule"]["id"] == "cerqual-style-confidence"
    assert body["confidence_rule"]["version"] == "1.0.0"
    assert "not a CERQual assessment" in body["confidence_rule"]["description"]
    assert [w["id"] for w in body["windows"]] == WINDOWS


def test_the_seven_claims_side_by_side_in_both_windows(body):
    assert len(body["claims"]) == 7
    assert {c["direction"] for c in body["claims"]} == {"enabler", "barrier"}
    for claim in body["claims"]:
        assert [v["window"] for v in claim["verdicts"]] == WINDOWS
        for verdict in claim["verdicts"]:
            counted = {e["study"]["iri"] for e in verdict["evidence"]["studies"]}
            assert verdict["independent_study_count"] == len(counted)
            assert verdict["reproduced"] == (verdict["result"] is not None) == (len(counted) >= 2)
            assert all(e["reason"] for e in verdict["evidence"]["supporting_sources"])
    verdicts = {(c["factor"]["id"], v["window"]): v["reproduced"]
                for c in body["claims"] for v in c["verdicts"]}
    assert verdicts[("senior-leadership-buy-in-and-support", "up-to-review-search")] is True
    assert verdicts[("funding-availability-and-continuity", "up-to-review-search")] is False
    respect = "mutual-respect-in-professional-and-carer-relationships"
    assert verdicts[(respect, "up-to-review-search")] is False
    assert verdicts[("mutual-respect-in-professional-and-carer-relationships", "all-evidence")] is True


def test_a_claim_not_reproduced_still_shows_its_evidence_and_why(body):
    funding = next(c for c in body["claims"] if c["factor"]["id"] == "funding-availability-and-continuity")
    review = funding["verdicts"][0]
    assert review["independent_study_count"] == 0 and review["evidence"]["supporting_sources"]
    reasons = {e["reason"] for e in review["evidence"]["supporting_sources"]}
    assert "grey literature, news or an official statement, not a study" in reasons


def test_every_result_has_a_confidence_with_four_reasoned_components(body):
    assert body["results"]
    for result in body["results"]:
        confidence = result["confidence"]
        assert confidence["level"] in {"high", "moderate", "low", "very-low"}
        assert [c["component"] for c in confidence["components"]] == COMPONENTS
        assert all(c["concern"] in {"no-or-minor", "moderate", "serious"} and c["reason"].endswith(".")
                   for c in confidence["components"])
        assert result["window"] in WINDOWS
        evidence = result["evidence"]
        assert len({e["study"]["iri"] for e in evidence["studies"]}) == result["independent_study_count"]
        contrary = {e["study"]["iri"] for e in evidence["contrary_studies"]}
        assert len(contrary) == result["contrary_study_count"]


def test_json_ld_holds_the_results_with_their_confidence(client, body):
    response = client.get("/consensus", headers={"Accept": "application/ld+json"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/ld+json")
    text = response.text
    document = json.loads(text)
    assert "@context" in document
    for result in body["results"]:
        assert result["id"] in text
    assert text.count("ConfidenceComponentJudgement") >= 4 * len(body["results"])
    assert "UpToReviewSearchWindow" in text and "cerqual-style-confidence" in text


def test_html_page_sets_claims_beside_verdicts_with_confidence(client, body):
    response = client.get("/consensus", headers={"Accept": "text/html"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    page = response.text
    rows = re.findall(r'<tr data-factor="([a-z0-9-]+)" data-direction="(\w+)">', page)
    assert set(rows) == {(c["factor"]["id"], c["direction"]) for c in body["claims"]} and len(rows) == 7
    cells = re.findall(r'data-window="([a-z-]+)" data-reproduced="(true|false)"', page)
    assert [w for w, _ in cells] == WINDOWS * 7
    reproduced = sum(v["reproduced"] for c in body["claims"] for v in c["verdicts"])
    assert sum(flag == "true" for _, flag in cells) == reproduced
    assert "not a GRADE-CERQual assessment made by a review team" in page
    assert page.count("<dl class=\"components\">") >= len(body["results"])
    assert client.get("/consensus?format=html").text == page


def test_turtle_is_offered_and_an_unacceptable_type_is_406(client):
    turtle = client.get("/consensus?format=turtle")
    assert turtle.status_code == 200 and "ckg:hasConfidence" in turtle.text
    assert client.get("/consensus", headers={"Accept": "image/png"}).status_code == 406


def test_gap_map_tooltips_show_the_consensus_confidence(client, body):
    page = client.get("/map", headers={"Accept": "text/html"}).text
    svg = client.get("/map.svg").text
    titles = [html.unescape(t) for t in re.findall(r'title="([^"]*consensus: [^"]*)"', page)]
    svg = html.unescape(svg)
    assert titles, "some cell's tooltip names a consensus result"
    for result in (r for r in body["results"] if r["window"] == "all-evidence"):
        note = (f"{result['factor']['label']}: {result['direction']}, "
                f"{result['confidence']['label']} confidence")
        assert any(note in title for title in titles), note
        assert note in svg


def test_taxonomy_consensus(client):
    taxonomy = client.get("/taxonomy").json()
    assert len(taxonomy["nasss"]) == 7 and len(taxonomy["cfir"]) == 5
    consensus = client.get("/consensus").json()
    assert consensus["rule"]["version"] and consensus["results"]
