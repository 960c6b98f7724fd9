"""What a load derives while the store loads (carekg.loader): the search index made from the projection
of the files is the index of the loaded store, and the inferred graph is the rules run on the loaded
store itself (issue 14: the load made faster without leaving anything out)."""

from __future__ import annotations

import pytest
from rdflib import Graph

from carekg.ids import GRAPH_INFERRED
from carekg.loader import DatasetFiles, load
from carekg.rules import rule_inferred
from carekg.search import SearchIndex, documents, index_file
from carekg.store import get_store

SUBMISSION = """@prefix ckg: <https://w3id.org/carekg/def#> .
@prefix fnd: <https://w3id.org/carekg/id/finding/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<https://w3id.org/carekg/graph/submission/t-load> {
  fnd:t-load-finding a ckg:Finding ; ckg:direction ckg:Barrier ;
    ckg:aboutFactor <https://w3id.org/carekg/id/factor/funding-availability-and-continuity> ;
    ckg:paraphrase "A submitted finding whose words only the submission holds: quokka." .
}
"""


@pytest.fixture(scope="module")
def loaded(tmp_path_factory, dataset_files):
    """The curated dataset and one submission, loaded on disk as `carekg load` does."""
    folder = tmp_path_factory.mktemp("load")
    (folder / "submissions").mkdir()
    (folder / "submissions" / "t-load.trig").write_text(SUBMISSION, encoding="utf-8")
    files = DatasetFiles(dataset_files.data, dataset_files.ontology,
                         DatasetFiles.discover(submissions_dir=folder / "submissions").submissions)
    store = get_store(f"oxigraph:{folder / 'store'}")
    version, done = load(store, files, reasoner=False)
    assert done
    yield store, version
    store.close()


def test_the_load_builds_the_index_of_the_whole_loaded_store(loaded):
    store, version = loaded
    path = index_file(store, version)
    assert path is not None and path.is_file()  # published by the load itself, under its version
    with_load = SearchIndex.open(path)
    from_store = SearchIndex.build(documents(store))  # every graph of the store, inferred one included
    assert with_load.made() == ("build", None)
    assert sorted(with_load.documents(), key=repr) == sorted(from_store.documents(), key=repr)
    assert len(from_store.documents()) > 400
    assert with_load.counts('"quokka"') == {"finding": 1}  # the submission's words are in it
    with_load.close()


def test_the_inferred_graph_equals_the_rules_run_on_the_loaded_store(loaded):
    """The rules run on the projection of the files, while the store loads; their results are what the
    rules give on the loaded store (data, ontology and submission graphs) itself."""
    store, _ = loaded
    kept = {tuple(row.values()) for row in store.select(
        "SELECT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }", {"g": str(GRAPH_INFERRED)})}
    on_store = Graph()
    for triple in rule_inferred(store):
        on_store.add(triple)
    assert len(on_store) > 100
    assert {tuple(str(term) for term in triple) for triple in on_store} == kept
