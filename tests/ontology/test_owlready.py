"""owlready2 round trip (issue 8): the released RDF/XML loads in owlready2, HermiT finds it consistent
and classifies a finding with direction Enabler as an EnablerFinding."""

import pytest

from carekg import paths
from carekg.reasoning import java_available

RELEASED = paths.ONTOLOGY_DIR / "release" / "0.1.0" / "carekg.owl"


@pytest.mark.skipif(not java_available(), reason="HermiT needs Java")
def test_released_rdfxml_loads_in_owlready2_and_hermit_classifies_it():
    import owlready2

    world = owlready2.World()  # a fresh world: nothing from other tests
    try:
        ontology = world.get_ontology(RELEASED.as_uri()).load()
        ckg = world.get_namespace("https://w3id.org/carekg/def#")
        assert ckg.Finding is not None and ckg.EnablerFinding is not None and ckg.Enabler is not None
        assert len(list(world.search(type=ckg.ImplementationStrategy))) == 73
        probe = world.get_ontology("http://example.org/carekg-roundtrip#")
        with probe:
            finding = ckg.Finding("probe-finding", namespace=probe)
            finding.direction = ckg.Enabler
            barrier = ckg.Finding("probe-barrier", namespace=probe)
            barrier.direction = ckg.Barrier
            owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)  # raises if inconsistent
        assert ckg.EnablerFinding in finding.is_a
        assert ckg.BarrierFinding in barrier.is_a and ckg.EnablerFinding not in barrier.is_a
        assert ontology.base_iri.startswith("https://w3id.org/carekg/def")
    finally:
        world.close()


@pytest.mark.skipif(not java_available(), reason="HermiT needs Java")
def test_hermit_detects_an_inconsistency_in_the_released_ontology():
    import owlready2

    world = owlready2.World()
    try:
        world.get_ontology(RELEASED.as_uri()).load()
        ckg = world.get_namespace("https://w3id.org/carekg/def#")
        probe = world.get_ontology("http://example.org/carekg-clash#")
        with probe:
            clash = ckg.Finding("clash", namespace=probe)
            clash.is_a.append(ckg.Innovation)  # Finding and Innovation are disjoint
            with pytest.raises(owlready2.OwlReadyInconsistentOntologyError):
                owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
    finally:
        world.close()
