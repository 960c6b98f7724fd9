"""The SPARQL engine agrees with pyshacl on the curated data and on the broken fixtures of
tests/ontology/test_check.py, with both shapes files."""

from pathlib import Path

import pytest
from shacl_agreement import DATA_SHAPES, ONTOLOGY_SHAPES, assert_agree, rdflib_graph

from carekg import paths

BROKEN = Path(__file__).parent.parent / "fixtures" / "broken"
#: every fixture but the one that does not parse
FIXTURES = sorted(p for p in BROKEN.glob("*.ttl") if p.name != "parse-error.ttl")
DATA, ONTOLOGY = paths.data_files(), paths.ontology_files()


def test_curated_data_and_ontology():
    assert not assert_agree(DATA_SHAPES, *DATA, *ONTOLOGY)
    assert not assert_agree(ONTOLOGY_SHAPES, *ONTOLOGY)


def test_all_broken_fixtures_together():
    assert assert_agree(DATA_SHAPES, *DATA, *ONTOLOGY, *FIXTURES)
    assert assert_agree(ONTOLOGY_SHAPES, *ONTOLOGY, *FIXTURES)


@pytest.mark.parametrize("fixture, shapes", [("shacl-data.ttl", DATA_SHAPES),
                                             ("shacl-ontology.ttl", ONTOLOGY_SHAPES)])
def test_each_shacl_fixture(fixture, shapes):
    sources = [*DATA, *ONTOLOGY] if shapes == DATA_SHAPES else [*ONTOLOGY]
    assert assert_agree(shapes, *sources, BROKEN / fixture)


def test_the_fixtures_are_the_ones_check_uses():
    assert len(FIXTURES) == len(list(BROKEN.glob("*.ttl"))) - 1 >= 18
    assert rdflib_graph(*FIXTURES)
