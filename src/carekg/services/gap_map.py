"""The evidence gap map's data: innovations x NASSS sub-domains, each cell with findings by direction and
the strength of its evidence. Drawn by carekg.drawing.gap_map.

Strength of evidence in a gap map cell is the number of **independent studies** behind its findings,
counted as the consensus rule (CQ-6, queries/consensus.rq, 2.0.0) counts them: a finding counts only if
it is a source's own claim (not a review's synthesis, not a curator's inference) from a study-type source
whose developer flag says it is independent; a source that reports exactly one study counts as that
study. The cell also gives the distinct sources of every kind (developer-authored included), and the
consensus results (all evidence) on the factors its findings are about, each with its confidence.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from carekg.ids import GRAPH_INFERRED, slug_of
from carekg.services.rows import as_bool, select
from carekg.services.vocabulary import DIRECTIONS, code
from carekg.store.base import GraphStore

STRENGTH_NOTE = (
    "Strength of evidence = independent studies: distinct study-type sources (evaluations, "
    "peer-reviewed papers, systematic reviews, research reports) whose own claims (not a review's "
    "synthesis, not a curator's inference) support the cell's findings, excluding sources authored "
    "by the innovation's developer or purveyor and those whose independence is unknown; reports of "
    "one study count once."
)


@dataclass(frozen=True)
class Subdomain:
    id: str
    iri: str
    code: str
    label: str
    domain_code: str
    domain_label: str
    covered_by_review: bool | None


@dataclass(frozen=True)
class Domain:
    id: str
    iri: str
    code: str
    label: str
    subdomains: list[Subdomain]


@dataclass(frozen=True)
class Cell:
    """One innovation in one NASSS sub-domain: findings by direction and how strong the evidence is."""

    subdomain: Subdomain
    enabler: int = 0
    barrier: int = 0
    mixed: int = 0
    sources: int = 0
    independent: int = 0
    #: consensus results (all evidence) on the cell's factors: "factor: direction, level confidence"
    consensus: tuple[str, ...] = ()

    @property
    def findings(self) -> int:
        return self.enabler + self.barrier + self.mixed

    @property
    def consensus_note(self) -> str:
        """The cell's consensus results for a tooltip; empty when there are none."""
        return f"; consensus: {'; '.join(self.consensus)}" if self.consensus else ""

    @property
    def empty(self) -> bool:
        return self.findings == 0

    @property
    def balance(self) -> str:
        """``enabler``, ``barrier`` or ``mixed`` (the evidence leans neither way); ``empty`` if none."""
        if self.empty:
            return "empty"
        if self.enabler > self.barrier:
            return "enabler"
        if self.barrier > self.enabler:
            return "barrier"
        return "mixed"


@dataclass(frozen=True)
class GapMapRow:
    id: str
    iri: str
    label: str
    cells: list[Cell]

    @property
    def findings(self) -> int:
        return sum(c.findings for c in self.cells)


@dataclass(frozen=True)
class GapMap:
    domains: list[Domain]
    rows: list[GapMapRow]
    note: str = STRENGTH_NOTE

    @property
    def subdomains(self) -> list[Subdomain]:
        return [s for d in self.domains for s in d.subdomains]

    @property
    def empty_cells(self) -> int:
        return sum(c.empty for r in self.rows for c in r.cells)


def nasss(store: GraphStore) -> list[Domain]:
    """The NASSS domains, each with its sub-domains, by notation."""
    domains: dict[str, list[Subdomain]] = {}
    heads: dict[str, tuple[str, str]] = {}
    for r in select(store, "ui_nasss"):
        sub = Subdomain(
            slug_of(r["subdomain"]),
            r["subdomain"],
            r["notation"],
            r["label"],
            r["domainNotation"],
            r["domainLabel"],
            as_bool(r.get("coveredByReview")),
        )
        if sub.iri not in {s.iri for s in domains.get(r["domain"], [])}:
            domains.setdefault(r["domain"], []).append(sub)
        heads[r["domain"]] = (r["domainNotation"], r["domainLabel"])
    result = [
        Domain(slug_of(iri), iri, heads[iri][0], heads[iri][1], sorted(subs, key=lambda s: s.code))
        for iri, subs in domains.items()
    ]
    return sorted(result, key=lambda d: d.code)


def gap_map(store: GraphStore) -> GapMap:
    """Every innovation x every NASSS sub-domain, from five SPARQL queries (ui_*.rq); cells without
    findings are kept (and empty), so gaps show."""
    domains = nasss(store)
    counts: dict[tuple[str, str], dict[str, Any]] = {}  # counts, and the consensus notes
    for r in select(store, "ui_map_directions"):
        if r["direction"] in DIRECTIONS.values():
            cell = counts.setdefault((r["innovation"], r["subdomain"]), {})
            cell[code(r["direction"])] = int(r["findings"])
    for r in select(store, "ui_map_strength"):
        cell = counts.setdefault((r["innovation"], r["subdomain"]), {})
        cell["sources"], cell["independent"] = int(r["sources"]), int(r["independent"])
    for r in select(store, "ui_map_consensus", inferred=GRAPH_INFERRED):
        cell = counts.setdefault((r["innovation"], r["subdomain"]), {})
        note = f"{r['factorLabel']}: {code(r['direction'])}, {r['levelLabel']} confidence"
        cell["consensus"] = (*cell.get("consensus", ()), note)
    rows = []
    for r in select(store, "ui_map_innovations"):
        cells = [Cell(s, **counts.get((r["innovation"], s.iri), {})) for d in domains for s in d.subdomains]
        rows.append(GapMapRow(slug_of(r["innovation"]), r["innovation"], r["label"], cells))
    return GapMap(domains, rows)


def cell(store: GraphStore, innovation: str, subdomain: str) -> tuple[GapMapRow, Cell]:
    """The row and cell of innovation id ``innovation`` and sub-domain code or id ``subdomain``;
    KeyError if the map has no such row or column."""
    the_map = gap_map(store)
    row = next((r for r in the_map.rows if r.id == innovation), None)
    if row is None:
        raise KeyError(f"no innovation {innovation!r}")
    wanted = subdomain.lower()
    found = next((c for c in row.cells if wanted in (c.subdomain.code.lower(), c.subdomain.id.lower())), None)
    if found is None:
        raise KeyError(f"no NASSS sub-domain {subdomain!r}")
    return row, found
