"""A write's change to the rules kept per innovation, in proportion to the write (carekg.incremental).

The tallies (carekg.tallies: per innovation and factor), the gap map's cells (``rule_map_cells.rq``: per
innovation and column) with ckg:hasEvidenceOn, and the sub-domain summary (``rule_subdomain_summary.rq``,
``rule_evidenced_subdomains.rq``) read an innovation's findings, so recomputing the keys a write touches
reads every finding of its innovation (12,000 for the largest generated one at 1M: 0.6 s CPU for the
cells, 0.6 s for the sub-domains). A write moves them by the difference its findings make instead, as
carekg.count_delta moves the evidence counts:

- what each written finding contributes (its key, direction, source, and the independent study it counts
  as by the consensus rule's fragment) is read before and after the change, the rules' patterns row by
  row (``innovation_delta_tally_rows.rq``, ``innovation_delta_cell_rows.rq``) on a scratch store holding
  only the written findings, their sources, factors and the concepts above those;
- a count of findings moves by the difference; a distinct count (sources, studies) only by a value one
  side names and the other does not, and only where no other finding of the key names it. The only
  findings that can are the *neighbours*: those about the same innovations reported in the written
  findings' sources, in their studies or in a source summarising one (``innovation_delta_neighbours.rq``),
  whose rows are read on the scratch store too; so are a tally's shared sources (ckg:sharedSource);
- a statement that only says some finding exists (ckg:hasEvidenceOn, ckg:hasEvidenceIn, ckg:hasEnablerIn,
  ckg:hasBarrierIn) is added with a written finding that implies it, and removed with the last one
  only if no other finding implies it (``innovation_delta_pair_others.rq``,
  ``innovation_delta_subdomain_others.rq``, ``innovation_delta_subdomain_direction_others.rq``; the
  sub-domain ones read from the innovation's stored ckg:hasEvidenceOn, not the sub-domain's findings).

This is exact when the write changes what only its own findings contribute: when no node it did not
touch links to a node it touched the way the rules follow a finding (``innovation_delta_reached.rq``: a
source, factor or concept the write changes, which other findings reach). Otherwise :func:`adjusted`
returns None and the caller recomputes the keys with the rules. tests/test_incremental.py and
tests/test_innovation_delta.py prove the result equal to a full load's.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from rdflib import RDF, Graph, Literal, URIRef

from carekg.ids import DIRECTION_CODES, GRAPH_INFERRED, gap_map_cell, innovation_factor_tally
from carekg.namespaces import CKG
from carekg.queries import load_query
from carekg.rules import CELL_PREDICATES, FINDING_COLUMNS
from carekg.store.base import GraphStore, Row
from carekg.store.binding import bind_in, bind_keys, iri_values
from carekg.store.scratch import scratch_copy
from carekg.tallies import TALLY_PREDICATES

PART, STATEMENTS = "innovation_delta_part", "rule_tally_statements"
#: A direction -> the sub-domain summary's link (rule_subdomain_summary.rq keeps enablers and barriers).
_SUMMARY = {str(CKG.Enabler): str(CKG.hasEnablerIn), str(CKG.Barrier): str(CKG.hasBarrierIn)}

Key = tuple[str, str]  # (innovation, factor) for a tally, (innovation, column) for a cell
#: per key, per column of the rule (TALLY_PREDICATES', CELL_PREDICATES'), the findings or values counted
Values = dict[Key, dict[str, set[str]]]


@dataclass(frozen=True)
class Rows:
    """What some findings contribute: per tally and per cell the values of each count, the factors each
    (innovation, source) is reported on (the shared sources), the (innovation, factor) pairs
    (ckg:hasEvidenceOn) and the sub-domain statements (innovation, ckg:hasEvidenceIn, ckg:hasEnablerIn or
    ckg:hasBarrierIn, sub-domain)."""

    tallies: Values
    cells: Values
    reported: dict[Key, set[str]]  # (innovation, source) -> factors
    pairs: set[Key]
    subdomains: set[tuple[str, str, str]]
    findings: frozenset[str]

    def sources_and_units(self) -> tuple[set[str], set[str], set[str]]:
        """The innovations, and the sources and studies named, by any count."""
        innovations = {i for i, _ in self.tallies} | {i for i, _ in self.cells} | {i for i, _ in self.pairs}
        sources, units = set(), set()
        for values in (*self.tallies.values(), *self.cells.values()):
            sources |= values.get("sources", set())
            units |= values.get("enablerStudies", set()) | values.get("barrierStudies", set())
            units |= values.get("independent", set())
        return innovations, sources, units


def _values() -> Values:
    return defaultdict(lambda: defaultdict(set))


def _rows(scratch: GraphStore, only: frozenset[str] | None = None) -> Rows:
    """The contributions of the findings in ``scratch`` (of ``only`` those, if given)."""
    tallies, cells, reported, pairs = _values(), _values(), defaultdict(set), set()
    findings: set[str] = set()
    for row in scratch.select(load_query("innovation_delta_tally_rows")):
        finding = row["finding"]
        if only is not None and finding not in only:
            continue
        findings.add(finding)
        counts, way = tallies[(row["innovation"], row["factor"])], DIRECTION_CODES.get(row["direction"])
        counts["findings"].add(finding)
        counts["sources"].add(row["source"])
        if way:
            counts[FINDING_COLUMNS[way]].add(finding)
            counts[f"{way}Sources"].add(row["source"])
        counted = DIRECTION_CODES.get(row.get("evidenceDirection", ""))
        if counted and row.get("unit"):
            counts[f"{counted}Studies"].add(row["unit"])
        reported[(row["innovation"], row["source"])].add(row["factor"])
    for row in scratch.select(load_query("innovation_delta_cell_rows")):
        finding = row["finding"]
        if only is not None and finding not in only:
            continue
        findings.add(finding)
        if "column" not in row:
            pairs.add((row["innovation"], row["factor"]))
            continue
        counts, way = cells[(row["innovation"], row["column"])], DIRECTION_CODES.get(row["direction"])
        counts["findings"].add(finding)
        counts["sources"].add(row["source"])
        if way:
            counts[FINDING_COLUMNS[way]].add(finding)
        if row.get("unit"):
            counts["independent"].add(row["unit"])
    subdomains = set()
    for row in scratch.select(load_query("innovation_delta_subdomain_rows")):
        if only is not None and row["finding"] not in only:
            continue
        findings.add(row["finding"])
        subdomains.add((row["innovation"], str(CKG.hasEvidenceIn), row["subdomain"]))
        if row.get("direction") in _SUMMARY:
            subdomains.add((row["innovation"], _SUMMARY[row["direction"]], row["subdomain"]))
    return Rows(tallies, cells, reported, pairs, subdomains, frozenset(findings))


def _copy(store: GraphStore, findings: Iterable[str]) -> GraphStore:
    """A scratch store with the ``findings``' statements and those of the nodes the rules read about them."""
    findings = tuple(sorted(findings))
    if not findings:
        return scratch_copy(store, ())
    nodes = set(findings) | {row["node"] for row in store.select(load_query(PART), {"finding": findings})}
    return scratch_copy(store, [bind_keys(load_query(STATEMENTS), "node", nodes)])


