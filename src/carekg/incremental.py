"""A write's update of the rules' results, for only what the write touches.

A write changes the statements about a few nodes (the *touched* nodes: the subjects of the statements
the submission removes or adds). Each rule's results are grouped by a *key* and each key's results read
only a small part of the graph, so only the keys a touched node can reach are recomputed:

- the sub-domain summary (``rule_subdomain_summary.rq``) and the evidenced sub-domains
  (``rule_evidenced_subdomains.rq``) per **innovation**: moved by the difference the written findings
  make (carekg.innovation_delta), or, when the write changes a factor or concept other findings reach,
  the rules themselves bound to the affected innovations, on the store;
- the evidence counts (``rule_evidence_counts.rq``, ``rule_concept_evidence_counts.rq``) per
  **resource** counted (innovation, factor, source, framework concept): adjusted by the difference the
  written findings make (carekg.count_delta), not recounted: a framework concept holds a seventh of the
  findings; recounted by the rules only for the concepts a write that moves a factor or concept reaches
  (``rule_affected_count_subjects.rq``);
- the gap map's cells and the factors each innovation has evidence on (``rule_map_cells.rq``,
  ``rule_innovation_factors.rq``) per **innovation**, and the innovation factor tallies
  (``rule_innovation_factor_tallies.rq``) per **(innovation, factor)** pair: moved by the difference
  (carekg.innovation_delta: recomputing them read every finding of the innovation, ~1 s CPU for the
  largest at 1M); when the write changes a source, factor or concept other findings reach, recomputed:
  the map's rules bound to the innovations ``rule_affected_map_innovations.rq`` finds, on the store, and
  the tallies' rule on the pairs a touched finding or source reaches (carekg.tallies);
- the uncounted finding tallies (``rule_innovation_factor_uncounted.rq``) per **(innovation, factor)**
  pair: the rule bound to the pairs a touched finding or source reaches, on the store
  (carekg.uncounted), whether the tallies move by the difference or are recomputed;
- the findings a profile lists (``rule_innovation_factor_listed.rq``) per **(innovation, factor)** pair:
  likewise, the rule bound to those pairs (carekg.listed);
- the sources' places in the studies list (``rule_source_positions.rq``) per **publication year**: the
  rule bound to the years of the touched sources, before and after (carekg.positions);
- consensus with its confidence (carekg.consensus) per **factor**: only a factor with two independent
  study-type sources in one direction can have a result (``rule_consensus_candidates.rq``, asked from
  those sources, so its cost does not grow with the factor's findings); for such a factor, its part of
  the graph (its findings, their sources and the factor, with only the predicates the rule names:
  ``rule_factor_findings.rq`` and ``rule_factor_sources.rq``) is copied into a scratch store and the
  unchanged rule runs there;
- the findings from an independent study (``rule_independent_findings.rq``) per **finding**: the rule
  bound to the touched findings and those reported in a touched source
  (``rule_affected_independent_findings.rq``);
- the defined-class rule (carekg.rules.classified) per **node**: bound to the touched nodes.

The keys a change can affect are asked of the store before and after the change
(``rule_affected_innovations.rq``, ``rule_affected_factors.rq``; the counts' rows, ``count_delta``):
a finding moved from one factor to another affects both. tests/test_incremental.py proves the result
equal to recomputing every rule over the whole dataset, on the curated data and on a generated graph
after several writes and amendments.

A rule added to :func:`carekg.rules.rule_inferred` must be given a :class:`KeyedRule` here to be kept
current by writes; until then that test fails, as the write's results then differ from a load's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import Graph, URIRef

from carekg import consensus, count_delta, innovation_delta, listed, positions, tallies, uncounted
from carekg.ids import GRAPH_INFERRED, innovation_factor_tally, innovation_factor_uncounted
from carekg.namespaces import CKG
from carekg.queries import load_query, mentioned_iris
from carekg.rules import (
    COUNT_PREDICATES,
    evidence_counts,
    evidenced_subdomains,
    independent_findings,
    map_cells,
    subdomain_summary,
)
from carekg.store.base import GraphStore
from carekg.store.binding import bind_in, bind_keys, iri_values
from carekg.store.scratch import scratch_copy

_G = f"<{GRAPH_INFERRED}>"
SUBDOMAINS, MAP_CELLS = "subdomain-summary", "map-cells"
#: The rules a write moves by the difference its findings make (carekg.innovation_delta) when it can.
BY_DIFFERENCE = frozenset({SUBDOMAINS, MAP_CELLS})


def _subdomain_results(store: GraphStore, innovations: frozenset[str]) -> Graph:
    return subdomain_summary(store, innovations) + evidenced_subdomains(store, innovations)


def _consensus_results(store: GraphStore, factors: frozenset[str]) -> Graph:
    """The consensus rule on the part of the graph of those factors that can reach consensus (the
    others have no result: their old ones are forgotten): the rule reads nothing else about them."""
    candidates = consensus_candidates(store, factors)
    if not candidates:
        return Graph()
    read = tuple(sorted(mentioned_iris(consensus.QUERIES)))
    scratch = scratch_copy(store, [bind_keys(bind_keys(load_query(name), "factor", candidates), "p", read)
                                   for name in ("rule_factor_findings", "rule_factor_sources")])
    results = consensus.consensus_inferred(scratch)
    keep = {URIRef(f) for f in candidates}
    # Only the results of the factors asked about (the rule sees no other factor's findings anyway).
    nodes = {s for s, f in results.subject_objects(CKG.consensusFactor) if f in keep}
    nodes |= {c for n in nodes for c in results.objects(n, CKG.hasConfidence)}
    nodes |= {p for n in nodes for p in results.objects(n, CKG.hasComponentJudgement)}
    kept = Graph()
    for triple in results:
        if triple[0] in nodes:
            kept.add(triple)
    return kept


def consensus_candidates(store: GraphStore, factors: frozenset[str]) -> frozenset[str]:
    """The factors with two sources in one direction that the rule could count as independent studies
    (``rule_consensus_candidates.rq``): an upper bound on its studies, asked from the few independent
    sources, so a write about a factor no two such sources speak of reads none of its findings."""
    rows = store.select(bind_in(load_query("rule_consensus_candidates"), "factor", factors))
    return frozenset(row["factor"] for row in rows)


def _forget_subdomains(keys: str) -> list[str]:
    return _forget_predicates(keys, (CKG.hasBarrierIn, CKG.hasEnablerIn, CKG.hasEvidenceIn))


def _forget_predicates(subjects: str, predicates: Iterable[str]) -> list[str]:
    """Deleting the ``subjects``' statements with one of the ``predicates`` from the inferred graph. The
    predicates in a filter, not a second VALUES block: Oxigraph joins two VALUES blocks before the graph
    pattern and then reads every inferred statement (0.3 s at 1M for a write's counts, 1 ms so)."""
    listed = ", ".join(f"<{p}>" for p in predicates)
    return [f"DELETE {{ GRAPH {_G} {{ ?subject ?p ?o }} }} WHERE {{ VALUES ?subject {{ {subjects} }} "
            f"GRAPH {_G} {{ ?subject ?p ?o }} FILTER(?p IN ({listed})) }}"]


def _forget_map_cells(keys: str) -> list[str]:
    """An innovation's gap map cells (every statement about each) and its ckg:hasEvidenceOn links."""
    cell = f"VALUES ?innovation {{ {keys} }} ?cell <{CKG.cellInnovation}> ?innovation"
    return [f"DELETE {{ GRAPH {_G} {{ ?cell ?p ?o }} }} WHERE {{ GRAPH {_G} {{ {cell} . ?cell ?p ?o }} }}",
            f"DELETE {{ GRAPH {_G} {{ ?innovation <{CKG.hasEvidenceOn}> ?factor }} }} WHERE {{ VALUES "
            f"?innovation {{ {keys} }} GRAPH {_G} {{ ?innovation <{CKG.hasEvidenceOn}> ?factor }} }}"]


def _forget_consensus(keys: str) -> list[str]:
    """A factor's results, their confidence assessments and component judgements (the links last)."""
    result = f"VALUES ?factor {{ {keys} }} ?result <{CKG.consensusFactor}> ?factor"
    confidence = f"{result} . ?result <{CKG.hasConfidence}> ?assessment"
    part = f"{confidence} . ?assessment <{CKG.hasComponentJudgement}> ?part"
    return [f"DELETE {{ GRAPH {_G} {{ ?{node} ?p ?o }} }} "
            f"WHERE {{ GRAPH {_G} {{ {where} . ?{node} ?p ?o }} }}"
            for node, where in (("part", part), ("assessment", confidence), ("result", result))]


def _consensus_nodes(store: GraphStore, factors: frozenset[str]) -> frozenset[str]:
    rows = store.select(load_query("rule_consensus_nodes"), {"factor": tuple(sorted(factors))})
    return frozenset(row["node"] for row in rows)


def _map_cell_nodes(store: GraphStore, innovations: frozenset[str]) -> frozenset[str]:
    """The innovations (ckg:hasEvidenceOn) and their gap map cells: what _forget_map_cells deletes."""
    rows = store.select(load_query("rule_map_cell_nodes"), {"innovation": tuple(sorted(innovations))})
    return innovations | {row["cell"] for row in rows}


#: The rule of the findings from an independent study: its keys are findings.
INDEPENDENT = "independent-findings"


def _forget_independent(keys: str) -> list[str]:
    return _forget_predicates(keys, (CKG.fromIndependentStudy,))


def _forget_counts(keys: str) -> list[str]:
    return _forget_predicates(keys, COUNT_PREDICATES.values())


@dataclass(frozen=True)
class KeyedRule:
    """A rule whose results are grouped by ``key`` (innovation, factor ...)."""

    name: str
    #: the keys a change to the ``?touched`` nodes can affect
    affected: str
    #: the rule's results for some keys
    results: Callable[[GraphStore, frozenset[str]], Graph]
    #: SPARQL Update operations deleting the keys' results from the inferred graph (keys as IRIs)
    forget: Callable[[str], list[str]]
    #: the subjects of the statements ``forget`` deletes for some keys (None: the keys themselves)
    subjects: Callable[[GraphStore, frozenset[str]], frozenset[str]] | None = None


RULES = (
    KeyedRule(SUBDOMAINS, "rule_affected_innovations", _subdomain_results, _forget_subdomains),
    KeyedRule("consensus", "rule_affected_factors", _consensus_results, _forget_consensus, _consensus_nodes),
    KeyedRule(MAP_CELLS, "rule_affected_map_innovations", map_cells, _forget_map_cells,
              _map_cell_nodes),
    KeyedRule(INDEPENDENT, "rule_affected_independent_findings", independent_findings,
              _forget_independent),
)


@dataclass(frozen=True)
class Affected:
    """At one moment of a write: per rule, the keys the change can affect; the rows the touched
    findings are counted in; per touched factor or concept, the concepts its placement reaches; and the
    (innovation, factor) pairs whose tallies the change can affect."""

    keys: dict[str, frozenset[str]]
    touched: frozenset[str]
    counts: count_delta.Snapshot
    reach: dict[str, frozenset[str]]
    tally_pairs: frozenset[tallies.Pair] = frozenset()
    #: what the touched nodes contribute as findings to the tallies and the gap map's cells
    contributions: innovation_delta.Rows | None = None
    #: the publication years of the touched sources, whose places in the studies list are numbered again
    source_years: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Change:
    before: Affected
    after: Affected


def touched_nodes(triples: Iterable[ox.Triple]) -> frozenset[str]:
    """The nodes whose statements change: the named subjects, and for a blank subject (a rule cannot
    reach it by name) the named nodes it points to."""
    nodes: set[str] = set()
    for triple in triples:
        if isinstance(triple.subject, ox.NamedNode):
            nodes.add(triple.subject.value)
        elif isinstance(triple.object, ox.NamedNode):
            nodes.add(triple.object.value)
    return frozenset(nodes)


def affected(store: GraphStore, touched: frozenset[str]) -> Affected:
    """What the write needs to know of the store before (and after) the ``touched`` nodes' statements
    change: per rule, the keys whose results can change, and the counts' part."""
    keys = {rule.name: frozenset[str]() for rule in RULES}
    reach: dict[str, set[str]] = {}
    if touched:
        for rule in RULES:
            rows = store.select(load_query(rule.affected), {"touched": tuple(sorted(touched))})
            keys[rule.name] = frozenset(next(iter(row.values())) for row in rows if row)
    counts = count_delta.snapshot(store, touched)
    placed = tuple(sorted({node for node, _, _ in counts.placement}))
    if placed:
        for row in store.select(load_query("rule_affected_count_subjects"), {"touched": placed}):
            reach.setdefault(row["touched"], set()).add(row["subject"])
    return Affected(keys, touched, counts, {node: frozenset(found) for node, found in reach.items()},
                    tallies.affected_pairs(store, touched), innovation_delta.snapshot(store, touched),
                    positions.source_years(store, touched))


def merge(before: Affected, after: Affected) -> Change:
    return Change(before, after)


def recompute(store: GraphStore, change: Change) -> tuple[list[str], Graph]:
    """The update operations removing the affected keys' old results, and their new results."""
    before, after = change.before, change.after
    forget: list[str] = []
    results = Graph()
    delta = None
    if before.contributions is not None and after.contributions is not None:
        delta = innovation_delta.adjusted(store, before.contributions, after.contributions,
                                          before.touched | after.touched)
    for rule in RULES:
        if rule.name in BY_DIFFERENCE and delta is not None:
            continue  # moved by the difference, with the tallies
        chosen = before.keys.get(rule.name, frozenset()) | after.keys.get(rule.name, frozenset())
        if chosen:
            forget += rule.forget(iri_values(chosen))
            results += rule.results(store, chosen)
    moved = count_delta.moved_nodes(before.counts, after.counts)
    recount = frozenset(subject for node in moved
                        for subject in before.reach.get(node, set()) | after.reach.get(node, set()))
    changed, adjusted, awkward = count_delta.adjusted(
        store, before.counts, after.counts, before.touched | after.touched, recount)
    recount |= awkward
    if recount or changed:
        forget += _forget_counts(iri_values(recount | changed))
        results += adjusted + evidence_counts(store, recount)
    # The uncounted finding tallies are recomputed for their few pairs (their rule bound to them) whether
    # the tallies move by the difference or are recomputed.
    pairs = before.tally_pairs | after.tally_pairs
    uncounted_forget, uncounted_results = uncounted.recompute(store, pairs)
    listed_forget, listed_results = listed.recompute(store, pairs)
    placed_forget, placed_results = positions.recompute(store, before.source_years | after.source_years,
                                                        before.touched | after.touched)
    forget = forget + uncounted_forget + listed_forget + placed_forget
    results = results + uncounted_results + listed_results + placed_results
    if delta is not None:
        return forget + delta.forget, results + delta.results
    tally_forget, tally_results = tallies.recompute(store, pairs)
    return forget + tally_forget, results + tally_results


def rewritten_subjects(store: GraphStore, change: Change, results: Graph) -> frozenset[str] | None:
    """Every subject whose statements in the inferred graph the write's second transaction can delete
    or add (asked before it): the touched nodes, each rule's keys' subjects, every resource whose counts
    the write adjusts or recounts, and the results' subjects. None when a result has a blank subject."""
    before, after = change.before, change.after
    subjects = set(before.touched | after.touched)
    for rule in RULES:
        keys = before.keys.get(rule.name, frozenset()) | after.keys.get(rule.name, frozenset())
        subjects |= rule.subjects(store, keys) if rule.subjects and keys else keys
    for side in (before, after):
        subjects |= {subject for _, subject in side.counts.tallies}
        subjects.update(*side.reach.values())
        subjects |= {str(innovation_factor_tally(*pair)) for pair in side.tally_pairs}
        subjects |= {str(innovation_factor_uncounted(*pair)) for pair in side.tally_pairs}
    for subject in results.subjects():
        if not isinstance(subject, URIRef):
            return None
        subjects.add(str(subject))
    return frozenset(subjects)


def inferred_statements_about(store: GraphStore, subjects: frozenset[str]) -> int:
    """How many statements of the inferred graph have one of ``subjects`` as subject."""
    if not subjects:
        return 0
    rows = store.select(load_query("rule_inferred_statements_about"), {"subject": tuple(sorted(subjects))})
    return int(rows[0]["statements"])
