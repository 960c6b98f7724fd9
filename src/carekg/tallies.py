"""The evidence each innovation has on each implementation factor, counted by a rule at load time
(``rule_innovation_factor_tallies.rq``) and kept current by writes, so that an innovation's profile,
comparison and briefing read counts instead of counting its findings per request.

One ckg:InnovationFactorTally per (innovation, factor) with findings, named by
carekg.ids.innovation_factor_tally: ckg:tallyInnovation, ckg:tallyFactor, the findings in all and per
direction (ckg:findingCount, ckg:enablerFindingCount ...), the distinct sources in all and per direction
(ckg:sourceCount, ckg:enablerSourceCount ...) and the independent studies behind the enabler and barrier
findings (ckg:enablerStudyCount, ckg:barrierStudyCount), counted as the consensus rule counts them. A
count of zero is not stated. And ckg:sharedSource, each of its sources that also reports another factor of
the innovation (``rule_innovation_factor_shared_sources.rq``): with them the distinct sources of a set of
the innovation's factors (a profile's sub-domain or construct) are exact without reading its findings
(:func:`distinct_sources`).

A write recomputes the tallies of the pairs it can change (``rule_affected_tally_pairs.rq``, asked
before and after the change: a finding moved to another factor or innovation changes both pairs): the
rules run unchanged on those pairs' part of the graph (``rule_tally_part.rq``) in a scratch store;
tests/test_incremental.py and tests/test_tallies.py prove the result equal to a full load's.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Iterator, Mapping
from functools import cache

from rdflib import Graph, Literal, URIRef

from carekg.ids import GRAPH_INFERRED, innovation_factor_tally
from carekg.namespaces import CKG
from carekg.queries import load_query
from carekg.store.base import GraphStore, Row, Value
from carekg.store.binding import bind_keys, iri_values
from carekg.store.scratch import scratch_copy

RULE_QUERY = "rule_innovation_factor_tallies"
SHARED_QUERY = "rule_innovation_factor_shared_sources"
RULE_QUERIES = (RULE_QUERY, SHARED_QUERY)
PART_QUERY, STATEMENTS_QUERY = "rule_tally_part", "rule_tally_statements"
AFFECTED_QUERY = "rule_affected_tally_pairs"
#: A column of the rule -> its predicate on the tally.
TALLY_PREDICATES = {
    "findings": CKG.findingCount, "sources": CKG.sourceCount,
    "enablers": CKG.enablerFindingCount, "barriers": CKG.barrierFindingCount, "mixed": CKG.mixedFindingCount,
    "enablerSources": CKG.enablerSourceCount, "barrierSources": CKG.barrierSourceCount,
    "mixedSources": CKG.mixedSourceCount,
    "enablerStudies": CKG.enablerStudyCount, "barrierStudies": CKG.barrierStudyCount,
}

Pair = tuple[str, str]  # (innovation IRI, factor IRI)


@cache
def count_literal(text: str) -> Literal:
    """A rule's count (the engine's integer as text) as an xsd:integer literal, made once per value: a load
    states 360,000 counts at 1M synthetic triples, and rdflib makes a literal slowly (~5 us)."""
    return Literal(int(text))


def pair_bindings(pairs: Collection[Pair]) -> dict[str, Value]:
    """A query's bindings to the innovations and the factors of ``pairs``: every combination of them,
    so the caller drops the rows of pairs not asked for."""
    return {"innovation": tuple(sorted({i for i, _ in pairs})),
            "factor": tuple(sorted({f for _, f in pairs}))}


def forget_nodes(nodes: Iterable[str]) -> list[str]:
    """The update operation removing every statement about ``nodes`` from the inferred graph."""
    graph = f"GRAPH <{GRAPH_INFERRED}> {{ ?tally ?p ?o }}"
    return [f"DELETE {{ {graph} }} WHERE {{ VALUES ?tally {{ {iri_values(nodes)} }} {graph} }}"]


def tally_triples(store: GraphStore, pairs: Collection[Pair] | None = None,
                  shared: Iterable[Row] | None = None, rows: Iterable[Row] | None = None) -> Iterator[tuple]:
    """The tallies as statements; with ``pairs``, of those pairs only (the rule bound to their
    innovations and factors, the rows of other combinations dropped). ``shared``: the rows of
    SHARED_QUERY on ``store`` if already known (a load counts them in one pass, carekg.count_pass), and
    ``rows`` those of RULE_QUERY (carekg.finding_pass)."""
    if pairs is not None and not pairs:
        return
    bindings = None if pairs is None else pair_bindings(pairs)
    for row in store.select(load_query(RULE_QUERY), bindings) if rows is None else rows:
        if pairs is not None and (row["innovation"], row["factor"]) not in pairs:
            continue
        tally = innovation_factor_tally(row["innovation"], row["factor"])
        yield tally, CKG.tallyInnovation, URIRef(row["innovation"])
        yield tally, CKG.tallyFactor, URIRef(row["factor"])
        for column, predicate in TALLY_PREDICATES.items():
            if int(row[column]):
                yield tally, predicate, count_literal(row[column])
    for row in store.select(load_query(SHARED_QUERY), bindings) if shared is None else shared:
        if pairs is None or (row["innovation"], row["factor"]) in pairs:
            tally = innovation_factor_tally(row["innovation"], row["factor"])
            yield tally, CKG.sharedSource, URIRef(row["source"])


def distinct_sources(sources: Mapping[str, int], shared: Mapping[str, Iterable[str]],
                     factors: Iterable[str]) -> int:
    """The distinct sources of an innovation's findings about ``factors``, from each factor's distinct
    ``sources`` and ``shared`` sources (its tally's ckg:sourceCount and ckg:sharedSource): a source
    reporting k of the factors is in k of the counts and in k of the shared lists, so k - 1 too many."""
    factors = set(factors)
    reporting = Counter(source for factor in factors for source in shared.get(factor, ()))
    return sum(sources[factor] for factor in factors) - sum(k - 1 for k in reporting.values())


def affected_pairs(store: GraphStore, touched: frozenset[str]) -> frozenset[Pair]:
    """The (innovation, factor) pairs whose tallies a change to the ``touched`` nodes can change, asked
    of the store at one moment of a write."""
    if not touched:
        return frozenset()
    rows = store.select(load_query(AFFECTED_QUERY), {"touched": tuple(sorted(touched))})
    return frozenset((row["innovation"], row["factor"]) for row in rows)


def recompute(store: GraphStore, pairs: frozenset[Pair]) -> tuple[list[str], Graph]:
    """The update operations removing the ``pairs``' stored tallies, and their tallies now (none for a
    pair left without findings)."""
    if not pairs:
        return [], Graph()
    forget = forget_nodes(str(innovation_factor_tally(i, f)) for i, f in pairs)
    # The rules run unchanged on the pairs' part of the graph, copied into a scratch store: bound on the
    # store itself, the counting fragment's per-source table would read every source of the graph.
    part = store.select(load_query(PART_QUERY), pair_bindings(pairs))
    read = {row[column] for row in part for column in ("finding", "source")}
    scratch = scratch_copy(store, [bind_keys(load_query(STATEMENTS_QUERY), "node", read)] if read else [])
    results = Graph()
    for triple in tally_triples(scratch, pairs):
        results.add(triple)
    return forget, results
