"""The application factory: ``create_app()`` for uvicorn (``uvicorn --factory api.main:create_app``)
and ``carekg serve``; ``create_app(store=...)`` for tests."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from api.config import Settings
from api.negotiation import NotAcceptable, negotiate
from api.query_runner import InProcessRunner, QueryRunner, WorkerPoolRunner
from api.routes import (factors, innovations, linked_data, meta, organisations, pages, sparql, studies,
                        taxonomy)
from carekg import __version__, services
from carekg.store import GraphStore, StoreError, get_store

log = logging.getLogger("carekg.api")

DESCRIPTION = """\
A knowledge graph of innovations in children's social care and the organisational factors
(enablers and barriers) behind their spread, with the evidence for each.

* **REST** (JSON; resources also as Turtle, JSON-LD or N-Triples by `Accept`): innovations and their
  factor profiles, factors, studies and other sources, organisations, the NASSS and CFIR 2.0 trees,
  consensus, comparisons and evidence gaps. Lists take `limit` (at most 500) and `offset`.
* **SPARQL 1.1** at [`/sparql`](/sparql) (read-only), described by [VoID](/.well-known/void).
* **Linked data**: `https://w3id.org/carekg/id/{kind}/{id}` is answered at `/id/{kind}/{id}`
  (303 to `/doc/{kind}/{id}`); the vocabulary at [`/def`](/def).
"""


class HeadAsGet:
    """Answers HEAD like GET without the body (RFC 9110 §9.3.2), so link checkers and linked-data
    validators can probe every route; FastAPI routes declare GET only."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            return await self.app(scope, receive, send)

        async def send_headers_only(message) -> None:
            if message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, send_headers_only)


def _open_runner(settings: Settings, store: GraphStore, own_store: bool) -> QueryRunner:
    """Worker processes with a hard deadline for an on-disk store; the store itself otherwise."""
    on_disk = settings.store.partition(":")[0] in {"oxigraph", "oxigraph-ro"}
    if own_store and on_disk and settings.query_workers:
        return WorkerPoolRunner(settings.store, settings.query_workers, settings.query_timeout)
    return InProcessRunner(store)


def _prefers_html(request: Request) -> bool:
    try:
        return negotiate(request.headers.get("accept"), ("application/json", "text/html")) == "text/html"
    except NotAcceptable:
        return False


def _add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(services.NotFound)
    async def not_found(request: Request, error: services.NotFound) -> Response:
        if _prefers_html(request):
            page = pages.not_found_page(request, request.app.state.settings, str(error))
            return HTMLResponse(page, status_code=404)
        return JSONResponse({"detail": str(error)}, status_code=404)

    @app.exception_handler(services.InvalidArgument)
    async def invalid_argument(request: Request, error: services.InvalidArgument) -> Response:
        return JSONResponse({"detail": str(error)}, status_code=422)

    @app.exception_handler(NotAcceptable)
    async def not_acceptable(request: Request, error: NotAcceptable) -> Response:
        return JSONResponse({"detail": str(error), "available": error.offered}, status_code=406)

    @app.exception_handler(StoreError)
    async def store_error(request: Request, error: StoreError) -> Response:
        log.error("store error on %s: %s", request.url.path, error)
        return JSONResponse({"detail": "the store could not answer; try again later"}, status_code=503)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, error: Exception) -> Response:
        # Logged with its traceback here; the client learns nothing about the internals.
        log.exception("unexpected error on %s", request.url.path)
        return JSONResponse({"detail": "internal server error"}, status_code=500)


def create_app(settings: Settings | None = None, store: GraphStore | None = None) -> FastAPI:
    """The carekg service over ``store``, or over the store ``settings.store`` names (opened read-only)."""
    settings = settings or Settings()
    own_store = store is None
    store = store or get_store(settings.store, read_only=True)
    runner = _open_runner(settings, store, own_store)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        runner.close()
        if own_store:
            store.close()

    app = FastAPI(title="carekg", version=__version__, description=DESCRIPTION, lifespan=lifespan,
                  generate_unique_id_function=lambda route: route.name,
                  license_info={"name": "CC BY 4.0 (data)",
                                "url": "https://creativecommons.org/licenses/by/4.0/"})
    app.state.settings = settings
    app.state.store = store
    app.state.query_runner = runner
    for module in (pages, innovations, factors, studies, organisations, taxonomy, sparql, linked_data, meta):
        app.include_router(module.router)
    _add_error_handlers(app)
    app.add_middleware(HeadAsGet)
    return app
