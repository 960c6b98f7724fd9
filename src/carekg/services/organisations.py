"""Organisations: the list and one organisation's page (its roles per innovation)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from pydantic import Field

from carekg import statistics
from carekg.ids import slug_of
from carekg.services.answer_cache import cached
from carekg.services.errors import NotFound
from carekg.services.evidence import Involvement, involvements_of
from carekg.services.refs import (
    Ref,
    by_label,
    iri_of,
    label_of,
    organisation_labels,
    resource_iri,
    term_labels,
)
from carekg.services.rows import as_int, group_by, select, select_page, split_lines
from carekg.services.vocabulary import code, code_or_none
from carekg.store.base import GraphStore, Row


@dataclass(frozen=True)
class OrganisationSummary:
    id: Annotated[str, Field(examples=["department-for-education"])]
    iri: Annotated[str, Field(examples=[iri_of("organisation", "department-for-education")])]
    label: Annotated[str, Field(examples=["Department for Education (England)"])]
    type: Annotated[str | None, Field(examples=["government-body"])]
    type_label: Annotated[str | None, Field(examples=["government body"])]
    innovation_count: Annotated[int, Field(examples=[5])]
    roles: Annotated[list[str], Field(examples=[["developer", "funder"]])]


@dataclass(frozen=True)
class RolesForInnovation:
    innovation: Ref
    roles: list[Involvement]


@dataclass(frozen=True)
class OrganisationDetail(OrganisationSummary):
    notes: list[str]
    innovations: list[RolesForInnovation]


def _organisation_summary(store: GraphStore, iri: str, row: Row, roles: Row) -> dict:
    """``roles``: the organisation's row of api_organisation_roles.rq (empty when it has none)."""
    return dict(id=slug_of(iri), iri=iri, label=row["label"], type=code_or_none(row.get("type")),
                type_label=label_of(term_labels(store), row.get("type")),
                innovation_count=as_int(roles.get("innovations")) or 0,
                roles=sorted({code(role) for role in (roles.get("roles") or "").split()}))


@cached
def organisations_page(store: GraphStore, limit: int | None, offset: int
                       ) -> tuple[list[OrganisationSummary], int]:
    """A page of the organisations by name (``limit`` after the first ``offset``; every one with
    ``limit=None``) and how many there are in all, with the roles each plays: their labels are sorted
    (api_organisation_labels.rq), then only the page's organisations are described and their
    involvements counted (api_organisation_summaries.rq bound to them)."""
    ranked = by_label(organisation_labels(store))
    page = tuple(ranked[offset:] if limit is None else ranked[offset:offset + limit])
    rows = {row["organisation"]: row
            for row in select(store, "api_organisation_summaries", organisation=page)} if page else {}
    return [OrganisationSummary(**_organisation_summary(store, iri, rows[iri], rows[iri])) for iri in page], \
        len(ranked)


def list_organisations(store: GraphStore) -> list[OrganisationSummary]:
    """Every organisation, by name, with the roles it plays."""
    return organisations_page(store, None, 0)[0]


@cached
def most_involved_organisations(store: GraphStore, limit: int) -> list[OrganisationSummary]:
    """The ``limit`` organisations involved in most innovations (then by IRI), by name, for the home
    page: a large graph holds thousands (GET /organisations pages through them all). They are picked from
    the innovations per organisation a load recorded (carekg.statistics) and only they are read; a store
    without them (an older load) has the engine count every involvement, sort and cut."""
    involved = statistics.innovations_per_organisation(store.recorded_entities())
    if not involved:
        rows = select_page(store, "api_organisations_most_involved", limit, 0)
    else:
        rows = _most_involved_rows(store, involved, limit)
    return [OrganisationSummary(**_organisation_summary(store, row["organisation"], row, row))
            for row in sorted(rows, key=lambda row: row["label"].lower())]


def _most_involved_rows(store: GraphStore, involved: dict[str, int], limit: int) -> list[Row]:
    """The rows of api_organisation_summaries.rq of the first ``limit`` organisations by most innovations
    (``involved``: the recorded counts) then IRI, those without a type or label passed over as
    api_organisations_most_involved.rq passes them; then, if too few, of those in no innovation. Only
    the recorded figures are sorted (one number per organisation), only the listed organisations read."""
    ranked = sorted(involved, key=lambda iri: (-involved[iri], iri))
    rows: list[Row] = []
    taken = 0
    while len(rows) < limit and taken < len(ranked):
        batch = ranked[taken:taken + limit - len(rows)]
        taken += len(batch)
        found = {row["organisation"]: row
                 for row in select(store, "api_organisation_summaries", organisation=tuple(batch))}
        rows += [found[iri] for iri in batch if iri in found]
    if len(rows) < limit:
        missing = limit - len(rows)
        uninvolved = tuple(row["organisation"]
                           for row in select_page(store, "api_organisations_uninvolved", missing, 0))
        if uninvolved:
            rows += select(store, "api_organisation_summaries", organisation=uninvolved)
    return rows


@cached
def organisation(store: GraphStore, id: str) -> OrganisationDetail:
    """One organisation and its roles per innovation, each with its basis and source (queries bound
    to the organisation)."""
    iri = resource_iri("organisation", id)
    found = select(store, "api_organisations", organisation=iri)
    if not found:
        raise NotFound("organisation", id)
    row = found[0]
    involvements = involvements_of(store, select(store, "api_involvements", organisation=iri))
    roles = select(store, "api_organisation_roles", organisation=iri)
    per_innovation = sorted((RolesForInnovation(items[0].innovation, items)
                             for items in group_by(involvements, lambda i: i.innovation.iri).values()),
                            key=lambda r: r.innovation.label.lower())
    return OrganisationDetail(**_organisation_summary(store, iri, row, roles[0] if roles else {}),
                              notes=split_lines(row.get("notes")), innovations=per_innovation)