def snapshot(store: GraphStore, touched: frozenset[str]) -> Rows:
    """What the ``touched`` nodes contribute as findings, at one moment of a write."""
    return _rows(_copy(store, touched), touched)


def reached(store: GraphStore, touched: frozenset[str]) -> bool:
    """Whether a node the write did not touch links to one it touched the way the rules follow a finding
    (then the write changes what other findings contribute): asked for one node more than it touched."""
    if not touched:
        return False
    query = f"{load_query('innovation_delta_reached')}\nLIMIT {len(touched) + 1}"
    return any(row["node"] not in touched for row in store.select(query, {"touched": tuple(sorted(touched))}))


def neighbours(store: GraphStore, before: Rows, after: Rows, touched: frozenset[str]) -> Rows:
    """The contributions of the findings the write did not touch that can name a value the written
    findings name under the same innovation (asked after the change)."""
    innovations, sources, units = before.sources_and_units()
    more = after.sources_and_units()
    innovations, sources, units = innovations | more[0], sources | more[1], units | more[2]
    if units:
        sources |= units | {row["source"] for row in store.select(
            load_query("innovation_delta_summarising"), {"study": tuple(sorted(units))})}
    if not innovations or not sources:
        return _rows(_copy(store, ()))
    # The innovations in a filter: bound in a VALUES block too, Oxigraph read every finding of the largest.
    query = bind_in(load_query("innovation_delta_neighbours"), "innovation", innovations)
    found = {row["finding"] for row in store.select(query, {"source": tuple(sorted(sources))})} - touched
    return _rows(_copy(store, found))


@dataclass(frozen=True)
class Delta:
    """The update operations removing the stored statements that change, and the new ones."""

    forget: list[str]
    results: Graph


def _moved(before: Values, after: Values, others: Values) -> dict[Key, dict[str, int]]:
    """Per key, how much each count moves: by the values one side names and no other finding does."""
    moves: dict[Key, dict[str, int]] = {}
    for key in set(before) | set(after):
        was, now, other = before.get(key, {}), after.get(key, {}), others.get(key, {})
        move = {column: len(now.get(column, set()) - other.get(column, set()))
                - len(was.get(column, set()) - other.get(column, set()))
                for column in set(was) | set(now)}
        if any(move.values()):
            moves[key] = move
    return moves


def _stored(store: GraphStore, subjects: Iterable[URIRef]) -> dict[str, dict[str, int]]:
    stored: dict[str, dict[str, int]] = defaultdict(dict)
    rows: list[Row] = store.select(load_query("innovation_delta_stored"),
                                   {"subject": tuple(sorted(map(str, subjects)))}) if subjects else []
    for row in rows:
        if row["o"].lstrip("-").isdigit():
            stored[row["subject"]][row["p"]] = int(row["o"])
    return stored


