"""The union copy that answers users' queries on an on-disk embedded store (carekg.store.union_view):
the same answers as the union of the graphs, byte for byte, whichever path a query takes."""

from __future__ import annotations

import json

import pytest

from carekg.ids import GRAPH_DATA, GRAPH_INFERRED, GRAPH_ONTOLOGY
from carekg.store import UnionCopy, get_store, union_view

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
