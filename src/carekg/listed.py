"""The findings an innovation's profile lists per factor, chosen by a rule at load time
(``rule_innovation_factor_listed.rq``) and kept current by writes, so that an unfiltered profile reads
them from the innovation's tallies in one query instead of a page query per factor (52 for the largest
generated innovation at 1M).

Per (innovation, factor) with findings, ckg:listedFinding on its ckg:InnovationFactorTally
(carekg.ids.innovation_factor_tally) for each of the first LISTED of its findings by IRI. A load chooses
them from its one pass over the findings (carekg.count_pass: the same pattern, tests/test_listed.py
proves it equal to the rule); a write chooses them again for the pairs whose tallies it touches
(carekg.tallies.affected_pairs: a finding's pair is among them before and after the change), by the rule
bound to those pairs, whether the tallies move by the difference or are recomputed; tests/test_listed.py
and tests/test_incremental.py prove the result equal to a full load's.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator, Mapping

from rdflib import Graph, URIRef

from carekg.count_pass import Finding
from carekg.ids import GRAPH_INFERRED, innovation_factor_tally
from carekg.namespaces import CKG
from carekg.queries import load_query
from carekg.store.base import GraphStore
from carekg.store.binding import iri_values
from carekg.tallies import Pair, pair_bindings

RULE_QUERY = "rule_innovation_factor_listed"
#: The most findings listed per pair: the profile's default findings_per_factor.
LISTED = 10


def first_listed(rows: Iterable[tuple[str, str, str]]) -> dict[Pair, list[str]]:
    """(innovation, factor) -> the first LISTED of its findings by IRI, from (innovation, factor,
    finding) rows."""
    findings: dict[Pair, set[str]] = defaultdict(set)
    for innovation, factor, finding in rows:
        findings[innovation, factor].add(finding)
    return {pair: sorted(found)[:LISTED] for pair, found in findings.items()}


def listed_triples(store: GraphStore, pairs: Collection[Pair] | None = None,
                   findings: Mapping[str, Finding] | None = None) -> Iterator[tuple]:
    """The listed findings as statements; with ``pairs``, of those pairs only (the rule bound to their
    innovations and factors, the rows of other combinations dropped). ``findings``: every finding of
    ``store`` as the load's count pass read them (carekg.count_pass.counted_findings), instead of the
    rule."""
    if pairs is not None and not pairs:
        return
    if findings is not None:
        rows: Iterable[tuple[str, str, str]] = (
            (innovation, factor, finding) for finding, found in findings.items()
            for innovation in found.innovations for factor in found.factors)
    else:
        bindings = None if pairs is None else pair_bindings(pairs)
        rows = ((row["innovation"], row["factor"], row["finding"])
                for row in store.select(load_query(RULE_QUERY), bindings))
    for pair, listed in first_listed(rows).items():
        if pairs is None or pair in pairs:
            tally = innovation_factor_tally(*pair)
            for finding in listed:
                yield tally, CKG.listedFinding, URIRef(finding)


def recompute(store: GraphStore, pairs: frozenset[Pair]) -> tuple[list[str], Graph]:
    """The update operation removing the ``pairs``' listed findings, and their listed findings now. Only
    ckg:listedFinding goes: the tallies' counts may be moved by the difference (carekg.innovation_delta)."""
    if not pairs:
        return [], Graph()
    graph = f"GRAPH <{GRAPH_INFERRED}> {{ ?tally <{CKG.listedFinding}> ?finding }}"
    tallies = iri_values(str(innovation_factor_tally(i, f)) for i, f in pairs)
    forget = [f"DELETE {{ {graph} }} WHERE {{ VALUES ?tally {{ {tallies} }} {graph} }}"]
    results = Graph()
    for triple in listed_triples(store, pairs):
        results.add(triple)
    return forget, results
