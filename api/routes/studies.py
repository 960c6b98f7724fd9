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
# The value sets come from the vocabulary, so OpenAPI lists them and FastAPI refuses others with 422.
Inclusion = Literal[tuple([*services.INCLUSION_STATUSES, services.NO_INCLUSION_STATUS])]
SourceType = Literal[tuple(services.SOURCE_TYPES)]
Design = Literal[tuple(services.DESIGNS)]
DeveloperAuthored = Literal[tuple(services.DEVELOPER_AUTHORED)]
Year = Annotated[int | None, Query(ge=1000, le=9999, description="a publication year, inclusive; sources "
                                                                 "without a year are left out")]


@router.get("/studies", name="studies-list", response_model=schemas.Page[services.SourceSummary])
def list_studies(
    request: Request, store: StoreDep, settings: SettingsDep, page: PaginationDep, kind: SourceKind = None,
    inclusion: Annotated[Inclusion | None, Query(
        description="inclusion in the founding review; none: no status (only the founding review)")] = None,
    source_type: Annotated[SourceType | None, Query(description="only sources of this type")] = None,
    design: Annotated[Design | None, Query(description="only sources of this design")] = None,
    year_from: Year = None, year_to: Year = None,
    developer_authored: Annotated[DeveloperAuthored | None, Query(
        description="written by the innovation's developer or purveyor: true, false, or unknown")] = None,
) -> Response:
    """Every study and other source, newest first, with its inclusion status in the founding review,
    type, design, year, independence and how many findings it gives; the filters combine."""
    sources, count = services.studies_page(
        store, page.limit, page.offset, kind, inclusion=inclusion, source_type=source_type, design=design,
        year_from=year_from, year_to=year_to, developer_authored=developer_authored)
    return json_answer(request, store, settings, page.paged(sources, count),
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
