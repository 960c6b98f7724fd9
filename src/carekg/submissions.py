"""An accepted submission's file: one TriG file ``{name}.trig`` holding two named graphs, the
statements (``graph/submission/{name}``) and their provenance (``graph/provenance/{name}``). Only
carekg.writes makes them; the loader reads them back."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import Dataset, Graph, URIRef

from carekg.ids import GRAPH_BASE

SUBMISSION_GRAPH = GRAPH_BASE + "submission/"
PROVENANCE_GRAPH = GRAPH_BASE + "provenance/"


@dataclass(frozen=True)
class Submission:
    data: Graph
    provenance: Graph


def submission_graph(name: str) -> URIRef:
    return URIRef(SUBMISSION_GRAPH + name)


def provenance_graph(name: str) -> URIRef:
    return URIRef(PROVENANCE_GRAPH + name)


def read_submission(path: Path) -> Submission:
    """A submission file written by carekg.writes.EvidenceWriter (trusted: only the writer makes them)."""
    dataset = Dataset()
    dataset.parse(path, format="trig")
    name = path.name.removesuffix(".trig")
    data, provenance = Graph(), Graph()
    for triple in dataset.graph(submission_graph(name)):
        data.add(triple)
    for triple in dataset.graph(provenance_graph(name)):
        provenance.add(triple)
    return Submission(data, provenance)
