"""The union copy that answers users' queries on an on-disk embedded store (carekg.store.union_view):
the same answers as the union of the graphs, byte for byte, whichever path a query takes, and after
writes the copy each made from the previous one by its own changes equals a fresh copy."""

from __future__ import annotations

import contextlib
import json
import logging

import pyoxigraph as ox
import pytest
from rdflib.namespace import RDFS

from carekg.ids import AGENT, FINDING, GRAPH_AGENTS, GRAPH_DATA, GRAPH_INFERRED, GRAPH_ONTOLOGY, INNOVATION
from carekg.loader import load
from carekg.namespaces import CKG
from carekg.store import UnionCopy, get_store, union_view
from carekg.writes import EvidenceWriter
from tests.submissions import submitted_finding

EX = "https://example.org/"
DATA = f"""@prefix ex: <{EX}> .
ex:a ex:knows ex:b ; ex:label "A"@en ; ex:part [ ex:label "inner" ] .
ex:b ex:knows ex:c .
"""
ONTOLOGY = f"""@prefix ex: <{EX}> . @prefix owl: <http://www.w3.org/2002/07/owl#> .
ex:Person owl:equivalentClass [ a owl:Restriction ; owl:onProperty ex:knows ; owl:someValuesFrom ex:Person ] .
"""
INFERRED = f"<{EX}a> <{EX}reaches> <{EX}c> .\n"
JSON = "application/sparql-results+json"
QUERIES = [
    "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o",
    f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s <{EX}knows> ?o }}",
    f"SELECT ?x ?label WHERE {{ <{EX}a> <{EX}part> ?x . ?x <{EX}label> ?label }}",
    "SELECT ?r ?p WHERE { ?c <http://www.w3.org/2002/07/owl#equivalentClass> ?r . ?r ?p ?o } ORDER BY ?p",
    f"ASK {{ <{EX}a> <{EX}reaches> <{EX}c> }}",
    f"CONSTRUCT {{ ?s <{EX}knows> ?o }} WHERE {{ ?s <{EX}knows> ?o }}",
]


def _loaded(folder, tmp_path, inferred: str = INFERRED):
    files = {name: tmp_path / name for name in ("data.ttl", "ontology.ttl", "inferred.nt")}
    for path, text in zip(files.values(), (DATA, ONTOLOGY, inferred), strict=True):
        path.write_text(text, encoding="utf-8")
    store = get_store(f"oxigraph:{folder}")
    store.replace_dataset({str(GRAPH_DATA): [files["data.ttl"]],
                           str(GRAPH_ONTOLOGY): [files["ontology.ttl"]]})
    store.load_graph(str(GRAPH_INFERRED), files["inferred.nt"])
    store.set_version("v1")
    return store


def _answers(store) -> list[bytes]:
    media = [JSON] * 5 + ["application/n-triples"]
    return [store.run(query, media_type).body for query, media_type in zip(QUERIES, media, strict=True)]


def test_the_copy_answers_as_the_union_of_the_graphs_byte_for_byte(tmp_path):
    folder = tmp_path / "store"
    writer = _loaded(folder, tmp_path)
    assert isinstance(writer, UnionCopy)
    union = _answers(writer)  # a read-write handle never reads a copy: the union itself
    assert writer.publish_union_copy()
    writer.close()
    assert union_view.find(folder, "v1") is not None
    reader = get_store(f"oxigraph-ro:{folder}")
    assert _answers(reader) == union
    assert reader._union is not None  # noqa: SLF001 - they came from the copy
    rows = json.loads(union[2])["results"]["bindings"]
    assert rows and rows[0]["x"]["type"] == "bnode"  # blank nodes kept their labels in the copy


def test_queries_that_name_a_graph_or_set_a_dataset_read_the_graphs(tmp_path):
    folder = tmp_path / "store"
    writer = _loaded(folder, tmp_path)
    writer.publish_union_copy()
    writer.close()
    reader = get_store(f"oxigraph-ro:{folder}")
    named = reader.run(f"SELECT ?g WHERE {{ GRAPH ?g {{ <{EX}a> <{EX}reaches> ?o }} }}", JSON).body
    assert json.loads(named)["results"]["bindings"] == [{"g": {"type": "uri", "value": str(GRAPH_INFERRED)}}]
    only_data = reader.run(f"ASK {{ <{EX}a> <{EX}reaches> ?o }}", JSON, default_graph_uris=[str(GRAPH_DATA)])
    assert json.loads(only_data.body)["boolean"] is False


