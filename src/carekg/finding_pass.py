"""The rest of what a load counts per innovation, in the same one pass over the findings as the evidence
counts (carekg.count_pass).

A load materialises, per innovation: the gap map's cells (``rule_map_cells.rq``), the factors it has
evidence on (``rule_innovation_factors.rq``), its NASSS sub-domains with an enabler or a barrier and with
any evidence (``rule_subdomain_summary.rq``, ``rule_evidenced_subdomains.rq``), and per factor the tallies
(``rule_innovation_factor_tallies.rq``) and the uncounted findings (``rule_innovation_factor_uncounted.rq``).
Asked as written, each rule reads the findings again and most judge every finding's source through the
consensus rule's fragments (at 1M synthetic triples 8 s of CPU on the thread the load waits for, 95 s at
10M: docs/bench.md). Here the findings are read once (``rule_finding_links.rq``), each source judged once
(``rule_source_judgements.rq``: its study unit, independence and reason not to be counted, by the rules'
own fragments), the factors placed once (``rule_map_columns.rq``, ``rule_subdomain_placements.rq``, the
rules' fragments too), and everything counted in Python. The rules stay the definition: a write computes
them bound to what it touches (carekg.incremental), and tests/test_finding_pass.py proves this pass equal
to each of them on the curated data, a generated graph and findings with several values of each link.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from carekg.count_pass import Finding
from carekg.namespaces import CKG
from carekg.queries import load_query
from carekg.store.base import GraphStore, Row

SOURCES_QUERY, COLUMNS_QUERY, SUBDOMAINS_QUERY = (
    "rule_source_judgements", "rule_map_columns", "rule_subdomain_placements")
QUERIES = (SOURCES_QUERY, COLUMNS_QUERY, SUBDOMAINS_QUERY)
#: The directions the consensus rule counts, by rule_finding_links.rq's code -> the IRI the rules give.
EVIDENCE = {"enabler": str(CKG.Enabler), "barrier": str(CKG.Barrier)}
DIRECTIONS = ("enabler", "barrier", "mixed")
#: A direction's code -> the tally rule's columns of its findings and its sources (and studies).
TALLY_COLUMNS = {"enabler": ("enablers", "enablerSources", "enablerStudies"),
                 "barrier": ("barriers", "barrierSources", "barrierStudies"),
                 "mixed": ("mixed", "mixedSources", None)}


@dataclass(slots=True)
class Source:
    """What the rules judge of one source (rule_source_judgements.rq)."""

    unit: str = ""
    independent: bool = False
    reasons: set[str] = field(default_factory=set)  # why its own statements are not counted


@dataclass(slots=True)
class _Tally:
    """The counts of one (innovation, factor)'s findings as they grow (a finding is added once): the
    tally rule's, and the uncounted rule's per (direction code, reason)."""

    findings: int = 0
    sources: set[str] = field(default_factory=set)
    directions: dict[str, int] = field(default_factory=lambda: dict.fromkeys(DIRECTIONS, 0))
    direction_sources: dict[str, set[str]] = field(default_factory=lambda: {d: set() for d in DIRECTIONS})
    units: dict[str, set[str]] = field(default_factory=lambda: {d: set() for d in EVIDENCE})
    uncounted: dict[tuple[str, str], int] = field(default_factory=lambda: defaultdict(int))

    def add(self, finding: Finding, evidence: list[str], units: set[str], reasons: set[str]) -> None:
        self.findings += 1
        self.sources |= finding.sources
        for d in finding.directions:
            if d in self.directions:
                self.directions[d] += 1
                self.direction_sources[d] |= finding.sources
        for d in evidence:
            self.units[d] |= units
            for reason in reasons:
                self.uncounted[d, reason] += 1

    def merge(self, other: _Tally) -> None:
        """Add the counts of findings none of which this has counted."""
        self.findings += other.findings
        self.sources |= other.sources
        for d in DIRECTIONS:
            self.directions[d] += other.directions[d]
            self.direction_sources[d] |= other.direction_sources[d]
        for d in EVIDENCE:
            self.units[d] |= other.units[d]
        for key, count in other.uncounted.items():
            self.uncounted[key] += count


@dataclass(slots=True)
class _Cell:
    """One gap map cell's counts as they grow."""

    findings: int = 0
    directions: dict[str, int] = field(default_factory=lambda: dict.fromkeys(DIRECTIONS, 0))
    sources: set[str] = field(default_factory=set)
    units: set[str] = field(default_factory=set)

    def add(self, finding: Finding, units: set[str]) -> None:
        self.findings += 1
        for d in finding.directions:
            if d in self.directions:
                self.directions[d] += 1
        self.sources |= finding.sources
        self.units |= units

    def merge(self, tally: _Tally) -> None:
        """Add the counts of a tally's findings, none of which this has counted."""
        self.findings += tally.findings
        for d in DIRECTIONS:
            self.directions[d] += tally.directions[d]
        self.sources |= tally.sources
        for units in tally.units.values():
            self.units |= units


