"""Findings (Evidence) and organisations' roles (Involvement), read from the store once per dataset
version and grouped by innovation, factor and source."""

from __future__ import annotations

from dataclasses import dataclass

from carekg.ids import slug_of
from carekg.services.answer_cache import cached
from carekg.services.refs import (
    Ref,
    SourceRef,
    factor_ref,
    innovation_ref,
    label_of,
    organisation_rows,
    ref_in,
    source_ref,
    term_labels,
)
from carekg.services.rows import as_bool, group_by, select
from carekg.services.vocabulary import code, code_or_none
from carekg.store.base import GraphStore, Row


@dataclass(frozen=True)
class Evidence:
    """One finding: a factor acted in ``direction`` for an innovation (or for innovations in general)."""

    id: str
    iri: str
    direction: str
    provenance: str | None
    provenance_label: str | None
    paraphrase: str | None
    locator: str | None
    factor_as_reported: str | None
    review_synthesis: bool
    general: bool
    factor: Ref
    innovation: Ref | None
    source: SourceRef


@dataclass(frozen=True)
class Involvement:
    """One organisation's role for one innovation, with its basis and the source that states it."""

    organisation: Ref
    organisation_type: str | None
    innovation: Ref
    role: str
    role_label: str
    basis: str | None
    claim_kind: str | None
    stated_in: SourceRef | None


def evidence_of(store: GraphStore, labels: dict[str, str], row: Row, innovation: Ref | None,
                 source: SourceRef) -> Evidence:
    """A finding as a row of api_findings.rq or api_innovation_findings.rq gives it."""
    return Evidence(
        id=slug_of(row["finding"]), iri=row["finding"], direction=code(row["direction"]),
        provenance=code_or_none(row.get("provenance")), provenance_label=label_of(labels, row.get("provenance")),
        paraphrase=row.get("paraphrase"), locator=row.get("locator"), factor_as_reported=row.get("factorAsReported"),
        review_synthesis=bool(as_bool(row.get("reviewSynthesis"))), general=bool(as_bool(row.get("general"))),
        factor=factor_ref(store, row["factor"]), innovation=innovation, source=source)


@cached
def all_evidence(store: GraphStore) -> list[Evidence]:
    labels = term_labels(store)
    evidence = []
    for row in select(store, "api_findings"):
        innovation = innovation_ref(store, row["innovation"]) if row.get("innovation") else None
        evidence.append(evidence_of(store, labels, row, innovation, source_ref(store, row["source"])))
    return evidence


@cached
def evidence_by_innovation(store: GraphStore) -> dict[str, list[Evidence]]:
    return group_by(all_evidence(store), lambda e: e.innovation.iri if e.innovation else None)


@cached
def evidence_by_factor(store: GraphStore) -> dict[str, list[Evidence]]:
    return group_by(all_evidence(store), lambda e: e.factor.iri)


@cached
def evidence_by_source(store: GraphStore) -> dict[str, list[Evidence]]:
    return group_by(all_evidence(store), lambda e: e.source.iri)


@cached
def all_involvements(store: GraphStore) -> list[Involvement]:
    return involvements_of(store, select(store, "api_involvements"))


def involvements_of(store: GraphStore, rows: list[Row]) -> list[Involvement]:
    labels = term_labels(store)
    organisations = organisation_rows(store)
    involvements = []
    for row in rows:
        organisation_iri = row["organisation"]
        organisation = organisations.get(organisation_iri, {})
        involvements.append(Involvement(
            organisation=ref_in(organisations, organisation_iri),
            organisation_type=code_or_none(organisation.get("type")),
            innovation=innovation_ref(store, row["innovation"]),
            role=code(row["role"]), role_label=label_of(labels, row["role"]) or code(row["role"]),
            basis=row.get("basis"), claim_kind=code_or_none(row.get("claimKind")),
            stated_in=source_ref(store, row["statedIn"]) if row.get("statedIn") else None,
        ))
    return involvements