def test_no_copy_when_a_statement_is_in_two_graphs(tmp_path):
    """The union repeats such a statement once per graph; a store holds it once: no exact copy."""
    folder = tmp_path / "store"
    writer = _loaded(folder, tmp_path, inferred=f"<{EX}a> <{EX}knows> <{EX}b> .\n")
    assert not writer.publish_union_copy()
    writer.close()
    assert union_view.find(folder, "v1") is None
    reader = get_store(f"oxigraph-ro:{folder}")
    count = reader.run(f"SELECT (COUNT(*) AS ?n) WHERE {{ <{EX}a> <{EX}knows> ?o }}", JSON).body
    assert json.loads(count)["results"]["bindings"][0]["n"]["value"] == "2"


def test_a_copy_of_another_version_is_not_read(tmp_path):
    folder = tmp_path / "store"
    writer = _loaded(folder, tmp_path)
    writer.publish_union_copy()
    writer.update(f"INSERT DATA {{ GRAPH <{GRAPH_DATA}> {{ <{EX}c> <{EX}knows> <{EX}d> }} }}")
    writer.set_version("v2")
    writer.close()
    reader = get_store(f"oxigraph-ro:{folder}")
    body = reader.run(f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s <{EX}knows> ?o }}", JSON).body
    assert json.loads(body)["results"]["bindings"][0]["n"]["value"] == "3"
    assert reader._union is None  # noqa: SLF001


def test_publishing_again_keeps_the_newest_earlier_copy_only(tmp_path):
    folder = tmp_path / "store"
    writer = _loaded(folder, tmp_path)
    for version in ("v1", "v2", "v3"):
        writer.set_version(version)
        assert writer.publish_union_copy()
    assert sorted(p.name for p in union_view.folder(folder).iterdir() if p.is_dir()) == ["v2-v1", "v3-v1"]


def test_a_copy_no_longer_wanted_is_not_written(tmp_path):
    """A builder whose version a later write has made old (it waited for the lock) writes nothing."""
    folder = tmp_path / "store"
    writer = _loaded(folder, tmp_path)
    writer.set_version("v1")
    asked = []
    assert not writer.publish_union_copy(lambda: asked.append(True) or False)
    assert asked == [True] and union_view.find(folder, "v1") is None
    assert not [p for p in union_view.folder(folder).iterdir() if p.is_dir()]
    assert writer.publish_union_copy(lambda: True) and union_view.find(folder, "v1") is not None


def test_an_in_memory_store_has_no_copy():
    store = get_store("memory:")
    store.set_version("v1")
    assert not store.publish_union_copy()


@pytest.mark.parametrize(("query", "plain"), [
    ("SELECT * WHERE { ?s ?p ?o }", True),
    ("SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }", False),
    ("select * from <x> where { ?s ?p ?o }", False),
    ("SELECT * FROM NAMED <x> WHERE { ?s ?p ?o }", False),
    ("SELECT * WHERE { \\u0047RAPH ?g { ?s ?p ?o } }", False),
    ("SELECT * WHERE { ?s ?p ?o } # the graph", False),  # a word in a comment: merely the slower path
])
def test_names_no_graph(query, plain):
    assert union_view.names_no_graph(query) is plain


def _sorted_copy(path) -> list[bytes]:
    copy = ox.Store.read_only(str(path))
    return sorted(copy.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()).splitlines())


def _write(store, writer, name: str, body: str, tmp_path, who: str | None = None) -> str:
    """Write, as ``who`` (by default a writer of this submission's own), and check that the new version's
    copy was made from the previous one's by the write's own changes, and holds, label for label, what a
    copy of the whole store holds."""
    result = writer.submit(name, body.encode(), "text/turtle", who or f"tester of {name}")
    followed = union_view.find(store.path, result.version)
    assert followed is not None
    assert sorted(p.name for p in union_view.folder(store.path).iterdir() if p.is_dir()) == sorted(
        [followed.name, union_view.view_path(store.path, result.previous_version).name])  # no partial left
    fresh = union_view.build(store._store, tmp_path / result.version, result.version)  # noqa: SLF001
    assert fresh is not None
    assert _sorted_copy(followed) == _sorted_copy(fresh)
    return result.version


