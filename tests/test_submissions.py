"""Accepted submissions' files (carekg.submissions) and the shape of their provenance: each agent described
once, in the agents graph, however many submissions it wrote (issue 14: one agent's statements in two
provenance graphs were a statement twice in the union, and /sparql lost its copy of the union for good);
a reload of the files gives the store the writes gave; the provenance of each submission still says who
submitted what and when; files written before the agents graph still load, and migrate."""

from __future__ import annotations

import contextlib

import pyoxigraph as ox
import pytest
from rdflib import Dataset, URIRef

from carekg.ids import AGENT, GRAPH_AGENTS, WRITE
from carekg.loader import DatasetFiles, load
from carekg.services.graphs import dataset_graphs
from carekg.store import get_store, union_view
from carekg.submissions import migrate, provenance_graph, read_submission, submission_graph
from carekg.writes import EvidenceWriter
from tests.submissions import submitted_finding

#: (submission, finding, who): two by one agent, one amended by another, one by the first agent under a
#: name spelt otherwise (the same slug, so the same agent).
WRITES = [("first", "sub-prov-1", "Tester"), ("second", "sub-prov-2", "Tester"),
          ("first", "sub-prov-3", "Other Tester"), ("third", "sub-prov-4", "tester")]

WHO_WHAT_WHEN = """PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?activity ?agent ?name ?when WHERE {
  GRAPH <PROVENANCE> { ?activity prov:generated <SUBMISSION> ; prov:wasAssociatedWith ?agent ;
                                 prov:startedAtTime ?when }
  ?agent a prov:Agent ; rdfs:label ?name
} ORDER BY ?activity ?name"""


def _quads(store) -> tuple[set[str], int]:
    """The store's quads without blank nodes (two loads label those differently), and how many it has."""
    lines = store._store.dump(format=ox.RdfFormat.N_QUADS).decode().splitlines()  # noqa: SLF001
    return {line for line in lines if "_:" not in line}, len(lines)


@pytest.fixture
def written(tmp_path, dataset_files):
    """The curated data in memory, and WRITES made on it; the submissions folder."""
    store = get_store("memory:")
    load(store, dataset_files, reasoner=False)
    folder = tmp_path / "submissions"
    writer = EvidenceWriter(lambda: contextlib.nullcontext(store), folder, reasoner=False)
    for name, finding, who in WRITES:
        writer.submit(name, submitted_finding(finding, f"Said by {who}.").encode(), "text/turtle", who)
    return store, folder


def test_a_reload_of_the_files_equals_the_store_the_writes_gave(written):
    store, folder = written
    reloaded = get_store("memory:")
    version, _ = load(reloaded, DatasetFiles.discover(submissions_dir=folder), reasoner=False)
    assert version == store.dataset_version()
    assert _quads(reloaded) == _quads(store)


def test_each_agent_is_described_once_in_the_agents_graph(written):
    store, _ = written
    described = {(q.subject.value, q.graph_name.value)
                 for q in store._store.quads_for_pattern(None, None, None)  # noqa: SLF001
                 if isinstance(q.subject, ox.NamedNode) and q.subject.value.startswith(str(AGENT))}
    assert described == {(str(AGENT[who]), str(GRAPH_AGENTS)) for who in ("tester", "other-tester")}
    assert str(GRAPH_AGENTS) in dataset_graphs(store)


def test_the_provenance_of_each_submission_says_who_submitted_what_and_when(written):
    store, _ = written

    def rows(name: str) -> list[tuple[str, str, str]]:
        query = WHO_WHAT_WHEN.replace("PROVENANCE", str(provenance_graph(name))).replace(
            "SUBMISSION", str(submission_graph(name)))
        found = store.select(query)
        assert all(row["when"] for row in found)
        return [(row["activity"], row["agent"], row["name"]) for row in found]

    tester, other = str(AGENT["tester"]), str(AGENT["other-tester"])
    first, amended = str(WRITE["first-1"]), str(WRITE["first-2"])
    assert rows("first") == [(first, tester, "Tester"), (first, tester, "tester"),
                             (amended, other, "Other Tester")]
    assert [(a, agent) for a, agent, _ in rows("second")] == [(str(WRITE["second-1"]), tester)] * 2
    assert [(a, agent) for a, agent, _ in rows("third")] == [(str(WRITE["third-1"]), tester)] * 2


def _old_shape(path) -> None:
    """Rewrite a submission file as carekg wrote it before the agents graph: the agents described in the
    submission's provenance graph."""
    dataset = Dataset()
    dataset.parse(path, format="trig")
    name = path.name.removesuffix(".trig")
    old = Dataset()
    for graph, triples in ((submission_graph(name), dataset.graph(submission_graph(name))),
                           (provenance_graph(name), [*dataset.graph(provenance_graph(name)),
                                                     *dataset.graph(URIRef(GRAPH_AGENTS))])):
        for triple in triples:
            old.graph(graph).add(triple)
    path.write_bytes(old.serialize(format="trig", encoding="utf-8"))


def test_files_written_before_the_agents_graph_load_and_migrate(tmp_path, dataset_files):
    """Two older files by one agent load as they were written (the agent in both provenance graphs: no
    copy of the union); read back, the agent's statements are the agents graph's; migrated, they load
    with the agent described once, and the load publishes its copy of the union."""
    folder = tmp_path / "submissions"
    memory = get_store("memory:")
    load(memory, dataset_files, reasoner=False)
    writer = EvidenceWriter(lambda: contextlib.nullcontext(memory), folder, reasoner=False)
    for name in ("older-a", "older-b"):
        body = submitted_finding(f"sub-{name}", "Said before.").encode()
        writer.submit(name, body, "text/turtle", "Tester")
    for name in ("older-a", "older-b"):
        _old_shape(folder / f"{name}.trig")
    older = read_submission(folder / "older-a.trig")
    assert older.old_shape and {str(s) for s in older.agents.subjects()} == {str(AGENT["tester"])}
    assert not any(str(s).startswith(str(AGENT)) for s in older.provenance.subjects())
    old_version = DatasetFiles.discover(submissions_dir=folder).version(False)

    def loaded(name: str):
        store = get_store(f"oxigraph:{tmp_path / name}")
        load(store, DatasetFiles.discover(submissions_dir=folder), reasoner=False)
        return store

    before = loaded("before")
    agent_graphs = {q.graph_name.value for q in before._store.quads_for_pattern(  # noqa: SLF001
        ox.NamedNode(str(AGENT["tester"])), None, None)}
    assert agent_graphs == {str(provenance_graph("older-a")), str(provenance_graph("older-b"))}
    assert str(GRAPH_AGENTS) not in dataset_graphs(before)
    assert union_view.find(before.path, before.dataset_version()) is None
    assert migrate(folder) == ["older-a", "older-b"]
    assert migrate(folder) == []  # done once
    assert not read_submission(folder / "older-a.trig").old_shape
    after = loaded("after")
    assert after.dataset_version() != old_version  # the files changed: a start reloads
    assert {q.graph_name.value for q in after._store.quads_for_pattern(  # noqa: SLF001
        ox.NamedNode(str(AGENT["tester"])), None, None)} == {str(GRAPH_AGENTS)}
    assert union_view.find(after.path, after.dataset_version()) is not None
    for name in ("older-a", "older-b"):  # nothing else moved: the agent's type and label left the graph
        graph = str(provenance_graph(name))
        assert after.triple_count(graph) == len(read_submission(folder / f"{name}.trig").provenance)
        assert before.triple_count(graph) == after.triple_count(graph) + 2
    before.close()
    after.close()
