"""Implementation factors: the list and one factor's page (definition, CFIR matches, the innovations it
supports or hinders, general findings, consensus)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, cast

from pydantic import Field

from carekg.ids import slug_of
from carekg.namespaces import CKG
from carekg.services.answer_cache import cached
from carekg.services.consensus import ConsensusFinding, consensus
from carekg.services.counts import EvidenceCounts, counts_by_kind, counts_of
from carekg.services.errors import NotFound
from carekg.services.evidence import Evidence, evidence_about
from carekg.services.refs import (
    Concept,
    Counts,
    Ref,
    concept_of,
    concept_rows,
    factor_mappings,
    factor_rows,
    iri_of,
    placement_of,
    resource_iri,
)
from carekg.services.rows import group_by
from carekg.services.vocabulary import code_or_none
from carekg.store.base import GraphStore, Row


@dataclass(frozen=True)
class FactorSummary:
    id: Annotated[str, Field(examples=["senior-leadership-buy-in-and-support"])]
    iri: Annotated[str, Field(examples=[iri_of("factor", "senior-leadership-buy-in-and-support")])]
    label: Annotated[str, Field(examples=["Senior management and leadership buy-in and support"])]
    subdomain: Concept | None
    domain: Concept | None
    counts: Counts
    innovation_count: Annotated[int, Field(examples=[4])]


@dataclass(frozen=True)
class ConceptMatch:
    """A CFIR 2.0 concept a factor matches; ``match`` is ``close`` or ``related``."""

    concept: Concept
    match: Annotated[str, Field(examples=["close"], description="close or related (SKOS mapping)")]


@dataclass(frozen=True)
class FactorForInnovation:
    innovation: Ref
    effect: Annotated[str | None, Field(examples=["supports"])]
    counts: Counts
    findings: list[Evidence]


@dataclass(frozen=True)
class FactorDetail(FactorSummary):
    definition: Annotated[str | None, Field(examples=["Visible backing from directors and senior managers."])]
    scope_note: str | None
    placement: Annotated[str | None,
                         Field(examples=["curator-inference"], description="who placed it in NASSS")]
    cfir: list[ConceptMatch]
    innovations: list[FactorForInnovation]
    general_findings: list[Evidence]
    consensus: list[ConsensusFinding]


def _factor_summary(store: GraphStore, iri: str, row: Row, counts: EvidenceCounts) -> dict:
    subdomain, domain = placement_of(store, iri)
    return dict(id=slug_of(iri), iri=iri, label=row["label"], subdomain=subdomain, domain=domain,
                counts=counts.counts, innovation_count=counts.innovations)


@cached
def list_factors(store: GraphStore) -> list[FactorSummary]:
    """Every implementation factor, by label, with its NASSS placement and evidence counts (those the
    rules materialised: no finding is read)."""
    counts = counts_by_kind(store, str(CKG.ImplementationFactor))
    return [FactorSummary(**_factor_summary(store, iri, row, counts.get(iri, EvidenceCounts())))
            for iri, row in factor_rows(store).items()]


@cached
def factor(store: GraphStore, id: str) -> FactorDetail:
    """One factor: its definition, CFIR matches, the innovations it supports or hinders with the
    evidence, findings about innovations in general, and any consensus the rule reached on it."""
    iri = resource_iri("factor", id)
    row = factor_rows(store).get(iri)
    if row is None:
        raise NotFound("factor", id)
    concepts = concept_rows(store)
    cfir = [ConceptMatch(matched, match)
            for match, concept in factor_mappings(store).get(iri, [])
            if match != "broader" and (matched := concept_of(concepts, concept)) is not None]
    evidence = evidence_about(store, iri)
    by_innovation = group_by(evidence, lambda e: e.innovation.iri if e.innovation else None)
    per_innovation = sorted(
        # grouped by innovation, so every group has one
        (FactorForInnovation(cast(Ref, items[0].innovation), Counts.of(items).effect, Counts.of(items),
                             items)
         for items in by_innovation.values()),
        key=lambda f: (-f.counts.findings, f.innovation.label.lower()))
    return FactorDetail(
        **_factor_summary(store, iri, row, counts_of(store, iri)), definition=row.get("definition"),
        scope_note=row.get("scopeNote") or None, placement=code_or_none(row.get("placement")), cfir=cfir,
        innovations=per_innovation, general_findings=[e for e in evidence if e.innovation is None],
        consensus=[c for c in consensus(store).results if c.factor.iri == iri],
    )
