"""The evidence gap map's data: innovations x NASSS sub-domains (or, with ``framework="cfir"``, x CFIR 2.0
domains), each cell with findings by direction and the strength of its evidence. Drawn by
carekg.drawing.gap_map.

In CFIR terms a finding sits in every CFIR domain that holds a concept its factor is a close or related
match of (the NASSS-CFIR crosswalk), so one finding can count in several columns; each cell counts its
distinct findings. Each CFIR column is a domain, carried as a Domain with one column of its own.

Strength of evidence in a gap map cell is the number of **independent studies** behind its findings,
counted by the consensus rule's own definition (queries/fragments/counted_finding.rq, rule 2.0.0, which
consensus.rq includes too): a finding counts only if it is an enabler or barrier finding that is a
source's own claim (not the founding review's, not a review's synthesis, not a curator's inference) from
a study-type source whose developer flag says it is independent; a source that reports exactly one study
counts as that study. The cell also gives the distinct sources of every kind (developer-authored
included), and the consensus results (all evidence) on the factors its findings are about, each with its
confidence.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from carekg.ids import GRAPH_INFERRED, slug_of
from carekg.namespaces import CKG
from carekg.services.answer_cache import cached
from carekg.services.errors import InvalidArgument, check_choice
from carekg.services.refs import concept_rows
from carekg.services.rows import as_bool, as_int, notation_key, select
from carekg.services.vocabulary import code
from carekg.store.base import GraphStore

STRENGTH_NOTE = (
    "Strength of evidence = independent studies, as the consensus rule counts them: distinct "
    "study-type sources (evaluations, peer-reviewed papers, systematic reviews, research reports) "
    "whose own claims (not the founding review's, not a review's synthesis, not a curator's inference) "
    "are the cell's enabler or barrier findings, excluding sources authored by the innovation's "
    "developer or purveyor and those whose independence is unknown; reports of one study count once."
)

#: The frameworks whose concepts can be the map's columns: the queries reading their cells and the
#: consensus notes on them, and the name of the latter's column variable.
MAP_QUERIES = {
    "nasss": ("gap_map_cells", "gap_map_consensus", "subdomain"),
    "cfir": ("gap_map_cfir_cells", "gap_map_cfir_consensus", "column"),
}

#: Innovations on a page of the map unless asked otherwise, and the most a page may hold.
DEFAULT_PAGE = 50
MAX_PAGE = 200


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
    """One page of the map: ``rows`` are the innovations ``offset`` to ``offset + limit`` of ``total``,
    taken from the most findings to the fewest and shown A-Z."""

    domains: list[Domain]
    rows: list[GapMapRow]
    note: str = STRENGTH_NOTE
    total: int = 0
    offset: int = 0
    limit: int | None = None
    framework: str = "nasss"

    @property
    def next_offset(self) -> int | None:
        """Where the next page starts; None on the last page."""
        end = self.offset + len(self.rows)
        return end if self.limit is not None and end < self.total else None

    @property
    def previous_offset(self) -> int | None:
        return max(0, self.offset - (self.limit or 0)) if self.offset else None

    @property
    def subdomains(self) -> list[Subdomain]:
        return [s for d in self.domains for s in d.subdomains]

    @property
    def empty_cells(self) -> int:
        return sum(c.empty for r in self.rows for c in r.cells)


@cached
def nasss(store: GraphStore) -> list[Domain]:
    """The NASSS domains, each with its sub-domains, by notation."""
    domains: dict[str, list[Subdomain]] = {}
    heads: dict[str, tuple[str, str]] = {}
    for r in select(store, "gap_map_nasss_columns"):
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


def cfir_domains(store: GraphStore) -> list[Domain]:
    """The five CFIR 2.0 domains, by notation, each as its own single column."""
    heads = [row for row in concept_rows(store).values() if row["level"] == str(CKG.CfirDomain)]
    domains = []
    for row in sorted(heads, key=lambda row: notation_key(row.get("notation", ""))):
        iri, notation, label = row["concept"], row.get("notation", ""), row["label"]
        column = Subdomain(slug_of(iri), iri, notation, label, notation, label, None)
        domains.append(Domain(slug_of(iri), iri, notation, label, [column]))
    return domains


def gap_map(store: GraphStore, limit: int | None = DEFAULT_PAGE, offset: int = 0,
            framework: str = "nasss") -> GapMap:
    """A page of the map: the ``limit`` innovations after the first ``offset`` (by findings, most first;
    all with ``limit=None``), each x every NASSS sub-domain (``framework="cfir"``: every CFIR 2.0
    domain). Cells without findings are kept (and empty), so gaps show. The cells are read as the rules
    materialised them at load time (rule_map_cells.rq, rule_innovation_factors.rq), for the page's
    innovations only: three queries besides the columns, whatever the page and however many findings."""
    if (limit is not None and limit < 1) or offset < 0:
        raise InvalidArgument("limit must be at least 1 and offset at least 0")
    check_choice("framework", framework, MAP_QUERIES)
    cells_query, consensus_query, column = MAP_QUERIES[framework]
    domains = cfir_domains(store) if framework == "cfir" else nasss(store)
    ranked = sorted(select(store, "gap_map_innovations"),
                    key=lambda r: (-(as_int(r.get("findings")) or 0), r["label"].lower(), r["innovation"]))
    page = ranked[offset:] if limit is None else ranked[offset:offset + limit]
    shown = tuple(sorted(r["innovation"] for r in page))
    counts: dict[tuple[str, str], dict[str, Any]] = {}  # counts, and the consensus notes
    for r in select(store, cells_query, innovation=shown) if shown else ():
        counts[(r["innovation"], r["column"])] = {
            name: int(r[name]) for name in ("enabler", "barrier", "mixed", "sources", "independent")}
    for r in select(store, consensus_query, innovation=shown, inferred=GRAPH_INFERRED) if shown else ():
        cell = counts.setdefault((r["innovation"], r[column]), {})
        note = f"{r['factorLabel']}: {code(r['direction'])}, {r['levelLabel']} confidence"
        cell["consensus"] = (*cell.get("consensus", ()), note)
    rows = []
    for r in sorted(page, key=lambda r: (r["label"].lower(), r["innovation"])):
        cells = [Cell(s, **counts.get((r["innovation"], s.iri), {})) for d in domains for s in d.subdomains]
        rows.append(GapMapRow(slug_of(r["innovation"]), r["innovation"], r["label"], cells))
    return GapMap(domains, rows, total=len(ranked), offset=offset, limit=limit, framework=framework)
