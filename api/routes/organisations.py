"""Organisations and their roles per innovation."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request, Response

from api import schemas
from api.deps import PaginationDep, SettingsDep, StoreDep
from api.responses import RDF_ALTERNATIVES, json_answer, resource_answer
from carekg import services

router = APIRouter(tags=["organisations"])


@router.get("/organisations", name="organisations-list",
            response_model=schemas.Page[services.OrganisationSummary])
def list_organisations(request: Request, store: StoreDep, settings: SettingsDep,
                       page: PaginationDep) -> Response:
    """Every organisation, by name, with its type and the roles it plays."""
    organisations, count = services.organisations_page(store, page.limit, page.offset)
    return json_answer(request, store, settings, page.paged(organisations, count),
                       schemas.Page[services.OrganisationSummary])


@router.get("/organisations/{id}", name="organisations-get", response_model=services.OrganisationDetail,
            responses=RDF_ALTERNATIVES)
def get_organisation(
    id: Annotated[str, Path(examples=["department-for-education"])],
    request: Request, store: StoreDep, settings: SettingsDep,
) -> Response:
    """One organisation and its roles per innovation, each with its basis and source."""
    detail = services.organisation(store, id)
    return resource_answer(request, store, settings, detail, services.OrganisationDetail)
