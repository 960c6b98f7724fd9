"""The evidence counts and the tallies' shared sources of a whole dataset, in one pass over its findings.

A load materialises the counts of ``rule_evidence_counts.rq`` (per innovation, factor and source) and
``rule_concept_evidence_counts.rq`` (per NASSS and CFIR 2.0 concept), and the shared sources of
``rule_innovation_factor_shared_sources.rq``. Asked as written, the engine groups the findings once per
rule with seven distinct counts per group, and joins every finding's sources to every other finding's:
at 1M synthetic triples 9.5 s of CPU on the thread the load waits for (docs/bench.md). Here the findings
are read once (``rule_finding_links.rq``, the rules' own pattern without their aggregates, and
``rule_concept_placements.rq``, the concept rule's placement of the factors) and counted in Python; the
same reading serves the other rules a load counts in Python (carekg.finding_pass).
The rules stay the definition: a write recounts with them, bound to what it touches (carekg.incremental),
and tests/test_count_pass.py proves this pass equal to them on the curated data and a generated graph.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from carekg.queries import load_query
from carekg.store.base import GraphStore, Row

LINKS_QUERY = "rule_finding_links"
#: The columns of the count rules' rows (rules.COUNT_PREDICATES), each a distinct count.
COLUMNS = ("findings", "sources", "innovations", "factors", "enablers", "barriers", "mixed")
#: rule_finding_links.rq's code of a direction -> its column ("other": a direction none of the three).
DIRECTION_COLUMNS = {"enabler": "enablers", "barrier": "barriers", "mixed": "mixed"}


@dataclass(slots=True)
class Finding:
    """What one finding names (rule_finding_links.rq): every value of each link, the direction and
    provenance kind by their codes."""

    factors: set[str] = field(default_factory=set)
    sources: set[str] = field(default_factory=set)
    innovations: set[str] = field(default_factory=set)
    directions: set[str] = field(default_factory=set)
    kinds: set[str] = field(default_factory=set)
    typed: bool = False  # a ckg:Finding
    synthesis: bool = False  # a ckg:ReviewSynthesisFinding

    @property
    def counted(self) -> bool:
        """Whether the count rules count it: a ckg:Finding with a factor, a direction and a source."""
        return self.typed and bool(self.directions) and bool(self.sources)


@dataclass
class _Counts:
    """One subject's counts as they grow: findings counted once each (a finding is visited once per
    subject), the values named in sets."""

    findings: int = 0
    directions: dict[str, int] = field(default_factory=lambda: dict.fromkeys(DIRECTION_COLUMNS.values(), 0))
    sources: set[str] = field(default_factory=set)
    innovations: set[str] = field(default_factory=set)
    factors: set[str] = field(default_factory=set)

    def add(self, finding: Finding) -> None:
        self.findings += 1
        for direction in finding.directions:
            if direction in DIRECTION_COLUMNS:
                self.directions[DIRECTION_COLUMNS[direction]] += 1
        self.sources |= finding.sources
        self.innovations |= finding.innovations
        self.factors |= finding.factors

    def merge(self, other: _Counts) -> None:
        """Add the counts of findings none of which this has counted."""
        self.findings += other.findings
        for column, count in other.directions.items():
            self.directions[column] += count
        self.sources |= other.sources
        self.innovations |= other.innovations
        self.factors |= other.factors

    def row(self, subject: str) -> Row:
        """As a row of the count rules (the engine's integers are text there too)."""
        return {"subject": subject, "findings": str(self.findings), "sources": str(len(self.sources)),
                "innovations": str(len(self.innovations)), "factors": str(len(self.factors)),
                **{column: str(count) for column, count in self.directions.items()}}


def read_findings(store: GraphStore) -> dict[str, Finding]:
    """Every finding with a factor, with what it names (rule_finding_links.rq)."""
    found: dict[str, Finding] = {}
    rows = store.select_tuples(load_query(LINKS_QUERY))
    for iri, factor, innovation, source, direction, kind, typed, synthesis in rows:
        iri, factor = iri or "", factor or ""  # never unbound: not optional in the query
        finding = found.get(iri)
        if finding is None:  # most findings have one row: made from it at once
            found[iri] = Finding({factor}, _values(source), _values(innovation), _values(direction),
                                 _values(kind), typed is not None, synthesis is not None)
            continue
        finding.factors.add(factor)
        for values, value in ((finding.innovations, innovation), (finding.sources, source),
                              (finding.directions, direction), (finding.kinds, kind)):
            if value is not None:
                values.add(value)
        finding.typed = finding.typed or typed is not None
        finding.synthesis = finding.synthesis or synthesis is not None
    return found


def _values(value: str | None) -> set[str]:
    return set() if value is None else {value}


def counted_findings(store: GraphStore, found: Mapping[str, Finding] | None = None) -> dict[str, Finding]:
    """Every finding the count rules count, with what it names, of ``found`` (default: read from
    ``store``)."""
    found = read_findings(store) if found is None else found
    return {iri: finding for iri, finding in found.items() if finding.counted}


def count_rows(store: GraphStore, findings: Mapping[str, Finding] | None = None) -> Iterator[Row]:
    """The rows rule_evidence_counts.rq and then rule_concept_evidence_counts.rq give on ``store`` (in
    another order), counted from ``findings`` (default: read from ``store``)."""
    findings = counted_findings(store) if findings is None else findings
    placements: dict[str, set[str]] = defaultdict(set)
    for row in store.select(load_query("rule_concept_placements")):
        placements[row["placed"]].add(row["subject"])
    resources: dict[str, _Counts] = defaultdict(_Counts)
    concepts: dict[str, _Counts] = defaultdict(_Counts)
    # A factor's findings naming no other factor are counted once, in ``alone``, then added to the factor's
    # counts and to those of the concepts it is placed under (a finding is in one factor's); a finding
    # naming several factors, which could sit under a concept twice, is counted by each subject itself.
    alone: dict[str, _Counts] = defaultdict(_Counts)
    for finding in findings.values():
        if len(finding.factors) == 1:
            (factor,) = finding.factors
            alone[factor].add(finding)
            subjects = finding.innovations | finding.sources
            subjects.discard(factor)
        else:
            subjects = finding.innovations | finding.factors | finding.sources
            for subject in {concept for factor in finding.factors for concept in placements.get(factor, ())}:
                concepts[subject].add(finding)
        for subject in subjects:
            resources[subject].add(finding)
    for factor, factor_counts in alone.items():
        resources[factor].merge(factor_counts)
        for concept in placements.get(factor, ()):
            concepts[concept].merge(factor_counts)
    for subjects_counts in (resources, concepts):
        for subject, tally in subjects_counts.items():
            yield tally.row(subject)


def shared_source_rows(store: GraphStore, findings: Mapping[str, Finding] | None = None) -> Iterator[Row]:
    """The rows of rule_innovation_factor_shared_sources.rq on ``store``: per innovation and source, each
    factor of the innovation's findings reported there, when those findings name another factor too."""
    findings = counted_findings(store) if findings is None else findings
    factors: dict[tuple[str, str], set[str]] = defaultdict(set)
    for finding in findings.values():
        for innovation in finding.innovations:
            for source in finding.sources:
                factors[innovation, source] |= finding.factors
    for (innovation, source), named in factors.items():
        if len(named) > 1:
            for factor in named:
                yield {"innovation": innovation, "factor": factor, "source": source}
