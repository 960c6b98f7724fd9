"""The load's one pass over the findings (carekg.finding_pass) gives exactly the rows of each rule it
stands for (the gap map's cells, the factors and NASSS sub-domains of each innovation, the innovation
factor tallies and their uncounted findings), on the curated data, on a generated graph, and on findings
and sources with several values of each link, missing links and values the rules' expressions reject."""

from __future__ import annotations

import pytest

from carekg import count_pass, finding_pass, rules, tallies, uncounted
from carekg.loader import DatasetFiles, load
from carekg.queries import load_query
from carekg.store import get_store
from tests.test_count_pass import loaded_turtle

CKG = "https://w3id.org/carekg/def#"
FACTOR = "https://w3id.org/carekg/id/factor/"
#: Each result of the pass -> the rule whose rows it stands for.
RULES = {"cells": "rule_map_cells", "innovation_factors": "rule_innovation_factors",
         "subdomains": "rule_subdomain_summary", "evidenced": "rule_evidenced_subdomains",
         "tallies": "rule_innovation_factor_tallies", "uncounted": "rule_innovation_factor_uncounted"}
# Sources judged every way the rules judge one (independent, a study of one or two studies, the founding
# review, grey literature, unknown independence, a developer flag both ways or not a boolean, a founding
# flag that is an IRI), and findings that name several factors (of one gap map cell), directions, sources,
# innovations and provenance kinds, none, a literal direction, no ckg:Finding type, or a review synthesis.
AWKWARD = f"""@prefix ckg: <{CKG}> .
@prefix ex: <https://example.org/> .
@prefix fac: <{FACTOR}> .
ex:s1 ckg:sourceType ckg:EvaluationReport ; ckg:developerAuthored false ; ckg:summarises ex:study1 .
ex:s2 ckg:sourceType ckg:PeerReviewedPaper, ckg:SummaryPage ; ckg:developerAuthored false, true .
ex:s3 ckg:sourceType ckg:Report ; ckg:developerAuthored false ; ckg:summarises ex:study1, ex:study2 .
ex:s4 ckg:sourceType ckg:EvaluationReport ; ckg:isFoundingReview true ; ckg:developerAuthored false .
ex:s5 ckg:sourceType ckg:NewsOrGreyLiterature .
ex:s6 ckg:sourceType ckg:EvaluationReport .
ex:s7 ckg:sourceType ckg:Report ; ckg:developerAuthored "maybe" .
ex:s8 ckg:sourceType ckg:Report ; ckg:developerAuthored false ; ckg:isFoundingReview ex:not-a-flag .
ex:f1 a ckg:Finding ; ckg:aboutFactor fac:funding-availability-and-continuity,
    fac:senior-leadership-buy-in-and-support ; ckg:direction ckg:Enabler, ckg:Barrier ;
    ckg:reportedIn ex:s1, ex:s2 ; ckg:aboutInnovation ex:i1, ex:i2 ; ckg:provenanceKind ckg:SourceStudyClaim .
ex:f2 a ckg:Finding ; ckg:aboutFactor fac:funding-availability-and-continuity ; ckg:direction "{CKG}Enabler" ;
    ckg:reportedIn ex:s1 ; ckg:aboutInnovation ex:i1 ; ckg:provenanceKind ckg:SourceStudyClaim .
ex:f3 a ckg:Finding ; ckg:aboutFactor fac:senior-leadership-buy-in-and-support ; ckg:direction ckg:Mixed ;
    ckg:reportedIn ex:s2 .
ex:f4 ckg:aboutFactor ex:not-a-finding ; ckg:direction ckg:Mixed ; ckg:reportedIn ex:s2 .
ex:f5 ckg:aboutInnovation ex:i1 ; ckg:aboutFactor fac:funding-availability-and-continuity ;
    ckg:direction ckg:Barrier ; ckg:reportedIn ex:s3 ; ckg:provenanceKind ckg:SourceStudyClaim .
ex:f6 a ckg:Finding, ckg:ReviewSynthesisFinding ; ckg:aboutInnovation ex:i1 ;
    ckg:aboutFactor fac:funding-availability-and-continuity ; ckg:direction ckg:Enabler ;
    ckg:reportedIn ex:s1 ; ckg:provenanceKind ckg:SourceStudyClaim .
ex:f7 a ckg:Finding ; ckg:aboutInnovation ex:i2 ; ckg:aboutFactor fac:senior-leadership-buy-in-and-support ;
    ckg:direction ckg:Barrier ; ckg:reportedIn ex:s3 ;
    ckg:provenanceKind ckg:SourceStudyClaim, ckg:CuratorInferenceClaim .
ex:f8 a ckg:Finding ; ckg:aboutInnovation ex:i2 ; ckg:aboutFactor fac:funding-availability-and-continuity ;
    ckg:direction ckg:Enabler ; ckg:reportedIn ex:s4 ; ckg:provenanceKind ckg:SourceStudyClaim .
ex:f9 a ckg:Finding ; ckg:aboutInnovation ex:i1 ; ckg:aboutFactor fac:senior-leadership-buy-in-and-support ;
    ckg:direction ckg:Barrier ; ckg:reportedIn ex:s5 ; ckg:provenanceKind ex:another-kind .
ex:f10 a ckg:Finding ; ckg:aboutInnovation ex:i1 ; ckg:aboutFactor fac:funding-availability-and-continuity ;
    ckg:direction ckg:Enabler ; ckg:reportedIn ex:s6 .
ex:f11 a ckg:Finding ; ckg:aboutInnovation ex:i2 ; ckg:aboutFactor fac:funding-availability-and-continuity ;
    ckg:direction ckg:Barrier ; ckg:reportedIn ex:s7 ; ckg:provenanceKind ckg:SourceStudyClaim .
ex:f12 a ckg:Finding ; ckg:aboutInnovation ex:i2 ; ckg:aboutFactor fac:senior-leadership-buy-in-and-support ;
    ckg:direction ckg:Enabler ; ckg:reportedIn ex:s8 ; ckg:provenanceKind ckg:SourceStudyClaim .
ex:f13 a ckg:Finding ; ckg:aboutInnovation ex:i1 ; ckg:aboutFactor fac:funding-availability-and-continuity ;
    ckg:direction ckg:Enabler ; ckg:reportedIn ex:s1, ex:s3 ; ckg:provenanceKind ckg:SourceStudyClaim .
ex:f14 a ckg:Finding ; ckg:aboutInnovation ex:i1 ; ckg:aboutFactor fac:funding-availability-and-continuity ;
    ckg:direction ckg:Barrier ; ckg:provenanceKind ckg:SourceStudyClaim .
ex:f15 a ckg:Finding ; ckg:aboutInnovation ex:i3 ; ckg:aboutFactor fac:funding-availability-and-continuity ;
    ckg:reportedIn ex:s1 ; ckg:provenanceKind ckg:SourceStudyClaim .
ex:f16 a ckg:Finding ; ckg:aboutInnovation ex:i3 ; ckg:aboutFactor fac:senior-leadership-buy-in-and-support ;
    ckg:direction ckg:Barrier ; ckg:reportedIn ex:s5, ex:s6 ; ckg:provenanceKind ckg:SourceStudyClaim .
"""


