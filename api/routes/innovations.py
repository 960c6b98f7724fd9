"""Innovations, their factor profiles (CQ-1, CQ-2) and profiles side by side."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request, Response
from markupsafe import Markup

from api import rendering, schemas
from api.deps import PaginationDep, SettingsDep, StoreDep
from api.responses import (
    HTML,
    JSON,
    JSONLD,
    RDF_ALTERNATIVES,
    choose,
    json_answer,
    jsonld_answer,
    resource_answer,
    versioned,
)
from carekg import services
from carekg.drawing.compare_chart import compare_chart

router = APIRouter(tags=["innovations"])

InnovationId = Annotated[str, Path(description="the innovation's id, e.g. signs-of-safety",
                                   examples=["signs-of-safety"])]
# The value sets come from the vocabulary, so OpenAPI lists them and FastAPI refuses others with 422.
Direction = Literal[tuple(services.DIRECTIONS)]
Provenance = Literal[tuple(services.PROVENANCE_KINDS)]
Design = Literal[tuple(services.DESIGNS)]
Framework = Literal[tuple(services.FRAMEWORKS)]
# Checked by the service against the framework's codes, so a bad one is a 422 naming what is allowed.
FindingsPerFactor = Annotated[int, Query(
    ge=0, le=services.MAX_FINDINGS_PER_FACTOR,
    description="the most findings listed per factor (NASSS profile); each factor's counts cover them all, "
                "its more says how many are not listed and its findings_url is the GET /findings query "
                "for every one")]
DomainCode = Annotated[str | None, Query(
    max_length=16, description="only one domain: with framework=nasss a NASSS domain (e.g. 5) or sub-domain "
    "(e.g. 5B); with framework=cfir a CFIR 2.0 domain (e.g. III), construct (e.g. III.K) or sub-construct "
    "(e.g. III.A.2)")]


@router.get("/innovations", name="innovations-list",
            response_model=schemas.Page[services.InnovationSummary])
def list_innovations(request: Request, store: StoreDep, settings: SettingsDep,
                     page: PaginationDep) -> Response:
    """Every innovation, by label, with counts of its findings, sources and factors."""
    innovations, count = services.innovations_page(store, page.limit, page.offset)
    return json_answer(request, store, settings, page.paged(innovations, count),
                       schemas.Page[services.InnovationSummary])


@router.get("/innovations/{id}", name="innovations-get", response_model=services.InnovationDetail,
            responses=RDF_ALTERNATIVES)
def get_innovation(
    id: InnovationId, request: Request, store: StoreDep, settings: SettingsDep,
    sources_listed: Annotated[int, Query(
        ge=0, le=services.MAX_SOURCES_LISTED,
        description="the most cited sources listed, newest first; more_sources counts the others")
    ] = services.SOURCES_LISTED,
) -> Response:
    """One innovation: what it is, the organisations involved and their roles, the sources about it."""
    return resource_answer(request, store, settings, services.innovation(store, id, sources_listed),
                           services.InnovationDetail)


@router.get("/innovations/{id}/profile", name="innovations-profile",
            response_model=services.InnovationProfile | services.CfirProfile,
            responses={404: {"description": "no innovation with that id"}})
def get_profile(
    id: InnovationId, request: Request, store: StoreDep, settings: SettingsDep,
    direction: Annotated[Direction | None, Query(description="only findings in this direction")] = None,
    framework: Annotated[Framework, Query(description="group by NASSS (the default) or CFIR 2.0")] = "nasss",
    domain: DomainCode = None,
    provenance: Annotated[Provenance | None, Query(description="only findings of this provenance")] = None,
    design: Annotated[Design | None, Query(description="only findings from sources of this design")] = None,
    findings_per_factor: FindingsPerFactor = services.FINDINGS_PER_FACTOR,
) -> Response:
    """The factors that support, hinder or both, grouped by NASSS domain and sub-domain (or, with
    framework=cfir, by CFIR 2.0 domain and construct through the crosswalk, each mapping close or related,
    and the factors it does not map in a group of their own), each with its findings, their sources and
    designs, provenance kinds and counts (CQ-1, CQ-2)."""
    filters = dict(direction=direction, domain=domain, provenance=provenance, design=design)
    if framework == "cfir":
        cfir = services.innovation_cfir_profile(store, id, **filters, findings_per_factor=findings_per_factor)
        return json_answer(request, store, settings, cfir, services.CfirProfile)
    profile = services.innovation_profile(store, id, **filters, findings_per_factor=findings_per_factor)
    return json_answer(request, store, settings, profile, services.InnovationProfile)


_BRIEFING_TYPES = (JSON, HTML, JSONLD)


@router.get("/innovations/{id}/briefing", name="innovations-briefing", response_model=services.Briefing,
            responses={200: {"description": "JSON by default; a printable HTML page, or JSON-LD, by Accept",
                             "content": {media_type: {} for media_type in _BRIEFING_TYPES[1:]}},
                       404: {"description": "no innovation with that id"},
                       406: {"description": "no acceptable representation"}})
def get_briefing(id: InnovationId, request: Request, store: StoreDep, settings: SettingsDep) -> Response:
    """One page for a commissioner (issue 15): what the innovation is, its strongest enablers and
    barriers with the strength of their evidence and any consensus result with its CERQual-style
    confidence, strategies suggested for each barrier with their basis, the NASSS sub-domains without
    evidence, the sources with their type and independence, and the dataset version."""
    media_type = choose(request, _BRIEFING_TYPES)
    briefing = services.briefing(store, id)
    if media_type == JSON:
        return json_answer(request, store, settings, briefing, services.Briefing)
    if media_type == JSONLD:
        return jsonld_answer(request, store, settings, briefing, services.Briefing,
                             services.briefing_jsonld_context())
    content = rendering.render(request, settings, "briefing.html", briefing=briefing,
                           reasons=services.UNCOUNTED_REASONS)
    return versioned(request, store, settings, HTML, content)


_COMPARE_TYPES = (JSON, HTML)


@router.get("/compare", name="innovations-compare", response_model=services.Comparison,
            responses={200: {"description": "JSON by default; a page with a table and a chart by Accept",
                             "content": {HTML: {}}},
                       404: {"description": "an innovation does not exist"},
                       406: {"description": "no acceptable representation"},
                       422: {"description": "fewer than two or more than six innovations"}})
def compare(
    request: Request, store: StoreDep, settings: SettingsDep,
    innovation: Annotated[list[str], Query(min_length=2, max_length=services.MAX_COMPARED,
                                           description="two to six innovation ids",
                                           examples=[["signs-of-safety", "mockingbird-family-model"]])],
) -> Response:
    """Innovations' profiles side by side (two to six): each factor's effect and evidence per innovation,
    and the factors shared by all, shared by some and unique to each."""
    media_type = choose(request, _COMPARE_TYPES)
    comparison = services.compare(store, innovation)
    if media_type == JSON:
        return json_answer(request, store, settings, comparison, services.Comparison)
    content = rendering.render(request, settings, "compare.html", comparison=comparison,
                           chart=Markup(compare_chart(comparison)))
    return versioned(request, store, settings, HTML, content)
