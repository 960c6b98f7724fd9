"""Findings (Evidence) and organisations' roles (Involvement): those of one factor, source or
organisation by queries bound to it, or (for the exports) every finding read once per dataset version."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from pydantic import Field

from carekg.ids import slug_of
from carekg.services.answer_cache import cached
from carekg.services.refs import (
    Ref,
    SourceRef,
    bare_source_ref,
    factor_ref,
    innovation_ref,
    iri_of,
    label_of,
    one_source_ref,
    source_ref,
    source_ref_of,
    term_labels,
)
from carekg.services.rows import as_bool, select
from carekg.services.vocabulary import code, code_or_none
from carekg.store.base import GraphStore, Row


@dataclass(frozen=True)
class Evidence:
    """One finding: a factor acted in ``direction`` for an innovation (or for innovations in general)."""

    id: Annotated[str, Field(examples=["a-sos-03"])]
    iri: Annotated[str, Field(examples=[iri_of("finding", "a-sos-03")])]
    direction: Annotated[str, Field(examples=["enabler"], description="enabler, barrier or mixed")]
    provenance: Annotated[str | None, Field(
        examples=["source-study"],
        description="review-abstract, review-page, source-study or curator-inference")]
    provenance_label: Annotated[str | None, Field(examples=["source study"])]
    paraphrase: Annotated[str | None,
                          Field(examples=["Directors' visible backing helped embed the framework."])]
    locator: Annotated[str | None, Field(examples=["Findings, section 4"])]
    factor_as_reported: Annotated[str | None, Field(examples=["leadership commitment"])]
    review_synthesis: Annotated[bool,
                                Field(description="the founding review's own synthesis across its studies")]
    general: Annotated[bool, Field(description="about innovations in children's social care in general")]
    factor: Ref
    innovation: Ref | None
    source: SourceRef


@dataclass(frozen=True)
class Involvement:
    """One organisation's role for one innovation, with its basis and the source that states it."""

    organisation: Ref
    organisation_type: Annotated[str | None, Field(examples=["local-authority"])]
    innovation: Ref
    role: Annotated[str, Field(examples=["developer"])]
    role_label: Annotated[str, Field(examples=["developer"])]
    basis: Annotated[str | None, Field(examples=["created the framework in Western Australia"])]
    claim_kind: Annotated[str | None, Field(examples=["source-study"])]
    stated_in: SourceRef | None


def evidence_of(store: GraphStore, labels: dict[str, str], row: Row, innovation: Ref | None,
                 source: SourceRef) -> Evidence:
    """A finding as a row of api_findings.rq or api_innovation_findings.rq gives it."""
    return Evidence(**finding_fields(labels, row), factor=factor_ref(store, row["factor"]),
                    innovation=innovation, source=source)


def finding_fields(labels: dict[str, str], row: Row) -> dict:
    """The finding's own fields of :class:`Evidence` from a query row (all but its factor, innovation and
    source, which callers resolve their own way)."""
    return dict(
        id=slug_of(row["finding"]), iri=row["finding"], direction=code(row["direction"]),
        provenance=code_or_none(row.get("provenance")),
        provenance_label=label_of(labels, row.get("provenance")),
        paraphrase=row.get("paraphrase"), locator=row.get("locator"),
        factor_as_reported=row.get("factorAsReported"),
        review_synthesis=bool(as_bool(row.get("reviewSynthesis"))), general=bool(as_bool(row.get("general"))))


@cached
def all_evidence(store: GraphStore) -> list[Evidence]:
    labels = term_labels(store)
    evidence = []
    for row in select(store, "api_findings"):
        innovation = innovation_ref(store, row["innovation"]) if row.get("innovation") else None
        evidence.append(evidence_of(store, labels, row, innovation, source_ref(store, row["source"])))
    return evidence


def evidence_about(store: GraphStore, subject: str) -> list[Evidence]:
    """The findings about factor ``subject`` or reported in source ``subject``, in finding order, by two
    queries bound to it: their cost grows with its findings, not the graph."""
    labels = term_labels(store)
    sources = {row["source"]: source_ref_of(labels, row["source"], row)
               for row in select(store, "api_finding_sources_of", subject=subject)}
    evidence = []
    for row in select(store, "api_findings_of", subject=subject):
        innovation = innovation_ref(store, row["innovation"]) if row.get("innovation") else None
        source = sources.get(row["source"]) or bare_source_ref(row["source"])
        evidence.append(evidence_of(store, labels, row, innovation, source))
    return evidence


def involvements_of(store: GraphStore, rows: list[Row]) -> list[Involvement]:
    """Involvements from rows of api_involvements.rq (labels and the organisation's type included); the
    sources stating them are read one by one (a page shows few), never as the table of every source,
    organisation or innovation."""
    labels = term_labels(store)
    stated_in = {iri: one_source_ref(store, iri)
                 for iri in {row["statedIn"] for row in rows if row.get("statedIn")}}
    involvements = []
    for row in rows:
        organisation_iri, innovation_iri = row["organisation"], row["innovation"]
        involvements.append(Involvement(
            organisation=Ref(slug_of(organisation_iri), organisation_iri,
                             row.get("organisationLabel") or slug_of(organisation_iri)),
            organisation_type=code_or_none(row.get("organisationType")),
            innovation=Ref(slug_of(innovation_iri), innovation_iri,
                           row.get("innovationLabel") or slug_of(innovation_iri)),
            role=code(row["role"]), role_label=label_of(labels, row["role"]) or code(row["role"]),
            basis=row.get("basis"), claim_kind=code_or_none(row.get("claimKind")),
            stated_in=stated_in[row["statedIn"]] if row.get("statedIn") else None,
        ))
    return involvements