@pytest.fixture
def written(tmp_path, dataset_files):
    """The curated data loaded on disk (the load writes its copy), and a writer on it."""
    store = get_store(f"oxigraph:{tmp_path / 'store'}")
    load(store, dataset_files, reasoner=False)
    assert union_view.find(store.path, store.dataset_version()) is not None
    writer = EvidenceWriter(lambda: contextlib.nullcontext(store), tmp_path / "submissions", reasoner=False)
    yield store, writer
    store.close()


def test_a_write_s_own_changes_keep_the_copy_equal_to_the_union(written, tmp_path, caplog):
    """A new finding, its amendment, a new innovation with a blank node, a finding about it, and that
    innovation renamed: after each, the copy equals a fresh one, and none was written whole."""
    store, writer = written
    caplog.set_level(logging.INFO, "carekg.store")
    _write(store, writer, "copy", submitted_finding("sub-copy-1", "Agreed quickly."), tmp_path)
    _write(store, writer, "copy", submitted_finding("sub-copy-1", "Agreed slowly."), tmp_path)
    kettle = f"""@prefix ckg: <{CKG}> . @prefix dcterms: <http://purl.org/dc/terms/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<{INNOVATION["kettle-club"]}> a ckg:Innovation ; rdfs:label "LABEL"@en ; ckg:innovationKind ckg:ServiceModel ;
    dcterms:description "A test innovation."@en ; rdfs:seeAlso [ rdfs:label "a blank node" ] .
"""
    _write(store, writer, "kettle", kettle.replace("LABEL", "Kettle Club"), tmp_path)
    about = submitted_finding("sub-copy-2", "Tea helped.", "kettle-club")
    _write(store, writer, "about-kettle", about, tmp_path)
    _write(store, writer, "kettle", kettle.replace("LABEL", "Teapot Circle"), tmp_path)
    assert "two graphs" not in caplog.text


def test_one_agent_s_submissions_keep_the_copy_equal_to_the_union(written, tmp_path):
    """One agent's second and third submissions (the bench's API writes are three by one agent) describe
    it once, in the agents graph, as the first did: each version's copy follows the write and equals a
    fresh one. The third spells the agent's name otherwise (the same agent): one more label there."""
    store, writer = written
    _write(store, writer, "first", submitted_finding("sub-copy-3", "Agreed once."), tmp_path, "Tester")
    _write(store, writer, "second", submitted_finding("sub-copy-4", "Agreed again."), tmp_path, "Tester")
    _write(store, writer, "third", submitted_finding("sub-copy-6", "Agreed thrice."), tmp_path, "tester")
    agent = ox.NamedNode(str(AGENT["tester"]))
    assert {q.graph_name.value for q in store._store.quads_for_pattern(agent, None, None)} == {  # noqa: SLF001
        str(GRAPH_AGENTS)}
    labels = store.run(f"SELECT ?l WHERE {{ <{agent.value}> <{RDFS.label}> ?l }} ORDER BY ?l", JSON).body
    assert [row["l"]["value"] for row in json.loads(labels)["results"]["bindings"]] == ["Tester", "tester"]


def test_a_write_that_repeats_a_statement_of_another_graph_leaves_no_copy(written, tmp_path):
    """A submission that states again what the curated data states: the union answers it twice, a copy
    would once."""
    store, writer = written
    finding = FINDING["sub-copy-7"]
    repeated = f"""<{finding}> a <{CKG.Finding}> .
<{INNOVATION["family-drug-and-alcohol-court"]}> a <{CKG.Innovation}> ."""
    result = writer.submit("again", (submitted_finding("sub-copy-7", "Said again.") + repeated).encode(),
                           "text/turtle", "tester of again")
    assert union_view.find(store.path, result.version) is None
    assert not store.publish_union_copy()  # written whole, it is not exact either
    assert not [p for p in union_view.folder(store.path).iterdir() if ".partial" in p.name]


def test_a_write_does_not_wait_for_a_whole_copy_being_written(written):
    """While a whole copy is written (the lock held), a write leaves its copy to be written whole after."""
    store, writer = written
    with union_view._exclusive(store.path):  # noqa: SLF001 - as a builder in another process holds it
        result = writer.submit("waits", submitted_finding("sub-copy-5", "Agreed without waiting.").encode(),
                               "text/turtle", "tester of waits")
    assert union_view.find(store.path, result.version) is None
    assert store.publish_union_copy() and union_view.find(store.path, result.version) is not None
