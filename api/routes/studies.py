"""Studies and the other sources that findings come from."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request, Response

from api import schemas
from api.deps import PaginationDep, SettingsDep, StoreDep
from api.responses import RDF_ALTERNATIVES, json_answer, resource_answer
from carekg import services

router = APIRouter(tags=["studies"])

SourceKind = Annotated[Literal["study", "source"] | None,
                       Query(description="study: research; source: any other document (news, reports)")]


@router.get("/studies", name="studies-list", response_model=schemas.Page[services.SourceSummary])
def list_studies(request: Request, store: StoreDep, settings: SettingsDep, page: PaginationDep,
                 kind: SourceKind = None) -> Response:
    """Every study and other source, newest first, with its design and how many findings it gives."""
    return json_answer(request, store, settings, page.page(services.list_studies(store, kind)),
                       schemas.Page[services.SourceSummary])


@router.get("/studies/{id}", name="studies-get", response_model=services.SourceDetail,
            responses=RDF_ALTERNATIVES)
def get_study(
    id: Annotated[str, Path(examples=["mann-2023-rapid-review"])],
    request: Request, store: StoreDep, settings: SettingsDep,
) -> Response:
    """One study or source: citation, design, independence, relations to other sources, the
    innovations it is about, its findings and the organisational roles it states."""
    return resource_answer(request, store, settings, services.study(store, id), services.SourceDetail)