@dataclass
class Results:
    """The rows each rule gives, as the engine gives them (integers as text), in another order."""

    cells: list[Row] = field(default_factory=list)  # rule_map_cells.rq
    innovation_factors: list[Row] = field(default_factory=list)  # rule_innovation_factors.rq
    subdomains: list[Row] = field(default_factory=list)  # rule_subdomain_summary.rq
    evidenced: list[Row] = field(default_factory=list)  # rule_evidenced_subdomains.rq
    tallies: list[Row] = field(default_factory=list)  # rule_innovation_factor_tallies.rq
    uncounted: list[Row] = field(default_factory=list)  # rule_innovation_factor_uncounted.rq


def sources(store: GraphStore) -> dict[str, Source]:
    """Every source a finding is reported in, as the rules judge it."""
    judged: dict[str, Source] = {}
    for row in store.select(load_query(SOURCES_QUERY)):
        source = judged.get(row["source"])
        if source is None:
            source = judged[row["source"]] = Source(unit=row["unit"])
        source.independent = source.independent or "independent" in row
        if row.get("sourceReason"):  # "" counts; unbound, the rule's expression failed: no reason
            source.reasons.add(row["sourceReason"])
    return judged


def _placements(store: GraphStore, query: str, column: str) -> dict[str, tuple[str, ...]]:
    placed: dict[str, set[str]] = defaultdict(set)
    for row in store.select(load_query(query)):
        placed[row["factor"]].add(row[column])
    return {factor: tuple(sorted(values)) for factor, values in placed.items()}


def _reasons(finding: Finding, judged: Mapping[str, Source]) -> set[str]:
    """Why the consensus rule does not count ``finding`` (rule_innovation_factor_uncounted.rq's ?reason),
    once per value of its provenance kind (none: a curator's inference)."""
    reasons: set[str] = set()
    for kind in finding.kinds or ("curator",):
        if kind == "curator":
            reasons.add("curator-inference")
        elif kind == "other":
            reasons.add("review-statement")
        else:
            for source in finding.sources:
                reasons |= judged[source].reasons
    return reasons


def _units(finding: Finding, evidence: list[str], judged: Mapping[str, Source]) -> set[str]:
    """The studies ``finding`` counts as (counted_finding.rq): an independent study's own enabler or
    barrier."""
    if not (evidence and finding.typed and "study" in finding.kinds and not finding.synthesis):
        return set()
    return {judged[source].unit for source in finding.sources if judged[source].independent}


