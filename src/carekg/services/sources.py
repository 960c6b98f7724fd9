"""Studies and other sources: the list and one source's page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from pydantic import Field

from carekg import statistics
from carekg.ids import is_slug, mint
from carekg.namespaces import CKG
from carekg.services.answer_cache import cached
from carekg.services.counts import counts_of, counts_of_row
from carekg.services.errors import InvalidArgument, NotFound, check_choice
from carekg.services.evidence import Evidence, Involvement, evidence_about, involvements_of
from carekg.services.refs import (
    Counts,
    Ref,
    SourceRef,
    innovation_ref,
    iri_of,
    label_of,
    one_source_ref,
    source_ref_of,
    term_labels,
)
from carekg.services.rows import as_bool, as_int, select, select_page, split_lines
from carekg.services.vocabulary import (
    DESIGNS,
    INCLUSION_STATUSES,
    NO_INCLUSION_STATUS,
    SOURCE_KINDS,
    SOURCE_TYPES,
    code_or_none,
)
from carekg.statistics import KIND_BASES
from carekg.store.base import GraphStore, Row, Value


@dataclass(frozen=True)
class SourceSummary:
    id: Annotated[str, Field(examples=["ott-2020-mockingbird-programme-evaluation"])]
    iri: Annotated[str, Field(examples=[iri_of("study", "ott-2020-mockingbird-programme-evaluation")])]
    kind: Annotated[str, Field(examples=["study"],
                               description="study, or source for a document that is not a study")]
    level: Annotated[str | None, Field(examples=["primary-study"],
                                       description="primary-study or secondary-study")]
    citation: str
    year: Annotated[int | None, Field(examples=[2020])]
    design: Annotated[str | None, Field(examples=["mixed-methods-evaluation"])]
    design_label: Annotated[str | None, Field(examples=["mixed-methods evaluation"])]
    source_type: Annotated[str | None, Field(examples=["evaluation-report"])]
    source_type_label: Annotated[str | None, Field(examples=["evaluation"])]
    developer_authored: Annotated[bool | None, Field(examples=[False])]
    inclusion_status: Annotated[str | None, Field(
        examples=["confirmed"], description="in the founding review: confirmed, probable, possible, "
        "cited-only or not-known; null for the founding review itself")]
    inclusion_status_label: Annotated[str | None, Field(examples=["confirmed"])]
    counts: Counts


@dataclass(frozen=True)
class SourceDetail(SourceSummary):
    doi: Annotated[str | None, Field(examples=["10.1000/example"])]
    urls: list[str]
    design_as_reported: str | None
    setting: Annotated[str | None, Field(examples=["England"])]
    read_as: str | None
    inclusion_basis: str | None
    relative_to_review_search: Annotated[str | None, Field(examples=["before the review's search date"])]
    developer_authored_basis: str | None
    founding_review: bool
    notes: list[str]
    summarises: list[SourceRef]
    summarised_by: list[SourceRef]
    innovations: list[Ref]
    findings: list[Evidence]
    involvements: list[Involvement]


_INCLUSION_CODES = {term: name for name, term in INCLUSION_STATUSES.items()}
#: The developer_authored filter's values: the flag, or ``unknown`` when the source has none.
DEVELOPER_AUTHORED = {"true": True, "false": False, "unknown": None}
#: The same values as fragments/source_filters.rq binds ?developer: 1 true, 0 false, -1 no flag.
_DEVELOPER_FLAGS = {"true": 1, "false": 0, "unknown": -1}


def newest_first(source: SourceSummary | SourceRef) -> tuple:
    return (-(source.year or 0), source.citation.lower())


KIND_OF_BASE = {base: kind for kind, base in KIND_BASES.items()}


def _source_summary(store: GraphStore, iri: str, row: Row, counts: Counts) -> dict:
    labels = term_labels(store)
    ref = source_ref_of(labels, iri, row)
    return dict(id=ref.id, iri=iri, kind=ref.kind, level=code_or_none(row.get("level")),
                citation=ref.citation, year=ref.year, design=ref.design, design_label=ref.design_label,
                source_type=code_or_none(row.get("sourceType")),
                source_type_label=label_of(labels, row.get("sourceType")),
                developer_authored=ref.developer_authored,
                inclusion_status=_INCLUSION_CODES.get(row.get("inclusionStatus") or ""),
                inclusion_status_label=label_of(labels, row.get("inclusionStatus")),
                counts=counts)


@cached
def _source_classes(store: GraphStore) -> tuple[str, ...]:
    return statistics.source_classes(store)


def _filter_bindings(store: GraphStore, kind: str | None, inclusion: str | None, source_type: str | None,
                     design: str | None, year_from: int | None, year_to: int | None,
                     developer_authored: str | None) -> dict[str, Value]:
    """The list's filters, checked, as bindings of fragments/source_filters.rq (unbound: not applied),
    with ?class bound to the source classes."""
    check_choice("kind", kind, SOURCE_KINDS)
    check_choice("inclusion", inclusion, [*INCLUSION_STATUSES, NO_INCLUSION_STATUS])
    check_choice("source_type", source_type, SOURCE_TYPES)
    check_choice("design", design, DESIGNS)
    check_choice("developer_authored", developer_authored, DEVELOPER_AUTHORED)
    if year_from is not None and year_to is not None and year_from > year_to:
        raise InvalidArgument(f"year_from ({year_from}) must not be after year_to ({year_to})")
    chosen: dict[str, Value | None] = {
        "base": KIND_BASES[kind] if kind else None,
        "noInclusion": 1 if inclusion == NO_INCLUSION_STATUS else None,
        "wantedInclusion": INCLUSION_STATUSES.get(inclusion or ""),
        "wantedSourceType": SOURCE_TYPES[source_type] if source_type else None,
        "wantedDesign": DESIGNS[design] if design else None,
        "developer": _DEVELOPER_FLAGS.get(developer_authored or ""),
        "yearFrom": year_from, "yearTo": year_to, "class": _source_classes(store)}
    return {name: value for name, value in chosen.items() if value is not None}


def _years(store: GraphStore, filters: dict[str, Value]) -> list[int | None]:
    """The list's parts in its order: each publication year in the filters' bounds, newest first, then
    the undated sources (None), which pass no year bound."""
    low, high = filters.get("yearFrom"), filters.get("yearTo")
    years = [as_int(row.get("year")) for row in select(store, "api_source_years")]
    dated: list[int | None] = [year for year in years if year is not None
                               and (not isinstance(low, int) or year >= low)
                               and (not isinstance(high, int) or year <= high)]
    return dated + ([None] if low is None and high is None else [])


def _placed_years(store: GraphStore) -> list[int]:
    """The years whose sources have places in the list (carekg.positions), newest first; none on a
    store loaded without them (or with no dated source)."""
    return [year for row in select(store, "api_source_positioned_years")
            if (year := as_int(row.get("year"))) is not None]


def _page_rows(store: GraphStore, filters: dict[str, Value], total: int, limit: int | None,
               offset: int) -> list[Row]:
    """The rows of the ``total`` sources the filters keep, newest first then by citation, ``limit`` (all
    with None) after the first ``offset``: read one publication year at a time, newest first, a whole
    year skipped by its count, until the page is full or every kept source is passed. The engine never
    sorts every source for one page (1 s at 1M triples; a year's sources take tens of ms). Unfiltered,
    a year's page is read by the places the rules gave its sources (carekg.positions), not sorted."""
    placed = _placed_years(store) if limit is not None and set(filters) <= {"class"} else []
    rows: list[Row] = []
    passed = 0  # kept sources in the years read or skipped so far
    for year in [*placed, None] if placed else _years(store, filters):
        wanted = None if limit is None else limit - len(rows)
        if wanted == 0 or passed >= total:
            break
        if year is None:
            rows += select_page(store, "api_source_summaries_undated", wanted, offset, **filters)
            break
        bound = {**filters, "year": year}
        found = select(store, "api_source_summaries_at_positions", wantedYear=year,
                       position=tuple(range(offset, offset + wanted))) if placed and wanted else []
        if not found:
            if offset:
                in_year = (_placed_in(store, year, offset) if placed else
                           as_int(select(store, "api_source_count_of_year", **bound)[0].get("count")) or 0)
                if in_year <= offset:
                    offset, passed = offset - in_year, passed + in_year
                    continue
            found = select_page(store, "api_source_summaries_of_year", wanted, offset, **bound)
        rows += found
        passed, offset = passed + offset + len(found), 0
    return rows


def _placed_in(store: GraphStore, year: int, free: int) -> int:
    """How many sources ``year`` places, given that place ``free`` is not taken: the first free place,
    found by halving (a year's places run from 0 without a gap), a look-up each, where counting the
    year's sources read them all (0.7 s of CPU at 10M triples)."""
    low, high = 0, free  # place low is taken (every placed year has a place 0), place high is not
    while high - low > 1:
        middle = (low + high) // 2
        if select(store, "api_source_at_position", wantedYear=year, position=middle):
            low = middle
        else:
            high = middle
    return high


def _count(store: GraphStore, filters: dict[str, Value]) -> int:
    if set(filters) <= {"base", "class"}:
        counts = source_counts(store)
        base = filters.get("base")
        return sum(counts.values()) if base is None else counts.get(KIND_OF_BASE[str(base)], 0)
    return as_int(select(store, "api_source_count_filtered", **filters)[0].get("count")) or 0


@cached
def source_counts(store: GraphStore) -> dict[str, int]:
    """How many sources there are of each kind (``study``, ``source``, ``other`` for an IRI of neither
    base), as a load recorded them (carekg.statistics), or counted by the engine in one pass: the home
    page asks for both kinds and the total."""
    recorded = store.recorded_entities()
    return statistics.sources_per_kind(recorded) if recorded else statistics.count_source_kinds(store)


def count_sources(store: GraphStore, kind: str) -> int:
    """How many studies (``kind`` study) or other sources (``source``) there are."""
    return source_counts(store).get(kind, 0)


def _summaries(store: GraphStore, rows: list[Row]) -> list[SourceSummary]:
    return [SourceSummary(**_source_summary(store, row["source"], row, counts_of_row(row).counts))
            for row in rows]


@cached
def studies_page(store: GraphStore, limit: int, offset: int, kind: str | None = None,
                 inclusion: str | None = None, source_type: str | None = None, design: str | None = None,
                 year_from: int | None = None, year_to: int | None = None,
                 developer_authored: str | None = None) -> tuple[list[SourceSummary], int]:
    """A page of list_studies (``limit`` after the first ``offset``) and how many there are in all: the
    engine filters, sorts (a year at a time), cuts the page and counts."""
    bindings = _filter_bindings(store, kind, inclusion, source_type, design, year_from, year_to,
                                developer_authored)
    total = _count(store, bindings)
    return _summaries(store, _page_rows(store, bindings, total, limit, offset)), total


@cached
def list_studies(store: GraphStore, kind: str | None = None, inclusion: str | None = None,
                 source_type: str | None = None, design: str | None = None, year_from: int | None = None,
                 year_to: int | None = None, developer_authored: str | None = None) -> list[SourceSummary]:
    """Every study and other source, newest first; the filters combine. ``kind`` study or source;
    ``inclusion`` a code of INCLUSION_STATUSES, or ``none`` for no status (the founding review);
    ``source_type`` a code of SOURCE_TYPES; ``design`` of DESIGNS; ``year_from``/``year_to`` inclusive
    publication years (a source without a year passes no year bound); ``developer_authored`` ``true``,
    ``false`` or ``unknown``."""
    bindings = _filter_bindings(store, kind, inclusion, source_type, design, year_from, year_to,
                                developer_authored)
    return _summaries(store, _page_rows(store, bindings, _count(store, bindings), None, 0))


@cached
def study(store: GraphStore, id: str) -> SourceDetail:
    """One study or other source: its bibliographic and design details, how it relates to other
    sources, the innovations it is about, its findings and the roles it states."""
    if not is_slug(id):
        raise NotFound("study or source", id)
    # One query bound to each kind's IRI for the id, never the table of every source.
    found = ((iri, rows[0]) for kind in SOURCE_KINDS
             if (rows := select(store, "api_sources", source=(iri := str(mint(kind, id))))))
    match = next(found, None)
    if match is None:
        raise NotFound("study or source", id)
    iri, row = match
    labels = term_labels(store)
    links = [(link["source"], link["relation"], link["target"])
             for binding in ({"source": iri}, {"target": iri})
             for link in select(store, "api_source_links", **binding)]
    return SourceDetail(
        **_source_summary(store, iri, row, counts_of(store, iri).counts), doi=row.get("doi"),
        urls=(row.get("urls") or "").split(),
        design_as_reported=row.get("designAsReported"), setting=row.get("setting"), read_as=row.get("readAs"),
        inclusion_basis=row.get("inclusionBasis"),
        relative_to_review_search=label_of(labels, row.get("relativeToReviewSearch")),
        developer_authored_basis=row.get("developerAuthoredBasis"),
        founding_review=bool(as_bool(row.get("foundingReview"))), notes=split_lines(row.get("notes")),
        summarises=_linked(store, [t for s, r, t in links if s == iri and r == str(CKG.summarises)]),
        summarised_by=_linked(store, [s for s, r, t in links if t == iri and r == str(CKG.summarises)]),
        innovations=[innovation_ref(store, t) for s, r, t in links if s == iri and r == str(CKG.studies)],
        findings=evidence_about(store, iri),
        involvements=involvements_of(store, select(store, "api_involvements_stated_in", source=iri)),
    )


def _linked(store: GraphStore, iris: list[str]) -> list[SourceRef]:
    """The sources a source links to, each by one bound query, in the order the links came."""
    return [one_source_ref(store, iri) for iri in iris]
