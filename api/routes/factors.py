"""Implementation factors and the innovations they support or hinder (CQ-3)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request, Response

from api import schemas
from api.deps import PaginationDep, SettingsDep, StoreDep
from api.responses import RDF_ALTERNATIVES, json_answer, resource_answer
from carekg import services

router = APIRouter(tags=["factors"])


@router.get("/factors", name="factors-list", response_model=schemas.Page[services.FactorSummary])
def list_factors(request: Request, store: StoreDep, settings: SettingsDep, page: PaginationDep) -> Response:
    """Every implementation factor, by label, with its NASSS placement and evidence counts."""
    return json_answer(request, store, settings, page.page(services.list_factors(store)),
                       schemas.Page[services.FactorSummary])


@router.get("/factors/{id}", name="factors-get", response_model=services.FactorDetail,
            responses=RDF_ALTERNATIVES)
def get_factor(
    id: Annotated[str, Path(examples=["senior-leadership-buy-in-and-support"])],
    request: Request, store: StoreDep, settings: SettingsDep,
) -> Response:
    """One factor: definition, CFIR 2.0 matches, the innovations it supports or hinders with the
    evidence, findings about innovations in general, and any consensus reached on it."""
    return resource_answer(request, store, settings, services.factor(store, id), services.FactorDetail)
