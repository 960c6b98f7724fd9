"""The named graphs that make up the dataset, for the exports, VoID, the service description and the
home page's counts: the asserted data, the ontology, the inferred triples, and every accepted write
(its statements and its provenance, and the agents graph describing who wrote). The meta graph, which
only stamps the version, is left out."""

from __future__ import annotations

from carekg.ids import GRAPH_AGENTS, GRAPH_BASE, GRAPH_DATA, GRAPH_INFERRED, GRAPH_ONTOLOGY
from carekg.services.answer_cache import cached
from carekg.services.rows import select
from carekg.store.base import GraphStore

#: The graphs every loaded dataset has, with what each holds.
CORE_GRAPHS = {
    str(GRAPH_DATA): "asserted data",
    str(GRAPH_ONTOLOGY): "ontology, frameworks and factor taxonomy",
    str(GRAPH_INFERRED): "inferred triples (HermiT classification and the SPARQL rules)",
}


@cached
def dataset_graphs(store: GraphStore) -> dict[str, str]:
    """Every named graph of the dataset, IRI -> title: the core graphs, then each accepted submission's
    statements and provenance, and the agents graph (absent while only files written before it exist)."""
    graphs = dict(CORE_GRAPHS)
    for row in select(store, "api_submission_graphs"):
        submission, provenance = row["submission"], row["provenance"]
        if submission.startswith(GRAPH_BASE) and provenance.startswith(GRAPH_BASE):
            name = submission.rsplit("/", 1)[-1]
            graphs[submission] = f"accepted submission {name}"
            graphs[provenance] = f"provenance of submission {name}"
    if select(store, "api_agents_graph"):
        graphs[str(GRAPH_AGENTS)] = "the agents of the accepted submissions"
    return graphs


def graph_group(graph: str) -> str:
    """What the home page counts a graph under: ``data``, ``ontology``, ``inferred``, ``submissions``
    or ``provenance`` (the submissions' provenance graphs and the agents graph)."""
    kind, _, name = graph.removeprefix(GRAPH_BASE).partition("/")
    return {"submission": "submissions"}.get(kind, kind) if name else {"agents": "provenance"}.get(kind, kind)


@cached
def triples_per_graph(store: GraphStore) -> dict[str, int]:
    """How many triples each graph of the dataset holds, IRI -> count, as recorded with the version at
    load time and after each write (carekg.loader.graph_triples); a graph with no recorded size (a store
    an older carekg loaded) is counted by the engine, which takes seconds at a million triples."""
    recorded = store.recorded_triple_counts()
    return {graph: recorded[graph] if graph in recorded else store.triple_count(graph)
            for graph in dataset_graphs(store)}
