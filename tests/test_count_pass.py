"""The load's one pass over the findings (carekg.count_pass) gives exactly the rows of the rules it stands
for (rule_evidence_counts.rq, rule_concept_evidence_counts.rq, rule_innovation_factor_shared_sources.rq),
on the curated data, on a generated graph, and on findings that name several factors, sources and
directions at once."""

from __future__ import annotations

import pytest

from carekg import count_pass
from carekg.loader import DatasetFiles, load
from carekg.queries import load_query
from carekg.rules import COUNT_QUERIES
from carekg.store import get_store
from carekg.tallies import SHARED_QUERY

CKG = "https://w3id.org/carekg/def#"
FACTOR = "https://w3id.org/carekg/id/factor/"
# Findings that name more than one of each link: the pass must count them as the engine's DISTINCT does.
# The placed factors are curated ones (so framework concepts are counted too); one direction is a
# literal spelling the Enabler IRI, which the rules' BIND does not take for the IRI.
AWKWARD = f"""@prefix ckg: <{CKG}> .
@prefix ex: <https://example.org/> .
ex:f1 a ckg:Finding ; ckg:aboutFactor <{FACTOR}funding-availability-and-continuity>,
    <{FACTOR}senior-leadership-buy-in-and-support> ; ckg:direction ckg:Enabler, ckg:Barrier ;
    ckg:reportedIn ex:s1, ex:s2 ; ckg:aboutInnovation ex:i1, ex:i2 .
ex:f2 a ckg:Finding ; ckg:aboutFactor <{FACTOR}funding-availability-and-continuity> ;
    ckg:direction "{CKG}Enabler" ; ckg:reportedIn ex:s1 ; ckg:aboutInnovation ex:i1 .
ex:f3 a ckg:Finding ; ckg:aboutFactor <{FACTOR}senior-leadership-buy-in-and-support> ;
    ckg:direction ckg:Mixed ; ckg:reportedIn ex:s2 .
ex:f4 ckg:aboutFactor ex:not-a-finding ; ckg:direction ckg:Mixed ; ckg:reportedIn ex:s2 .
"""


def _rows(rows) -> list[tuple]:
    return sorted(tuple(sorted(row.items())) for row in rows)


def _assert_equal_to_the_rules(store) -> int:
    findings = count_pass.counted_findings(store)
    counted = _rows(count_pass.count_rows(store, findings))
    assert counted == _rows(row for name in COUNT_QUERIES for row in store.select(load_query(name)))
    shared = _rows(count_pass.shared_source_rows(store, findings))
    assert shared == _rows(store.select(load_query(SHARED_QUERY)))
    return len(counted)


def test_the_pass_equals_the_rules_on_the_curated_data(store):
    assert _assert_equal_to_the_rules(store) > 100


def test_the_pass_equals_the_rules_on_a_generated_graph(generated):
    memory = get_store("memory:")
    load(memory, DatasetFiles.discover(data=[generated]), reasoner=False)
    assert _assert_equal_to_the_rules(memory) > 400
    assert list(count_pass.shared_source_rows(memory))  # the generated graph has shared sources


def loaded_turtle(text: str, tmp_path, dataset_files):
    """A memory store loaded with the Turtle ``text`` as its data, with the ontology, no reasoner."""
    path = tmp_path / "awkward.ttl"
    path.write_text(text, encoding="utf-8")
    memory = get_store("memory:")
    load(memory, DatasetFiles((path,), dataset_files.ontology), reasoner=False)
    return memory


@pytest.fixture
def awkward(tmp_path, dataset_files):
    return loaded_turtle(AWKWARD, tmp_path, dataset_files)


def test_the_pass_equals_the_rules_on_findings_with_several_links(awkward):
    _assert_equal_to_the_rules(awkward)
    rows = {row["subject"]: row for row in count_pass.count_rows(awkward)}
    assert rows["https://example.org/s1"] == {
        "subject": "https://example.org/s1", "findings": "2", "sources": "2", "innovations": "2",
        "factors": "2", "enablers": "1", "barriers": "1", "mixed": "0"}
    assert "https://example.org/not-a-finding" not in rows
    shared = _rows(count_pass.shared_source_rows(awkward))
    assert len(shared) == 8  # f1's two factors, for each of its two innovations and two sources
