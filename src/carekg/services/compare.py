"""Innovations' profiles side by side (two to six of them), with the factors shared by all, by some,
and unique to one. Each innovation's counts per factor are what the rules tallied (carekg.tallies), read by a
query bound to it: the cost grows with its factors, not its findings."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Annotated

from pydantic import Field

from carekg.services.answer_cache import cached
from carekg.services.counts import innovation_tallies
from carekg.services.errors import InvalidArgument
from carekg.services.innovations import one_innovation_row
from carekg.services.refs import Concept, Counts, Ref, factor_ref, placement_of
from carekg.services.rows import notation_key
from carekg.store.base import GraphStore


@dataclass(frozen=True)
class ComparisonCell:
    innovation: Annotated[str, Field(examples=["signs-of-safety"])]
    effect: Annotated[str | None, Field(examples=["both"])]
    counts: Counts


#: Most innovations one comparison takes (issue 15: "up to six").
MAX_COMPARED = 6
SHARING = ("all", "some", "one")


@dataclass(frozen=True)
class ComparisonRow:
    factor: Ref
    subdomain: Concept | None
    domain: Concept | None
    sharing: Annotated[str, Field(examples=["some"], description="all, some or one: how many of the "
                                                                 "innovations have evidence on the factor")]
    cells: list[ComparisonCell]


@dataclass(frozen=True)
class UniqueFactors:
    innovation: Ref
    factors: list[Ref]


@dataclass(frozen=True)
class Comparison:
    """Profiles side by side: one row per factor any of the innovations has evidence on, grouped into
    factors shared by all the innovations, by some (two or more, not all), and unique to one."""

    innovations: list[Ref]
    shared_factors: Annotated[int, Field(examples=[3],
                                         description="factors with evidence for every innovation")]
    shared_by_all: list[Ref]
    shared_by_some: Annotated[list[Ref], Field(description="by at least two innovations, not all")]
    unique: Annotated[list[UniqueFactors], Field(description="per innovation, the factors only it has")]
    rows: list[ComparisonRow]


def compare(store: GraphStore, ids: Iterable[str]) -> Comparison:
    """Innovations' profiles side by side: for each factor, each innovation's effect and counts, and
    whether all, some or one of them have evidence on it. Two to MAX_COMPARED different innovations."""
    return _compare(store, tuple(ids))


def _sharing(present: int, compared: int) -> str:
    return "all" if present == compared else "some" if present > 1 else "one"


@cached
def _compare(store: GraphStore, ids: tuple[str, ...]) -> Comparison:
    distinct = tuple(dict.fromkeys(ids))
    if len(distinct) < 2:
        raise InvalidArgument("compare needs at least two different innovations")
    if len(distinct) > MAX_COMPARED:
        raise InvalidArgument(f"compare takes at most {MAX_COMPARED} innovations; got {len(distinct)}")
    innovations = []
    for id in distinct:
        iri, row = one_innovation_row(store, id)
        innovations.append(Ref(id, iri, row["label"]))
    # What the rules tallied per factor: a skewed innovation's 12,000 findings are not read, nor counted.
    tallies = {innovation.iri: innovation_tallies(store, innovation.iri) for innovation in innovations}
    factor_iris = {factor for by_factor in tallies.values() for factor in by_factor}
    rows = []
    for factor_iri in factor_iris:
        cells = []
        for innovation in innovations:
            found = tallies[innovation.iri].get(factor_iri)
            counts = found.counts if found else Counts()
            cells.append(ComparisonCell(innovation.id, counts.effect, counts))
        subdomain, domain = placement_of(store, factor_iri)
        present = sum(1 for cell in cells if cell.counts.findings)
        rows.append(ComparisonRow(factor_ref(store, factor_iri), subdomain, domain,
                                  _sharing(present, len(innovations)), cells))
    rows.sort(key=lambda r: (notation_key(r.subdomain.code if r.subdomain else "~"), r.factor.label.lower()))
    unique = [UniqueFactors(innovation, [row.factor for row in rows if row.sharing == "one"
                                         and row.cells[i].counts.findings])
              for i, innovation in enumerate(innovations)]
    by_all = [row.factor for row in rows if row.sharing == "all"]
    return Comparison(innovations, len(by_all), by_all, [row.factor for row in rows if row.sharing == "some"],
                      unique, rows)
