"""Organisations: the list and one organisation's page (its roles per innovation)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from pydantic import Field

from carekg.ids import slug_of
from carekg.services.answer_cache import cached
from carekg.services.errors import NotFound
from carekg.services.evidence import Involvement, involvements_of
from carekg.services.refs import Ref, iri_of, label_of, organisation_rows, resource_iri, term_labels
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
def list_organisations(store: GraphStore) -> list[OrganisationSummary]:
    """Every organisation, by name, with the roles it plays (one aggregate over the involvements)."""
    roles = {row["organisation"]: row for row in select(store, "api_organisation_roles")}
    return [OrganisationSummary(**_organisation_summary(store, iri, row, roles.get(iri, {})))
            for iri, row in organisation_rows(store).items()]


@cached
def most_involved_organisations(store: GraphStore, limit: int) -> list[OrganisationSummary]:
    """The ``limit`` organisations involved in most innovations (the engine counts, sorts and cuts), by
    name, for the home page: a large graph holds hundreds (GET /organisations pages through them all)."""
    rows = select_page(store, "api_organisations_most_involved", limit, 0)
    return [OrganisationSummary(**_organisation_summary(store, row["organisation"], row, row))
            for row in sorted(rows, key=lambda row: row["label"].lower())]


@cached
def organisation(store: GraphStore, id: str) -> OrganisationDetail:
    """One organisation and its roles per innovation, each with its basis and source (queries bound
    to the organisation)."""
    iri = resource_iri("organisation", id)
    row = organisation_rows(store).get(iri)
    if row is None:
        raise NotFound("organisation", id)
    involvements = involvements_of(store, select(store, "api_involvements", organisation=iri))
    roles = select(store, "api_organisation_roles", organisation=iri)
    per_innovation = sorted((RolesForInnovation(items[0].innovation, items)
                             for items in group_by(involvements, lambda i: i.innovation.iri).values()),
                            key=lambda r: r.innovation.label.lower())
    return OrganisationDetail(**_organisation_summary(store, iri, row, roles[0] if roles else {}),
                              notes=split_lines(row.get("notes")), innovations=per_innovation)
