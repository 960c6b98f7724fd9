"""Deprecation (issue 8): a retired term moves to ontology/modules/deprecated.ttl with owl:deprecated true
and dcterms:isReplacedBy; the shapes and checks accept it, it keeps resolving, and using it is reported."""

import shutil

import pytest

from carekg import paths
from carekg.check import run_checks
from carekg.loader import DatasetFiles, load
from carekg.release import ontology_sources
from carekg.store import get_store

OLD = "https://w3id.org/carekg/id/factor/specific-staff-training"
NEW = "https://w3id.org/carekg/id/factor/training-and-support-for-professional-staff"
RETIRED_BLOCK = f"""
<{OLD}> a owl:NamedIndividual , ckg:ImplementationFactor ;
    skos:prefLabel "Specific training and support for professional staff"@en ;
    rdfs:label "Specific training and support for professional staff"@en ;
    skos:definition "Training for professional staff, as first worded; merged into its successor."@en ;
    skos:inScheme <https://w3id.org/carekg/id/scheme/factors> ;
    skos:broader <https://w3id.org/carekg/id/nasss/5a> ;
    skos:closeMatch <https://w3id.org/carekg/id/cfir/iii-k> ;
    ckg:subdomainPlacement ckg:CuratorInferenceClaim ;
    dcterms:source "curator" ;
    owl:deprecated true ;
    dcterms:isReplacedBy <{NEW}> ;
    rdfs:isDefinedBy <https://w3id.org/carekg/def/deprecated> .

ckg:studiedIn a owl:ObjectProperty ;
    rdfs:label "studied in"@en ;
    skos:definition "Retired inverse of ckg:studies."@en ;
    owl:deprecated true ;
    dcterms:isReplacedBy ckg:studies ;
    rdfs:isDefinedBy <https://w3id.org/carekg/def/deprecated> .
"""


@pytest.fixture(scope="module")
def ontology_with_retired_terms(tmp_path_factory):
    folder = tmp_path_factory.mktemp("deprecation") / "ontology"
    shutil.copytree(paths.ONTOLOGY_DIR, folder, ignore=shutil.ignore_patterns("release"))
    with (folder / "modules" / "deprecated.ttl").open("a", encoding="utf-8") as handle:
        handle.write(RETIRED_BLOCK)
    return folder


def test_the_deprecated_module_is_imported_and_empty_of_terms():
    from rdflib import Graph, URIRef

    assert "<https://w3id.org/carekg/def/deprecated>" in (paths.ONTOLOGY_DIR / "carekg.ttl").read_text(encoding="utf-8")
    module = Graph().parse(paths.ONTOLOGY_DIR / "modules" / "deprecated.ttl")
    assert set(module.subjects()) == {URIRef("https://w3id.org/carekg/def/deprecated")}


def test_shapes_and_checks_accept_deprecated_terms(ontology_with_retired_terms):
    report = run_checks(ontology_files=ontology_sources(ontology_with_retired_terms), reasoner=False)
    assert report.ok, report.render()


def test_a_deprecated_term_keeps_resolving(ontology_with_retired_terms):
    files = DatasetFiles(tuple(paths.data_files()), tuple(ontology_sources(ontology_with_retired_terms)))
    store = get_store("memory:")
    load(store, files, reasoner=False)
    rows = store.select("""PREFIX owl: <http://www.w3.org/2002/07/owl#>
        PREFIX dcterms: <http://purl.org/dc/terms/> PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT ?term ?label ?next { ?term owl:deprecated true ; skos:prefLabel ?label ; dcterms:isReplacedBy ?next }""",
                        {"term": OLD})
    assert rows == [{"term": OLD, "label": "Specific training and support for professional staff", "next": NEW}]


def test_using_a_deprecated_term_is_reported(ontology_with_retired_terms, tmp_path):
    use = tmp_path / "uses-retired.ttl"
    use.write_text("<https://w3id.org/carekg/id/source/someone> <https://w3id.org/carekg/def#studiedIn> "
                   "<https://w3id.org/carekg/id/innovation/casa> .\n", encoding="utf-8")
    report = run_checks(data_files=[*paths.data_files(), use],
                        ontology_files=ontology_sources(ontology_with_retired_terms), reasoner=False)
    found = [v for v in report.violations if v.check == "sparql deprecation-violation"]
    assert any("use its replacement https://w3id.org/carekg/def#studies" in v.message for v in found), report.render()
