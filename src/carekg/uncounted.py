"""Why the consensus rule does not count some of each innovation's findings on each factor, counted by a
rule at load time (``rule_innovation_factor_uncounted.rq``) and kept current by writes, so that an
innovation's briefing reads counts instead of classifying its shown factors' findings per request (2,400
findings for the largest generated innovation at 1M).

One ckg:UncountedFindingTally per (innovation, factor) with such findings, named by
carekg.ids.innovation_factor_uncounted: ckg:uncountedInnovation, ckg:uncountedFactor and, per
direction (enabler, barrier) and reason (carekg.consensus.REASONS), how many findings
(``ckg:barrierGreyLiteratureCount`` ...). A count of zero is not stated.

A write recomputes the pairs whose innovation factor tallies it recomputes (carekg.tallies.affected_pairs:
the findings and sources a reason depends on are those a tally depends on), by the rule bound to those
pairs' innovations and factors on the store; tests/test_incremental.py proves the result equal to a full
load's.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator

from rdflib import Graph, URIRef

from carekg.consensus import REASONS
from carekg.ids import DIRECTION_CODES, innovation_factor_uncounted
from carekg.namespaces import CKG
from carekg.queries import load_query
from carekg.store.base import GraphStore, Row
from carekg.tallies import Pair, count_literal, forget_nodes, pair_bindings

RULE_QUERY = "rule_innovation_factor_uncounted"
#: The directions the consensus rule counts (a mixed finding is never counted, so never uncounted).
DIRECTIONS = {direction: code for direction, code in DIRECTION_CODES.items() if direction != str(CKG.Mixed)}
#: A reason code -> how its counts' names end (``developer-authored`` -> ``DeveloperAuthored``).
REASON_NAMES = {code: "".join(word.capitalize() for word in code.split("-")) for code in REASONS}
#: (direction, reason code) -> the column of briefing_uncounted.rq and the predicate on the tally.
COLUMNS = {(direction, code): f"{direction}{name}" for direction in DIRECTIONS.values()
           for code, name in REASON_NAMES.items()}
PREDICATES = {key: CKG[f"{column}Count"] for key, column in COLUMNS.items()}


def uncounted_triples(store: GraphStore, pairs: Collection[Pair] | None = None,
                      rows: Iterable[Row] | None = None) -> Iterator[tuple]:
    """The uncounted finding tallies as statements; with ``pairs``, of those pairs only (the rule bound to
    their innovations and factors, the rows of other combinations dropped). ``rows``: the rule's rows on
    ``store`` if already known (a load counts them in one pass, carekg.finding_pass)."""
    if pairs is not None and not pairs:
        return
    bindings = None if pairs is None else pair_bindings(pairs)
    named: set[Pair] = set()
    for row in store.select(load_query(RULE_QUERY), bindings) if rows is None else rows:
        pair = (row["innovation"], row["factor"])
        if pairs is not None and pair not in pairs:
            continue
        tally = innovation_factor_uncounted(*pair)
        if pair not in named:
            named.add(pair)
            yield tally, CKG.uncountedInnovation, URIRef(pair[0])
            yield tally, CKG.uncountedFactor, URIRef(pair[1])
        yield tally, PREDICATES[(DIRECTIONS[row["direction"]], row["reason"])], count_literal(row["findings"])


def recompute(store: GraphStore, pairs: frozenset[Pair]) -> tuple[list[str], Graph]:
    """The update operations removing the ``pairs``' stored uncounted tallies, and those tallies now."""
    if not pairs:
        return [], Graph()
    forget = forget_nodes(str(innovation_factor_uncounted(i, f)) for i, f in pairs)
    results = Graph()
    for triple in uncounted_triples(store, pairs):
        results.add(triple)
    return forget, results
