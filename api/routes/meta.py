"""About the service and the dataset: health, version, the VoID description, the JSON-LD context, and the
site's icon where browsers look for it."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse, RedirectResponse

from api import schemas
from api.deps import SettingsDep, StoreDep
from api.responses import RDF_TYPES, choose, json_answer, versioned
from carekg import services

router = APIRouter(tags=["meta"])


@router.get("/health", name="meta-health", response_model=schemas.Health)
def health(store: StoreDep) -> dict:
    """Whether the service is up, and which dataset version it serves."""
    return {"status": "ok", "dataset_version": store.dataset_version()}


@router.get("/version", name="meta-version", response_model=services.Overview)
def version(request: Request, store: StoreDep, settings: SettingsDep) -> Response:
    """The package, ontology and dataset versions, and what the dataset holds."""
    return json_answer(request, store, settings, services.overview(store), services.Overview)


@router.get("/.well-known/void", name="meta-void", response_class=Response,
            responses={200: {"content": {media_type: {} for media_type in RDF_TYPES}}})
def void(request: Request, store: StoreDep, settings: SettingsDep) -> Response:
    """The VoID description of the dataset: named graphs and their sizes, class partitions,
    vocabularies, licence and the SPARQL endpoint (Turtle by default; JSON-LD and others by Accept)."""
    media_type = choose(request, RDF_TYPES)
    content = services.void_description(store, f"{settings.base_iri}.well-known/void#dataset",
                                        str(request.url_for("sparql-query-get")), media_type)
    return versioned(request, store, settings, media_type, content)


@router.get("/context.jsonld", name="meta-context", response_class=JSONResponse,
            responses={200: {"content": {"application/ld+json": {}}}})
def context() -> JSONResponse:
    """The JSON-LD @context that carekg's JSON-LD uses: its prefixes, and carekg terms as bare names."""
    return JSONResponse(services.jsonld_context(), media_type="application/ld+json",
                        headers={"Cache-Control": "public, max-age=86400"})


@router.get("/favicon.ico", name="meta-favicon", include_in_schema=False)
def favicon(request: Request) -> RedirectResponse:
    """Browsers ask /favicon.ico whatever the page links: send them to the SVG icon the pages link."""
    return RedirectResponse(str(request.url_for("static", path="favicon.svg")), status_code=301,
                            headers={"Cache-Control": "public, max-age=86400"})
