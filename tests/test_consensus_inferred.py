"""carekg.consensus: the consensus rule 2.0.0 and the confidence rule 1.0.0 materialised in the inferred
graph at load time, with the rules named and versioned, and every result carrying a confidence."""

import pytest

from carekg.confidence import CONFIDENCE_RULE, CONFIDENCE_RULE_VERSION
from carekg.consensus import CONSENSUS_RULE, CONSENSUS_RULE_VERSION
from carekg.queries import load_query

PREFIXES = """PREFIX ckg: <https://w3id.org/carekg/def#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""
INFERRED = "https://w3id.org/carekg/graph/inferred"


@pytest.fixture(scope="module")
def results(store):
    return store.select(PREFIXES + f"""SELECT ?result ?factor ?direction ?window ?n ?contrary ?level WHERE {{
        GRAPH <{INFERRED}> {{ ?result a ckg:ConsensusResult ; ckg:consensusFactor ?factor ;
          ckg:consensusDirection ?direction ; ckg:evidenceWindow ?window ; ckg:independentStudyCount ?n ;
          ckg:contraryStudyCount ?contrary ; ckg:byRule <{CONSENSUS_RULE}> ;
          ckg:hasConfidence [ ckg:confidenceLevel ?level ;
                              ckg:byConfidenceRule <{CONFIDENCE_RULE}> ] }} }}""")


def test_both_rules_are_named_and_versioned_in_the_inferred_graph(store):
    rows = store.select(PREFIXES + f"""SELECT ?rule ?version ?label WHERE {{ GRAPH <{INFERRED}> {{
        ?rule ckg:ruleVersion ?version ; rdfs:label ?label }} }}""")
    assert {(r["rule"], r["version"]) for r in rows} == {
        (str(CONSENSUS_RULE), CONSENSUS_RULE_VERSION), (str(CONFIDENCE_RULE), CONFIDENCE_RULE_VERSION)}
    assert CONSENSUS_RULE_VERSION == "2.0.0"


def test_every_result_of_the_rule_query_is_materialised_with_a_confidence(store, results):
    rows = store.select(load_query("consensus"))
    assert len(results) == len(rows) > 0
    assert {(r["factor"], r["direction"], r["window"], r["n"], r["contrary"]) for r in results} == {
        (r["factor"], r["direction"], r["window"], r["studies"], r["contrary"]) for r in rows}
    assert {r["level"].rsplit("#", 1)[1] for r in results} <= {
        "HighConfidence", "ModerateConfidence", "LowConfidence", "VeryLowConfidence"}


def test_each_confidence_has_four_components_with_a_reason(store, results):
    rows = store.select(PREFIXES + f"""SELECT ?result (COUNT(DISTINCT ?component) AS ?n)
        (SAMPLE(?reason) AS ?why) WHERE {{ GRAPH <{INFERRED}> {{
        ?result ckg:hasConfidence/ckg:hasComponentJudgement ?j . ?j ckg:confidenceComponent ?component ;
        ckg:concernLevel ?concern ; ckg:componentReason ?reason }} }} GROUP BY ?result""")
    assert len(rows) == len(results)
    assert all(r["n"] == "4" and r["why"] for r in rows)


def test_counted_contrary_and_uncounted_findings_are_linked(store, results):
    rows = store.select(PREFIXES + f"""SELECT ?result (COUNT(DISTINCT ?s) AS ?supporting)
        (COUNT(DISTINCT ?u) AS ?uncounted) WHERE {{ GRAPH <{INFERRED}> {{ ?result a ckg:ConsensusResult
          OPTIONAL {{ ?result ckg:supportingFinding ?s }} OPTIONAL {{ ?result ckg:uncountedFinding ?u }} }} }}
        GROUP BY ?result""")
    by_result = {r["result"]: r for r in rows}
    for result in results:
        assert int(by_result[result["result"]]["supporting"]) >= int(result["n"]) >= 2
    assert any(int(r["uncounted"]) > 0 for r in rows), "grey literature is shown beside some result"


def test_the_review_window_results_have_their_own_iris(results):
    review = [r["result"] for r in results if r["window"].endswith("UpToReviewSearchWindow")]
    everything = [r["result"] for r in results if r["window"].endswith("AllEvidenceWindow")]
    assert review and everything
    assert all(iri.endswith("-to-review-search") for iri in review)
    assert not set(review) & set(everything)