def run(store: GraphStore, findings: Mapping[str, Finding]) -> Results:
    """The rows of the rules this module stands for on ``store``, counted from ``findings``
    (carekg.count_pass.read_findings: every finding with a factor)."""
    judged = sources(store)
    columns = _placements(store, COLUMNS_QUERY, "column")
    subdomains = _placements(store, SUBDOMAINS_QUERY, "subdomain")
    # Most findings are counted and name one factor: they are added to their (innovation, factor) tally
    # only, and the cells, sub-domains and factors of each innovation made from the tallies (a finding is
    # in one tally per innovation, and in one cell per tally). Any other finding is added where it counts
    # itself, as it may name two factors of one cell, or be in a cell but in no tally.
    tallies: dict[tuple[str, str], _Tally] = defaultdict(_Tally)
    others: dict[tuple[str, str], _Tally] = defaultdict(_Tally)
    cells: dict[tuple[str, str], _Cell] = defaultdict(_Cell)
    pairs: set[tuple[str, str]] = set()
    summary: set[tuple[str, str, str]] = set()
    evidenced: set[tuple[str, str]] = set()
    for finding in findings.values():
        if not finding.innovations:  # every rule here asks for the innovation
            continue
        evidence = [d for d in EVIDENCE if d in finding.directions]
        units = _units(finding, evidence, judged)
        counted = finding.counted
        reasons = _reasons(finding, judged) if counted and evidence and not finding.synthesis else set()
        if counted and len(finding.factors) == 1:
            (factor,) = finding.factors
            for innovation in finding.innovations:
                tallies[innovation, factor].add(finding, evidence, units, reasons)
            continue
        for pair in ((i, f) for i in finding.innovations for f in finding.factors):
            pairs.add(pair)
            if counted:
                others[pair].add(finding, evidence, units, reasons)
        placed = {s for factor in finding.factors for s in subdomains.get(factor, ())}
        for innovation in finding.innovations:
            for subdomain in placed:
                evidenced.add((innovation, subdomain))
                summary.update((innovation, EVIDENCE[d], subdomain) for d in evidence)
        if finding.directions and finding.sources:  # a cell asks no ckg:Finding type
            shown = {c for factor in finding.factors for c in columns.get(factor, ())}
            for key in ((i, c) for i in finding.innovations for c in shown):
                cells[key].add(finding, units)
    for (innovation, factor), tally in tallies.items():
        pairs.add((innovation, factor))
        for subdomain in subdomains.get(factor, ()):
            evidenced.add((innovation, subdomain))
            summary.update((innovation, EVIDENCE[d], subdomain) for d in EVIDENCE if tally.directions[d])
        for column in columns.get(factor, ()):
            cells[innovation, column].merge(tally)
    for pair, tally in others.items():
        tallies[pair].merge(tally)
    return Results(
        cells=list(_cell_rows(cells)),
        innovation_factors=[{"innovation": i, "factor": f} for i, f in pairs],
        subdomains=[{"innovation": i, "direction": d, "subdomain": s} for i, d, s in summary],
        evidenced=[{"innovation": i, "subdomain": s} for i, s in evidenced],
        tallies=list(_tally_rows(tallies)),
        uncounted=[{"innovation": i, "factor": f, "direction": EVIDENCE[d], "reason": r, "findings": str(n)}
                   for (i, f), tally in tallies.items() for (d, r), n in tally.uncounted.items()])


def _cell_rows(cells: Mapping[tuple[str, str], _Cell]) -> Iterator[Row]:
    for (innovation, column), cell in cells.items():
        yield {"innovation": innovation, "column": column, "findings": str(cell.findings),
               "enablers": str(cell.directions["enabler"]), "barriers": str(cell.directions["barrier"]),
               "mixed": str(cell.directions["mixed"]), "sources": str(len(cell.sources)),
               "independent": str(len(cell.units))}


def _tally_rows(tallies: Mapping[tuple[str, str], _Tally]) -> Iterator[Row]:
    for (innovation, factor), tally in tallies.items():
        row = {"innovation": innovation, "factor": factor, "findings": str(tally.findings),
               "sources": str(len(tally.sources))}
        for d, (findings, sources, studies) in TALLY_COLUMNS.items():
            row[findings] = str(tally.directions[d])
            row[sources] = str(len(tally.direction_sources[d]))
            if studies:
                row[studies] = str(len(tally.units[d]))
        yield row
