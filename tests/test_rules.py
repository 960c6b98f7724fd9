"""The defined-class rule a write classifies findings with gives exactly HermiT's classification of the
curated dataset (carekg.rules.classified vs carekg.reasoning.run_hermit)."""

from __future__ import annotations

from rdflib import RDF, Graph

from carekg.loader import hermit_inferred
from carekg.reasoning import CLASSIFIED
from carekg.rules import classified, rule_inferred_from_files
from carekg.store import get_store


def test_the_defined_class_rule_equals_hermit_on_the_curated_dataset(dataset_files):
    hermit = set(Graph().parse(hermit_inferred(dataset_files), format="nt"))  # cached per dataset version
    asserted = get_store("memory:")
    for path in dataset_files.paths:
        asserted.load_graph("https://w3id.org/carekg/graph/data", path)
    rule = set(classified(asserted))
    assert len(hermit) > 100 and rule == hermit
    assert {c for _, _, c in rule} == set(CLASSIFIED)
    # the write's projection of the files classifies the same
    projected = rule_inferred_from_files(dataset_files.paths, classify=True)
    assert {t for t in projected if t[1] == RDF.type and t[2] in CLASSIFIED} == hermit


SUBMITTED = """@prefix ckg: <https://w3id.org/carekg/def#> .
@prefix fnd: <https://w3id.org/carekg/id/finding/> .
fnd:t-submitted-enabler a ckg:Finding ; ckg:direction ckg:Enabler .
fnd:t-submitted-barrier ckg:direction ckg:Barrier .
fnd:t-submitted-mixed a ckg:Finding ; ckg:direction ckg:Mixed .
"""


def test_with_submissions_hermit_of_the_curated_files_and_the_rule_of_the_whole_equal_hermit(dataset_files):
    """What a load with submissions keeps (HermiT's cached classification of the curated files, and the
    rule's of the whole dataset) is what HermiT infers from the whole dataset: the next start after a
    write needs no HermiT run. One HermiT run on the curated data with submitted findings."""
    from carekg.reasoning import run_hermit

    submitted = Graph().parse(data=SUBMITTED, format="turtle")
    whole = dataset_files.graph() + submitted
    hermit = run_hermit(whole)
    assert hermit.consistent
    asserted = get_store("memory:")
    for path in dataset_files.paths:
        asserted.load_graph("https://w3id.org/carekg/graph/data", path)
    asserted.update("INSERT DATA { GRAPH <https://w3id.org/carekg/graph/submission/t> { "
                    + submitted.serialize(format="nt") + " } }")
    curated = set(Graph().parse(hermit_inferred(dataset_files), format="nt"))
    kept = curated | set(classified(asserted))
    assert set(hermit.inferred) == kept
    assert len({s for s, _, _ in kept if "t-submitted" in s}) == 3
