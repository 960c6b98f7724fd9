"""What the graph holds, for the home page and /version."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from pydantic import Field

from carekg import __version__, statistics
from carekg.ids import GRAPH_INFERRED
from carekg.namespaces import CKG
from carekg.services.answer_cache import cached
from carekg.services.graphs import graph_group, triples_per_graph
from carekg.services.ontology import ontology_header
from carekg.services.refs import factor_rows
from carekg.services.rows import as_int, select
from carekg.services.sources import count_sources
from carekg.store.base import GraphStore


@dataclass(frozen=True)
class Overview:
    """What the graph holds, for the home page and /version."""

    dataset_version: Annotated[str | None, Field(examples=["5a80447b9159d671"])]
    package_version: Annotated[str, Field(examples=["0.1.0"])]
    ontology_version: Annotated[str | None, Field(examples=["0.1.0"])]
    triples: Annotated[dict[str, int], Field(
        examples=[{"data": 5686, "ontology": 3007, "inferred": 420}],
        description="triples per graph: data, ontology, inferred, and submissions and provenance once "
                    "writes were accepted")]
    innovations: int
    factors: int
    findings: int
    studies: int
    sources: int
    organisations: int
    consensus_results: int


def _triples_by_group(store: GraphStore) -> dict[str, int]:
    counts: dict[str, int] = {}
    for graph, triples in triples_per_graph(store).items():
        counts[graph_group(graph)] = counts.get(graph_group(graph), 0) + triples
    return counts


def _count(store: GraphStore, query: str, **bindings: str) -> int:
    """The ?count of a counting query: the engine counts, nothing is read into Python."""
    return as_int(select(store, query, **bindings)[0].get("count")) or 0


_INNOVATION, _ORGANISATION = str(CKG.Innovation), str(CKG.Organisation)


@cached
def overview(store: GraphStore) -> Overview:
    """Counts of what the graph holds: the innovations, organisations and sources as a load recorded
    them (carekg.statistics; every innovation and organisation has its one label, shapes/data.ttl, so
    the class's resources are those the lists name), the rest counted by the engine from what the rules
    materialised (or, for the factors, a table as small as the taxonomy). On a store with nothing
    recorded, the engine counts them all: the labelled innovations and organisations took 0.1-0.4 s of
    CPU at 10M triples cold, the recorded figures take microseconds."""
    recorded = statistics.recorded_counts(store, (_INNOVATION, _ORGANISATION))
    if recorded is None:
        recorded = {_INNOVATION: _count(store, "api_innovation_count"),
                    _ORGANISATION: _count(store, "api_organisation_count"),
                    "study": count_sources(store, "study"), "source": count_sources(store, "source")}
    return Overview(
        dataset_version=store.dataset_version(), package_version=__version__,
        ontology_version=ontology_header(store).get("version"),
        triples=_triples_by_group(store),
        innovations=recorded[_INNOVATION], factors=len(factor_rows(store)),
        findings=_count(store, "api_finding_count"),
        studies=recorded["study"], sources=recorded["source"],
        organisations=recorded[_ORGANISATION],
        consensus_results=_count(store, "api_consensus_count", inferred=GRAPH_INFERRED),
    )
