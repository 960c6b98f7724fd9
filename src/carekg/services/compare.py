"""Innovations' profiles side by side."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Annotated

from pydantic import Field

from carekg.ids import slug_of
from carekg.services.answer_cache import cached
from carekg.services.errors import InvalidArgument
from carekg.services.evidence import evidence_by_innovation
from carekg.services.innovations import innovation_row
from carekg.services.refs import Concept, Counts, Ref, factor_ref, placement_of
from carekg.services.rows import notation_key
from carekg.store.base import GraphStore


@dataclass(frozen=True)
class ComparisonCell:
    innovation: Annotated[str, Field(examples=["signs-of-safety"])]
    effect: Annotated[str | None, Field(examples=["both"])]
    counts: Counts


@dataclass(frozen=True)
class ComparisonRow:
    factor: Ref
    subdomain: Concept | None
    domain: Concept | None
    cells: list[ComparisonCell]


@dataclass(frozen=True)
class Comparison:
    """Profiles side by side: one row per factor any of the innovations has evidence on."""

    innovations: list[Ref]
    shared_factors: Annotated[int, Field(examples=[3],
                                         description="factors with evidence for every innovation")]
    rows: list[ComparisonRow]


def compare(store: GraphStore, ids: Iterable[str]) -> Comparison:
    """Innovations' profiles side by side: for each factor, each innovation's effect and counts."""
    return _compare(store, tuple(ids))


@cached
def _compare(store: GraphStore, ids: tuple[str, ...]) -> Comparison:
    if len(set(ids)) < 2:
        raise InvalidArgument("compare needs at least two different innovations")
    innovations = [innovation_row(store, id) for id in dict.fromkeys(ids)]
    by_innovation = evidence_by_innovation(store)
    factor_iris = {e.factor.iri for iri, _ in innovations for e in by_innovation.get(iri, [])}
    rows = []
    for factor_iri in factor_iris:
        cells = []
        for iri, _ in innovations:
            counts = Counts.of(e for e in by_innovation.get(iri, []) if e.factor.iri == factor_iri)
            cells.append(ComparisonCell(slug_of(iri), counts.effect, counts))
        subdomain, domain = placement_of(store, factor_iri)
        rows.append(ComparisonRow(factor_ref(store, factor_iri), subdomain, domain, cells))
    rows.sort(key=lambda r: (notation_key(r.subdomain.code if r.subdomain else "~"), r.factor.label.lower()))
    shared = sum(all(cell.counts.findings for cell in row.cells) for row in rows)
    return Comparison([Ref(slug_of(iri), iri, row["label"]) for iri, row in innovations], shared, rows)