def _named_by_others(store: GraphStore, name: str, bindings: dict[str, str], touched: frozenset[str]) -> bool:
    """Whether a finding the write did not touch matches the query ``name``: at most ``len(touched)`` of
    the findings asked for are the write's, so one more answers it."""
    rows = store.select(f"{load_query(name)}\nLIMIT {len(touched) + 1}", bindings)
    return any(row["other"] not in touched for row in rows)


def _statement(triple) -> str:
    return " ".join(term.n3() for term in triple) + " ."


def adjusted(store: GraphStore, before: Rows, after: Rows, touched: frozenset[str]) -> Delta | None:
    """The tallies', cells' and ckg:hasEvidenceOn's change the write makes, asked after the change; None
    when a difference cannot be exact (:func:`reached`)."""
    if reached(store, touched):
        return None
    others = neighbours(store, before, after, touched)
    old: list[tuple] = []
    new = Graph()
    removed: set[URIRef] = set()
    tally_moves = _moved(before.tallies, after.tallies, others.tallies)
    cell_moves = _moved(before.cells, after.cells, others.cells)
    tallies = {key: innovation_factor_tally(*key) for key in tally_moves}
    cells = {key: gap_map_cell(*key) for key in cell_moves}
    stored = _stored(store, [*tallies.values(), *cells.values()])
    for moves, nodes, predicates, zeros in ((tally_moves, tallies, TALLY_PREDICATES, False),
                                            (cell_moves, cells, CELL_PREDICATES, True)):
        for key, move in moves.items():
            node = nodes[key]
            counts = stored.get(str(node), {})
            previous = {column: counts.get(str(p), 0) for column, p in predicates.items()}
            now = {column: previous[column] + move.get(column, 0) for column in predicates}
            if now["findings"] <= 0:
                removed.add(node)
                continue
            first = not counts
            for column, predicate in predicates.items():
                if now[column] == previous[column] and not first:
                    continue
                if previous[column] or (zeros and not first):
                    old.append((node, predicate, Literal(previous[column])))
                if now[column] or zeros:
                    new.add((node, predicate, Literal(now[column])))
            if first and nodes is tallies:
                new.add((node, CKG.tallyInnovation, URIRef(key[0])))
                new.add((node, CKG.tallyFactor, URIRef(key[1])))
            elif first:
                new.add((node, RDF.type, CKG.GapMapCell))
                new.add((node, CKG.cellInnovation, URIRef(key[0])))
                new.add((node, CKG.cellColumn, URIRef(key[1])))
    for (innovation, source) in set(before.reported) | set(after.reported):
        other = others.reported.get((innovation, source), set())
        factors_before = before.reported.get((innovation, source), set()) | other
        factors_now = after.reported.get((innovation, source), set()) | other
        shared_before = factors_before if len(factors_before) > 1 else set()
        shared_now = factors_now if len(factors_now) > 1 else set()
        for factor in shared_before - shared_now:
            old.append((innovation_factor_tally(innovation, factor), CKG.sharedSource, URIRef(source)))
        for factor in shared_now - shared_before:
            new.add((innovation_factor_tally(innovation, factor), CKG.sharedSource, URIRef(source)))
    for innovation, factor in after.pairs - before.pairs:
        new.add((URIRef(innovation), CKG.hasEvidenceOn, URIRef(factor)))
    for innovation, factor in before.pairs - after.pairs:
        if not _named_by_others(store, "innovation_delta_pair_others",
                                {"innovation": innovation, "factor": factor}, touched):
            old.append((URIRef(innovation), CKG.hasEvidenceOn, URIRef(factor)))
    for innovation, link, subdomain in after.subdomains - before.subdomains:
        new.add((URIRef(innovation), URIRef(link), URIRef(subdomain)))
    for innovation, link, subdomain in before.subdomains - after.subdomains:
        bindings = {"innovation": innovation, "subdomain": subdomain}
        if link == str(CKG.hasEvidenceIn):
            kept = _named_by_others(store, "innovation_delta_subdomain_others", bindings, touched)
        else:
            direction = next(d for d, summary in _SUMMARY.items() if summary == link)
            kept = _named_by_others(store, "innovation_delta_subdomain_direction_others",
                                    {**bindings, "direction": direction}, touched)
        if not kept:
            old.append((URIRef(innovation), URIRef(link), URIRef(subdomain)))
    graph = f"<{GRAPH_INFERRED}>"
    forget = []
    if old:
        forget.append(f"DELETE DATA {{ GRAPH {graph} {{\n" + "\n".join(map(_statement, old)) + "\n} }")
    if removed:
        forget.append(f"DELETE {{ GRAPH {graph} {{ ?node ?p ?o }} }} WHERE {{ VALUES ?node "
                      f"{{ {iri_values(map(str, removed))} }} GRAPH {graph} {{ ?node ?p ?o }} }}")
    return Delta(forget, new)
