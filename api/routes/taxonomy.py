"""The frameworks and the views across innovations: NASSS and CFIR trees, consensus (CQ-6), gaps (CQ-4)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from api import rendering, schemas
from api.deps import PaginationDep, SettingsDep, StoreDep
from api.responses import HTML, JSON, RDF_TYPES, choose, json_answer, versioned
from carekg import services

router = APIRouter(tags=["frameworks"])


@router.get("/taxonomy", name="frameworks-taxonomy", response_model=services.Taxonomy)
def get_taxonomy(request: Request, store: StoreDep, settings: SettingsDep) -> Response:
    """The NASSS and CFIR 2.0 trees, each concept with the factors placed under it and the number
    of findings under it and its descendants."""
    return json_answer(request, store, settings, services.taxonomy(store), services.Taxonomy)


_CONSENSUS_TYPES = (JSON, HTML, *RDF_TYPES)


@router.get("/consensus", name="frameworks-consensus", response_model=services.Consensus,
            responses={200: {"description":
                             "JSON by default; an HTML page, or RDF (JSON-LD, Turtle...) by Accept",
                             "content": {media_type: {} for media_type in _CONSENSUS_TYPES[1:]}},
                       406: {"description": "no acceptable representation"}})
def get_consensus(request: Request, store: StoreDep, settings: SettingsDep) -> Response:
    """The factors the evidence agrees on, by the named, versioned consensus rule (CQ-6), in two
    evidence windows (up to the review's search; all evidence), the review's seven claims beside the
    rule's verdicts, and each result's CERQual-style confidence with a reason per component."""
    media_type = choose(request, _CONSENSUS_TYPES)
    if media_type == JSON:
        return json_answer(request, store, settings, services.consensus(store), services.Consensus)
    if media_type == HTML:
        content = rendering.render(request, settings, "consensus.html", consensus=services.consensus(store))
    else:
        content = services.consensus_rdf(store, media_type)
    return versioned(request, store, settings, media_type, content)


@router.get("/gaps", name="frameworks-gaps", response_model=schemas.Page[services.InnovationGaps])
def get_gaps(request: Request, store: StoreDep, settings: SettingsDep, page: PaginationDep) -> Response:
    """Per innovation, the NASSS sub-domains without any evidence (CQ-4)."""
    gaps, count = services.gaps_page(store, page.limit, page.offset)
    return json_answer(request, store, settings, page.paged(gaps, count),
                       schemas.Page[services.InnovationGaps])
