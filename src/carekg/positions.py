"""Where each study or other source with a publication year stands in the studies list: its place among
its year's sources in the list's order (by citation ignoring case, then IRI), counted from 0, as
ckg:listPosition. A load numbers the rows of ``rule_source_positions.rq``; a write numbers again the
years of the sources it touches (``rule_affected_source_years.rq``, asked before and after it), whose
other sources' places can shift.

An unfiltered page of the list (the home page's newest 200, GET /studies) then reads its sources by
place, a look-up each, where the engine sorted a whole year's sources by citation (15,000 at 10M
triples: 0.6-1.3 s of CPU). tests/test_positions.py proves the places a write leaves equal a full load's.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator

from rdflib import Graph, Literal, URIRef

from carekg.ids import GRAPH_INFERRED
from carekg.namespaces import CKG
from carekg.queries import load_query
from carekg.statistics import source_classes
from carekg.store.base import GraphStore
from carekg.store.binding import iri_values

RULE_QUERY = "rule_source_positions"
AFFECTED_QUERY = "rule_affected_source_years"


def position_triples(store: GraphStore, years: Collection[int] | None = None) -> Iterator[tuple]:
    """ckg:listPosition of every dated source, or with ``years`` of those years' sources."""
    if years is not None and not years:
        return
    bindings: dict = {"class": source_classes(store)}
    if years is not None:
        bindings["year"] = tuple(sorted(years))
    places: dict[str, int] = {}  # per year, the next place
    for row in store.select(load_query(RULE_QUERY), bindings):
        place = places.get(row["year"], 0)
        places[row["year"]] = place + 1
        yield URIRef(row["source"]), CKG.listPosition, Literal(place)


def source_years(store: GraphStore, touched: Collection[str]) -> frozenset[int]:
    """The publication years of those of ``touched`` that are sources."""
    if not touched:
        return frozenset()
    rows = store.select(load_query(AFFECTED_QUERY), {"touched": tuple(sorted(touched)),
                                                     "class": source_classes(store)})
    return frozenset(int(row["year"]) for row in rows)


def recompute(store: GraphStore, years: frozenset[int], touched: Collection[str]) -> tuple[list[str], Graph]:
    """The update operation removing the places of ``years``' sources and of the ``touched`` nodes (a
    source that left the list or its year has no year there now), and the places of ``years`` now."""
    if not years:
        return [], Graph()
    placed = f"GRAPH <{GRAPH_INFERRED}> {{ ?source <{CKG.listPosition}> ?place }}"
    years_ = " ".join(map(str, sorted(years)))
    # An update's WHERE reads the default graph, not the union: the years are in the dataset's graphs.
    in_years = f"{{ VALUES ?year {{ {years_} }} GRAPH ?graph {{ ?source <{CKG.publicationYear}> ?year }} }}"
    chosen = f"{in_years} UNION {{ VALUES ?source {{ {iri_values(touched)} }} }}" if touched else in_years
    forget = [f"DELETE {{ {placed} }} WHERE {{ {chosen} {placed} }}"]
    results = Graph()
    for triple in position_triples(store, years):
        results.add(triple)
    return forget, results
