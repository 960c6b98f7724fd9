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
