"""The evidence counts pages show, read from what the rules materialised at load time (carekg.rules:
ckg:findingCount and the others, per innovation, factor, source and framework concept; and the tallies of
an innovation's findings per factor, carekg.tallies) instead of counted from every finding per request.
A write keeps them current with the other rules."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field

from carekg.services.refs import Counts
from carekg.services.rows import as_int, select
from carekg.store.base import GraphStore, Row


@dataclass(frozen=True)
class EvidenceCounts:
    """A resource's counts: its findings (per direction, with their distinct sources), and the
    distinct innovations and factors they name."""

    counts: Counts = Counts()
    innovations: int = 0
    factors: int = 0


def counts_of_row(row: Row) -> EvidenceCounts:
    """The counts in a row of api_evidence_counts.rq (or of a query with the same columns)."""
    def number(column: str) -> int:
        return as_int(row.get(column)) or 0

    return EvidenceCounts(Counts(number("findings"), number("sources"), number("enabler"), number("barrier"),
                                 number("mixed")), number("innovations"), number("factors"))


def counts_by_kind(store: GraphStore, kind: str) -> dict[str, EvidenceCounts]:
    """Every resource of class ``kind`` with findings -> its counts (one read of the materialised counts)."""
    return {row["subject"]: counts_of_row(row) for row in select(store, "api_evidence_counts", kind=kind)}


def counts_of_each(store: GraphStore, iris: Collection[str]) -> dict[str, EvidenceCounts]:
    """Each of ``iris`` with findings -> its counts (one read of their materialised counts)."""
    if not iris:
        return {}
    return {row["subject"]: counts_of_row(row)
            for row in select(store, "api_evidence_counts", subject=tuple(iris))}


def counts_of(store: GraphStore, iri: str) -> EvidenceCounts:
    """One resource's counts; zeros when it has no findings."""
    rows = select(store, "api_evidence_counts", subject=iri)
    return counts_of_row(rows[0]) if rows else EvidenceCounts()


@dataclass
class Tally:
    """Findings counted per direction, with the distinct sources they come from."""

    findings: int = 0
    directions: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    sources: set[str] = field(default_factory=set)

    def add(self, direction: str, source: str, findings: int) -> None:
        self.findings += findings
        self.directions[direction] += findings
        self.sources.add(source)

    def merge(self, other: Tally) -> None:
        self.findings += other.findings
        for direction, findings in other.directions.items():
            self.directions[direction] += findings
        self.sources |= other.sources

    @property
    def counts(self) -> Counts:
        by_direction = self.directions
        return Counts(self.findings, len(self.sources), by_direction["enabler"], by_direction["barrier"],
                      by_direction["mixed"])


@dataclass(frozen=True)
class FactorTally:
    """An innovation's evidence on one factor as the rules tallied it (carekg.tallies): its counts over
    every direction, and per direction (``enabler``, ``barrier``, ``mixed``) the distinct sources and,
    for enablers and barriers, the independent studies counted as the consensus rule counts them."""

    counts: Counts
    sources: dict[str, int]
    studies: dict[str, int]
    #: its sources that report another factor of the innovation too (read when asked for)
    shared: frozenset[str] = frozenset()

    def of_direction(self, direction: str | None) -> Counts:
        """The counts of the findings of one direction (code), or of every direction for None."""
        if direction is None:
            return self.counts
        findings = getattr(self.counts, direction)
        return Counts(findings, self.sources[direction], *(findings if d == direction else 0
                                                           for d in ("enabler", "barrier", "mixed")))


def innovation_tallies(store: GraphStore, iri: str, shared: bool = False) -> dict[str, FactorTally]:
    """Factor IRI -> innovation ``iri``'s tally on it, for every factor it has findings about: one read of
    what the rules materialised (api_innovation_tallies.rq), no finding read; with ``shared``, the tallies'
    shared sources too (api_innovation_shared_sources.rq), for the distinct sources of a set of factors
    (carekg.tallies.distinct_sources)."""
    sharing: dict[str, set[str]] = defaultdict(set)
    for row in select(store, "api_innovation_shared_sources", innovation=iri) if shared else ():
        sharing[row["factor"]].update(row["sources"].split())
    tallies = {}
    for row in select(store, "api_innovation_tallies", innovation=iri):
        def number(column: str) -> int:
            return as_int(row.get(column)) or 0  # noqa: B023 (used at once)

        tallies[row["factor"]] = FactorTally(
            Counts(number("findings"), number("sources"), number("enablers"), number("barriers"),
                   number("mixed")),
            {"enabler": number("enablerSources"), "barrier": number("barrierSources"),
             "mixed": number("mixedSources")},
            {"enabler": number("enablerStudies"), "barrier": number("barrierStudies")},
            frozenset(sharing.get(row["factor"], ())))
    return tallies