def _rows(rows) -> list[tuple]:
    return sorted(tuple(sorted(row.items())) for row in rows)


def _assert_equal_to_the_rules(store) -> finding_pass.Results:
    results = finding_pass.run(store, count_pass.read_findings(store))
    for name, rule in RULES.items():
        assert _rows(getattr(results, name)) == _rows(store.select(load_query(rule))), rule
    return results


def test_the_pass_equals_the_rules_on_the_curated_data(store):
    results = _assert_equal_to_the_rules(store)
    assert min(len(getattr(results, name)) for name in RULES) > 20
    assert any(row["independent"] != "0" for row in results.cells)


def test_the_pass_equals_the_rules_on_a_generated_graph(generated):
    memory = get_store("memory:")
    load(memory, DatasetFiles.discover(data=[generated]), reasoner=False)
    results = _assert_equal_to_the_rules(memory)
    assert min(len(getattr(results, name)) for name in RULES) > 100


@pytest.fixture
def awkward(tmp_path, dataset_files):
    return loaded_turtle(AWKWARD, tmp_path, dataset_files)


def test_the_pass_equals_the_rules_on_findings_and_sources_with_several_links(awkward):
    results = _assert_equal_to_the_rules(awkward)
    # What the data is there for, so that a pass ignoring it would fail: studies counted through their
    # units, each reason, and a cell and a pair with no ckg:Finding type (f5) or no tally.
    assert {row["reason"] for row in results.uncounted} == {
        "curator-inference", "review-statement", "grey-literature", "summary-page", "independence-unknown",
        "developer-authored"}
    assert any(int(row["enablerStudies"]) > 1 for row in results.tallies)
    cells = {(row["innovation"], row["column"]) for row in results.cells}
    tallies = {(row["innovation"], row["factor"]) for row in results.tallies}
    assert ("https://example.org/i3", f"{FACTOR}funding-availability-and-continuity") not in tallies
    assert len(cells) > len(tallies)


def test_the_load_states_what_the_rules_state(awkward):
    """What a load states from the pass holds every statement the rules themselves make."""
    folded = rules.rule_inferred(awkward)
    by_rules = rules.subdomain_summary(awkward) + rules.evidenced_subdomains(awkward)
    by_rules += rules.map_cells(awkward)
    for triple in (*tallies.tally_triples(awkward), *uncounted.uncounted_triples(awkward)):
        by_rules.add(triple)
    assert set(by_rules) <= set(folded)
