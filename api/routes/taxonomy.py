"""The frameworks and the views across innovations: NASSS and CFIR trees, consensus (CQ-6), gaps (CQ-4)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from api import schemas
from api.deps import PaginationDep, SettingsDep, StoreDep
from api.responses import json_answer
from carekg import services

router = APIRouter(tags=["frameworks"])


@router.get("/taxonomy", name="frameworks-taxonomy", response_model=services.Taxonomy)
def get_taxonomy(request: Request, store: StoreDep, settings: SettingsDep) -> Response:
    """The NASSS and CFIR 2.0 trees, each concept with the factors placed under it and the number
    of findings under it and its descendants."""
    return json_answer(request, store, settings, services.taxonomy(store), services.Taxonomy)


@router.get("/consensus", name="frameworks-consensus", response_model=services.Consensus)
def get_consensus(request: Request, store: StoreDep, settings: SettingsDep) -> Response:
    """The factors the evidence agrees on, by the named, versioned consensus rule (CQ-6)."""
    return json_answer(request, store, settings, services.consensus(store), services.Consensus)


@router.get("/gaps", name="frameworks-gaps", response_model=schemas.Page[services.InnovationGaps])
def get_gaps(request: Request, store: StoreDep, settings: SettingsDep, page: PaginationDep) -> Response:
    """Per innovation, the NASSS sub-domains without any evidence (CQ-4)."""
    return json_answer(request, store, settings, page.page(services.gaps(store)),
                       schemas.Page[services.InnovationGaps])
