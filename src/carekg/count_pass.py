"""The evidence counts and the tallies' shared sources of a whole dataset, in one pass over its findings.

A load materialises the counts of ``rule_evidence_counts.rq`` (per innovation, factor and source) and
``rule_concept_evidence_counts.rq`` (per NASSS and CFIR 2.0 concept), and the shared sources of
``rule_innovation_factor_shared_sources.rq``. Asked as written, the engine groups the findings once per
rule with seven distinct counts per group, and joins every finding's sources to every other finding's:
at 1M synthetic triples 9.5 s of CPU on the thread the load waits for (docs/bench.md). Here the findings
are read once (``rule_counted_findings.rq``, the rules' own pattern without their aggregates, and
``rule_concept_placements.rq``, the concept rule's placement of the factors) and counted in Python.
The rules stay the definition: a write recounts with them, bound to what it touches (carekg.incremental),
and tests/test_count_pass.py proves this pass equal to them on the curated data and a generated graph.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from carekg.queries import load_query
from carekg.store.base import GraphStore, Row

#: The columns of the count rules' rows (rules.COUNT_PREDICATES), each a distinct count.
COLUMNS = ("findings", "sources", "innovations", "factors", "enablers", "barriers", "mixed")
#: rule_counted_findings.rq's flag of a direction -> its column.
DIRECTION_FLAGS = {"enabler": "enablers", "barrier": "barriers", "mixedOne": "mixed"}


@dataclass
class Finding:
    """What one counted finding names."""

    factors: set[str] = field(default_factory=set)
    sources: set[str] = field(default_factory=set)
    innovations: set[str] = field(default_factory=set)
    directions: set[str] = field(default_factory=set)  # columns of DIRECTION_FLAGS


@dataclass
class _Counts:
    """One subject's counts as they grow: findings counted once each (a finding is visited once per
    subject), the values named in sets."""

    findings: int = 0
    directions: dict[str, int] = field(default_factory=lambda: dict.fromkeys(DIRECTION_FLAGS.values(), 0))
    sources: set[str] = field(default_factory=set)
    innovations: set[str] = field(default_factory=set)
    factors: set[str] = field(default_factory=set)

    def add(self, finding: Finding) -> None:
        self.findings += 1
        for column in finding.directions:
            self.directions[column] += 1
        self.sources |= finding.sources
        self.innovations |= finding.innovations
        self.factors |= finding.factors

    def row(self, subject: str) -> Row:
        """As a row of the count rules (the engine's integers are text there too)."""
        return {"subject": subject, "findings": str(self.findings), "sources": str(len(self.sources)),
                "innovations": str(len(self.innovations)), "factors": str(len(self.factors)),
                **{column: str(count) for column, count in self.directions.items()}}


def counted_findings(store: GraphStore) -> dict[str, Finding]:
    """Every finding the count rules count, with what it names (rule_counted_findings.rq)."""
    findings: dict[str, Finding] = defaultdict(Finding)
    for row in store.select(load_query("rule_counted_findings")):
        finding = findings[row["finding"]]
        finding.factors.add(row["factor"])
        finding.sources.add(row["source"])
        if "innovation" in row:
            finding.innovations.add(row["innovation"])
        finding.directions.update(column for flag, column in DIRECTION_FLAGS.items() if flag in row)
    return findings


def count_rows(store: GraphStore, findings: Mapping[str, Finding] | None = None) -> Iterator[Row]:
    """The rows rule_evidence_counts.rq and then rule_concept_evidence_counts.rq give on ``store`` (in
    another order), counted from ``findings`` (default: read from ``store``)."""
    findings = counted_findings(store) if findings is None else findings
    placements: dict[str, set[str]] = defaultdict(set)
    for row in store.select(load_query("rule_concept_placements")):
        placements[row["placed"]].add(row["subject"])
    resources: dict[str, _Counts] = defaultdict(_Counts)
    concepts: dict[str, _Counts] = defaultdict(_Counts)
    for finding in findings.values():
        for subject in finding.innovations | finding.factors | finding.sources:
            resources[subject].add(finding)
        for subject in {concept for factor in finding.factors for concept in placements.get(factor, ())}:
            concepts[subject].add(finding)
    for counts in (resources, concepts):
        for subject, tally in counts.items():
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
