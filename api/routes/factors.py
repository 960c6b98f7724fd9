"""Implementation factors and the innovations they support or hinder (CQ-3)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response

from api import schemas
from api.deps import MAX_OFFSET, PaginationDep, SettingsDep, StoreDep
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
    findings_per_innovation: Annotated[int, Query(
        ge=0, le=services.MAX_FINDINGS_PER_INNOVATION,
        description="the most findings listed per innovation and about innovations in general; the counts "
                    "cover them all, and each innovation's more and findings_url give the rest")
    ] = services.FINDINGS_PER_INNOVATION,
    innovations_with_findings: Annotated[int, Query(
        ge=0, le=services.MAX_INNOVATIONS_WITH_FINDINGS,
        description="how many innovations (most findings first) list their findings; every innovation "
                    "is listed with its counts")] = services.INNOVATIONS_WITH_FINDINGS,
    innovations_limit: Annotated[int, Query(
        ge=1, le=services.MAX_INNOVATIONS_LIMIT,
        description="how many innovations are listed (most findings first, then by label); "
                    "innovations_more and innovations_url give the rest")] = services.INNOVATIONS_LIMIT,
    innovations_offset: Annotated[int, Query(ge=0, le=MAX_OFFSET, description="innovations to skip")] = 0,
) -> Response:
    """One factor: definition, CFIR 2.0 matches, a page of the innovations it supports or hinders with
    the evidence (counted in full, listed up to the two caps), findings about innovations in general, and
    any consensus reached on it."""
    detail = services.factor(store, id, findings_per_innovation, innovations_with_findings, innovations_limit,
                             innovations_offset)
    return resource_answer(request, store, settings, detail, services.FactorDetail)
