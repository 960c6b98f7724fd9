"""What a load derives while the store loads (carekg.loader): the search index made from the projection
of the files is the index of the loaded store, and the inferred graph is the rules run on the loaded
store itself, and the union copy /sparql reads, written from the files beside the rules, is the copy of
the loaded store (issue 14: the load made faster without leaving anything out)."""

from __future__ import annotations

import logging
import queue

import pyoxigraph as ox
import pytest
from rdflib import OWL, RDF, Graph

from carekg import loader, paths
from carekg.ids import GRAPH_INFERRED
from carekg.loader import DatasetFiles, load, write_parts
from carekg.namespaces import CKG
from carekg.rules import rule_inferred
from carekg.search import Count, SearchIndex, documents, index_file
from carekg.store import get_store, union_view

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
    assert with_load.counts('"quokka"') == {"finding": Count(1, True)}  # the submission's words are in it
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


def _sorted_copy(path) -> list[bytes]:
    copy = ox.Store.read_only(str(path))
    return sorted(copy.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()).splitlines())


def _same_as_a_copy_from_the_store(store, version, tmp_path) -> int:
    """The copy the load wrote beside the store holds, label for label, what a copy written from the
    loaded store after it holds (carekg.store.union_view.build, a second pass over every graph)."""
    written = union_view.find(store.path, version)
    assert written is not None
    again = union_view.build(store._store, tmp_path / "again", version)  # noqa: SLF001 - the engine's store
    assert again is not None
    lines = _sorted_copy(written)
    assert lines == _sorted_copy(again)
    return len(lines)


def test_the_union_copy_written_with_the_load_equals_one_copied_from_the_store(loaded, tmp_path):
    """The curated data (Turtle, blank nodes: its graph is copied from the store) and the rules' results
    (N-Triples: read from their file beside the rules)."""
    store, version = loaded
    assert _same_as_a_copy_from_the_store(store, version, tmp_path) > 10_000


def test_a_generated_graph_s_copy_is_read_from_its_file(generated, tmp_path, caplog):
    caplog.set_level(logging.INFO, "carekg.store")
    store = get_store(f"oxigraph:{tmp_path / 'store'}")
    version, _ = load(store, DatasetFiles.discover(data=[generated], submissions_dir=tmp_path / "none"),
                      reasoner=False)
    assert _same_as_a_copy_from_the_store(store, version, tmp_path) > 20_000
    assert "is short" not in caplog.text  # published as written with the load, not copied after it
    store.close()


def test_no_copy_when_the_data_file_repeats_a_statement_of_another_graph(generated, tmp_path, caplog):
    """The copy read from the file comes out one statement short of the store: the load falls back to a
    copy from the store, which finds the statement in two graphs and publishes none."""
    data = tmp_path / "data.nt"
    repeated = f"<{CKG.Finding}> <{RDF.type}> <{OWL.Class}> .\n"  # the ontology says so too
    data.write_bytes(generated.read_bytes() + repeated.encode())
    caplog.set_level(logging.INFO, "carekg.store")
    store = get_store(f"oxigraph:{tmp_path / 'store'}")
    version, _ = load(store, DatasetFiles.discover(data=[data], submissions_dir=tmp_path / "none"),
                      reasoner=False)
    assert store.dataset_version() == version
    assert "is short" in caplog.text and "a statement is in two graphs" in caplog.text
    assert union_view.find(store.path, version) is None
    assert not [p for p in union_view.folder(store.path).iterdir() if p.is_dir()]  # nothing partial left
    store.close()


def test_the_rules_results_loaded_part_by_part_are_the_rules_on_the_loaded_store(generated, tmp_path,
                                                                                 monkeypatch, caplog):
    """The inferred graph loaded in parts while the rules run holds the rules' results on the loaded store,
    and the union copy read from the parts is the copy of the store (no fallback to the store)."""
    monkeypatch.setattr(loader, "RULES_PART_BYTES", 64 * 1024)
    monkeypatch.setattr(loader, "RULES_PARTS", 1 << 30)
    caplog.set_level(logging.INFO, "carekg.store")
    store = get_store(f"oxigraph:{tmp_path / 'store'}")
    version, _ = load(store, DatasetFiles.discover(data=[generated], submissions_dir=tmp_path / "none"),
                      reasoner=False)
    assert len(list((paths.STATE_DIR / "inferred" / f"{version}-rules").glob("part-*.nt"))) > 3
    kept = {tuple(row.values()) for row in store.select(
        "SELECT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }", {"g": str(GRAPH_INFERRED)})}
    assert {tuple(str(term) for term in triple) for triple in rule_inferred(store)} == kept
    assert _same_as_a_copy_from_the_store(store, version, tmp_path) > 20_000
    assert "is short" not in caplog.text
    store.close()


def test_parts_are_not_cut_after_a_blank_node(tmp_path):
    """Each file is loaded on its own, which labels its blank nodes afresh: a blank node's statements
    all go into one file."""
    lines = [f"<s{n}> <p> <o> .\n" for n in range(10)]
    lines[4] = "_:b <p> <o> .\n"
    lines[7] = "<s7> <p> _:b .\n"
    parts: queue.SimpleQueue = queue.SimpleQueue()
    write_parts(lines, tmp_path / "parts", 30, parts)
    written = [parts.get() for _ in range(parts.qsize())]
    assert [p.read_text() for p in written] == ["".join(lines[0:2]), "".join(lines[2:4]), "".join(lines[4:])]
