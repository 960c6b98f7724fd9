"""The NASSS and CFIR 2.0 concept trees, with the evidence under each concept."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Annotated

from pydantic import Field

from carekg.ids import slug_of
from carekg.namespaces import CKG
from carekg.services.answer_cache import cached
from carekg.services.counts import EvidenceCounts, counts_by_kind
from carekg.services.refs import (
    Concept,
    Counts,
    concept_examples,
    concept_rows,
    factor_mappings,
    factor_ref,
    iri_of,
)
from carekg.services.rows import as_bool, group_by, notation_key
from carekg.services.vocabulary import CONCEPT_LEVELS_BY_IRI
from carekg.store.base import GraphStore, Row


@dataclass(frozen=True)
class MappedFactor:
    """A factor placed under a concept: ``match`` is ``broader`` (NASSS), ``close`` or ``related`` (CFIR)."""

    id: Annotated[str, Field(examples=["senior-leadership-buy-in-and-support"])]
    iri: Annotated[str, Field(examples=[iri_of("factor", "senior-leadership-buy-in-and-support")])]
    label: Annotated[str, Field(examples=["Senior management and leadership buy-in and support"])]
    match: Annotated[str, Field(examples=["broader"],
                                description="broader (NASSS placement), close or related (CFIR)")]
    findings: Annotated[int, Field(examples=[10])]


@dataclass(frozen=True)
class ConceptNode(Concept):
    """A framework concept with the evidence under it (its own factors' and its descendants')."""

    __pydantic_config__ = concept_examples("nasss", "5", "5", "The organization(s)")

    level: Annotated[str, Field(examples=["nasss-domain"])]
    definition: str | None
    covered_by_review: bool | None
    label_verified: bool | None
    counts: Counts
    factors: list[MappedFactor]
    children: list[ConceptNode]


@dataclass(frozen=True)
class Taxonomy:
    nasss: list[ConceptNode]
    cfir: list[ConceptNode]


@cached
def taxonomy(store: GraphStore) -> Taxonomy:
    """The NASSS and CFIR 2.0 trees; each concept counts the findings whose factors sit under it
    (NASSS: the factor's sub-domain; CFIR: the factor's close or related matches), as the rules
    materialised them (rule_evidence_counts.rq): no finding is read."""
    concepts = concept_rows(store)
    placed: dict[str, list[MappedFactor]] = defaultdict(list)
    factor_counts = counts_by_kind(store, str(CKG.ImplementationFactor))
    concept_counts = {iri: counts for level in {row["level"] for row in concepts.values()}
                      for iri, counts in counts_by_kind(store, level).items()}
    for factor_iri, mappings in factor_mappings(store).items():
        findings = factor_counts.get(factor_iri, EvidenceCounts()).counts.findings
        ref = factor_ref(store, factor_iri)
        for match, concept_iri in mappings:
            placed[concept_iri].append(MappedFactor(ref.id, ref.iri, ref.label, match, findings))
    children = group_by(concepts.values(), lambda row: row.get("broader"))

    def in_notation_order(rows: Iterable[Row]) -> list[Row]:
        return sorted(rows, key=lambda row: notation_key(row.get("notation", "")))

    def node(row: Row) -> ConceptNode:
        iri = row["concept"]
        return ConceptNode(
            slug_of(iri), iri, row.get("notation", ""), row["label"], CONCEPT_LEVELS_BY_IRI[row["level"]],
            row.get("definition"), as_bool(row.get("coveredByReview")), as_bool(row.get("labelVerified")),
            concept_counts.get(iri, EvidenceCounts()).counts,
            sorted(placed.get(iri, []), key=lambda f: f.label.lower()),
            [node(child) for child in in_notation_order(children.get(iri, []))])

    roots = in_notation_order(row for row in concepts.values() if row.get("broader") is None)
    return Taxonomy(nasss=[node(r) for r in roots if r["level"] == str(CKG.NasssDomain)],
                    cfir=[node(r) for r in roots if r["level"] == str(CKG.CfirDomain)])
