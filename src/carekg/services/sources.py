"""Studies and other sources: the list and one source's page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from pydantic import Field

from carekg.ids import is_slug, mint
from carekg.services.answer_cache import cached
from carekg.services.errors import InvalidArgument, NotFound, check_choice
from carekg.services.evidence import Evidence, Involvement, all_involvements, evidence_by_source
from carekg.services.refs import (
    Counts,
    Ref,
    SourceRef,
    innovation_ref,
    iri_of,
    label_of,
    source_links,
    source_ref,
    source_refs,
    source_rows,
    term_labels,
)
from carekg.services.rows import as_bool, split_lines
from carekg.services.vocabulary import (
    DESIGNS,
    INCLUSION_STATUSES,
    NO_INCLUSION_STATUS,
    SOURCE_KINDS,
    SOURCE_TYPES,
    code_or_none,
)
from carekg.store.base import GraphStore, Row


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


def newest_first(source: SourceSummary | SourceRef) -> tuple:
    return (-(source.year or 0), source.citation.lower())


def _source_summary(store: GraphStore, iri: str, row: Row) -> dict:
    labels = term_labels(store)
    ref = source_refs(store)[iri]
    return dict(id=ref.id, iri=iri, kind=ref.kind, level=code_or_none(row.get("level")),
                citation=ref.citation, year=ref.year, design=ref.design, design_label=ref.design_label,
                source_type=code_or_none(row.get("sourceType")),
                source_type_label=label_of(labels, row.get("sourceType")),
                developer_authored=ref.developer_authored,
                inclusion_status=_INCLUSION_CODES.get(row.get("inclusionStatus") or ""),
                inclusion_status_label=label_of(labels, row.get("inclusionStatus")),
                counts=Counts.of(evidence_by_source(store).get(iri, [])))


@cached
def _all_sources(store: GraphStore) -> list[SourceSummary]:
    summaries = [SourceSummary(**_source_summary(store, iri, row)) for iri, row in source_rows(store).items()]
    return sorted(summaries, key=newest_first)


@cached
def list_studies(store: GraphStore, kind: str | None = None, inclusion: str | None = None,
                 source_type: str | None = None, design: str | None = None, year_from: int | None = None,
                 year_to: int | None = None, developer_authored: str | None = None) -> list[SourceSummary]:
    """Every study and other source, newest first; the filters combine. ``kind`` study or source;
    ``inclusion`` a code of INCLUSION_STATUSES, or ``none`` for no status (the founding review);
    ``source_type`` a code of SOURCE_TYPES; ``design`` of DESIGNS; ``year_from``/``year_to`` inclusive
    publication years (a source without a year passes no year bound); ``developer_authored`` ``true``,
    ``false`` or ``unknown``."""
    check_choice("kind", kind, SOURCE_KINDS)
    check_choice("inclusion", inclusion, [*INCLUSION_STATUSES, NO_INCLUSION_STATUS])
    check_choice("source_type", source_type, SOURCE_TYPES)
    check_choice("design", design, DESIGNS)
    check_choice("developer_authored", developer_authored, DEVELOPER_AUTHORED)
    if year_from is not None and year_to is not None and year_from > year_to:
        raise InvalidArgument(f"year_from ({year_from}) must not be after year_to ({year_to})")
    wanted_inclusion = None if inclusion == NO_INCLUSION_STATUS else inclusion
    wanted_developer = DEVELOPER_AUTHORED.get(developer_authored or "")

    def chosen(source: SourceSummary) -> bool:
        return (kind in (None, source.kind)
                and (inclusion is None or source.inclusion_status == wanted_inclusion)
                and source_type in (None, source.source_type) and design in (None, source.design)
                and (year_from is None or (source.year is not None and source.year >= year_from))
                and (year_to is None or (source.year is not None and source.year <= year_to))
                and (developer_authored is None or source.developer_authored is wanted_developer))

    return [source for source in _all_sources(store) if chosen(source)]


@cached
def study(store: GraphStore, id: str) -> SourceDetail:
    """One study or other source: its bibliographic and design details, how it relates to other
    sources, the innovations it is about, its findings and the roles it states."""
    if not is_slug(id):
        raise NotFound("study or source", id)
    rows = source_rows(store)
    iri = next((str(mint(kind, id)) for kind in SOURCE_KINDS if str(mint(kind, id)) in rows), None)
    if iri is None:
        raise NotFound("study or source", id)
    row = rows[iri]
    labels = term_labels(store)
    links = source_links(store)
    return SourceDetail(
        **_source_summary(store, iri, row), doi=row.get("doi"), urls=(row.get("urls") or "").split(),
        design_as_reported=row.get("designAsReported"), setting=row.get("setting"), read_as=row.get("readAs"),
        inclusion_basis=row.get("inclusionBasis"),
        relative_to_review_search=label_of(labels, row.get("relativeToReviewSearch")),
        developer_authored_basis=row.get("developerAuthoredBasis"),
        founding_review=bool(as_bool(row.get("foundingReview"))), notes=split_lines(row.get("notes")),
        summarises=[source_ref(store, t) for s, r, t in links if s == iri and r == "summarises"],
        summarised_by=[source_ref(store, s) for s, r, t in links if t == iri and r == "summarises"],
        innovations=[innovation_ref(store, t) for s, r, t in links if s == iri and r == "studies"],
        findings=evidence_by_source(store).get(iri, []),
        involvements=[i for i in all_involvements(store) if i.stated_in and i.stated_in.iri == iri],
    )
