"""The application factory: ``create_app()`` for uvicorn (``uvicorn --factory api.main:create_app``)
and ``carekg-serve`` (api/__main__.py); ``create_app(store=...)`` for tests."""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.routing import iter_route_contexts

from api import openapi_fixes, rendering, responses
from api.cache import ResponseCache
from api.config import Settings
from api.negotiation import NotAcceptable, negotiate
from api.query_runner import InProcessRunner, QueryRunner, WorkerPoolRunner
from api.routes import (
    evidence,
    factors,
    findings,
    innovations,
    linked_data,
    meta,
    organisations,
    pages,
    search,
    sparql,
    studies,
    taxonomy,
)
from api.routes import export as export_routes
from api.routes import map as map_routes
from api.security import SecurityMiddleware
from api.sparql_fast_path import SparqlFastPath
from carekg import __version__, services
from carekg import search as search_index
from carekg.ids import DATA_LICENSE, ID_BASE
from carekg.services import answer_cache
from carekg.store import Dumpable, Embedded, GraphStore, StoreError, UnionCopy, Writable, get_store

log = logging.getLogger("carekg.api")

DESCRIPTION = f"""\
A knowledge graph of innovations in children's social care and the organisational factors
(enablers and barriers) behind their spread, with the evidence for each.

* **REST** (JSON; resources also as Turtle, JSON-LD or N-Triples by `Accept`): innovations and their
  factor profiles, factors, studies and other sources, organisations, the NASSS and CFIR 2.0 trees,
  consensus, comparisons and evidence gaps. Lists take `limit` (at most 500) and `offset`.
* **SPARQL 1.1** at [`/sparql`](/sparql) (read-only), described by [VoID](/.well-known/void).
* **Linked data**: `{ID_BASE}{{kind}}/{{id}}` is answered at `/id/{{kind}}/{{id}}`
  (303 to `/doc/{{kind}}/{{id}}`); the vocabulary at [`/def`](/def).
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
    """Worker processes with a hard deadline (docs/security.md): over the store the settings name, or
    over an injected embedded store (reopened read-only if on disk, a snapshot if in memory); any
    other store (a remote one handed in, a test double) runs in the calling thread."""
    cap = settings.max_result_bytes
    if settings.query_workers:
        workers, timeout = settings.query_workers, settings.query_timeout
        if own_store and settings.store.partition(":")[0] in {"oxigraph", "oxigraph-ro", "sparql+http",
                                                               "sparql+https"}:
            return WorkerPoolRunner(settings.store, workers, timeout, max_result_bytes=cap)
        if isinstance(store, Embedded):
            reader = store.reader_descriptor()
            if reader is not None:
                return WorkerPoolRunner(reader, workers, timeout, max_result_bytes=cap)
            if isinstance(store, Dumpable):
                return WorkerPoolRunner("memory:", workers, timeout, snapshot_of=store, max_result_bytes=cap)
    return InProcessRunner(store, max_result_bytes=cap)


def _open_writer(app: FastAPI, settings: Settings, store: GraphStore, own_store: bool):
    """The single writer of the store, when a write token is configured (docs/security.md)."""
    from contextlib import contextmanager
    from pathlib import Path

    from carekg.writes import EvidenceWriter

    if not settings.write_tokens:
        return None
    on_disk = own_store and settings.store.partition(":")[0] == "oxigraph"

    opened = [0.0]  # when the write in progress opened the store

    @contextmanager
    def target():
        opened[0] = time.monotonic()
        if on_disk:  # read-write for this write only; the server's own handle stays read-only
            writable = get_store(settings.store)
            try:
                yield writable
            finally:
                writable.close()
        else:
            yield app.state.store

    def on_commit(version: str) -> None:
        # Runs before the write answers. Readers keep the previous version (a read-only store sees the
        # files as they were when opened) while the answers they asked for are computed on the new one,
        # until settings.write_seconds after the write opened the store (the rest go on after); only then
        # do they get the new store. So the first reader of a page asked before does not pay a cold page
        # when the write's own work leaves the time, and nobody is answered from the previous version
        # once the write has answered. An in-memory store changes in place: its readers see the new
        # version at the commit, and compute what is not done yet.
        fresh = get_store(settings.store, read_only=True) if on_disk else app.state.store
        if app.state.refreshing is not None:
            app.state.refreshing.stop()  # the previous write's answers still to compute are out of date
        app.state.refreshing = answer_cache.Refresh(fresh)
        search_index.warm(fresh)  # opens the index the write made (carekg.search.follow_write)
        app.state.refreshing.join(max(0.0, opened[0] + settings.write_seconds - time.monotonic()))
        app.state.query_runner.reopen(fresh)
        app.state.store = fresh
        # The write made the new version's union copy from the previous one's by its own changes. If it
        # could not, the server writes it whole in the background; until then /sparql reads the union.
        if on_disk and not (isinstance(fresh, UnionCopy) and fresh.has_union_copy()):
            threading.Thread(target=_copy_union, args=(app, fresh), name="carekg-union-copy",
                             daemon=True).start()
        log.info("dataset version %s committed by a write; %d answers computed for it before it answered",
                 version, app.state.refreshing.computed)

    if not on_disk and not isinstance(store, Writable):
        return None
    submissions = Path(settings.submissions_dir) if settings.submissions_dir else None
    data = [Path(file) for file in settings.data_files] or None  # a store loaded from other files
    writer = EvidenceWriter(target, submissions, data=data, on_commit=on_commit, reasoner=settings.reasoner)
    if on_disk:  # a crash may have left the folder a write ahead of the store: catch up from the files
        writer.recover()
    return writer


def _copy_union(app: FastAPI, store: GraphStore) -> None:
    """Write the union copy of the version a write made (carekg.store.union_view), then have the query
    workers reopen the store so they answer from it. At a low CPU priority (a Linux thread has its own,
    and the engine's loader threads inherit it): readers come first, the copy only speeds up /sparql."""
    with contextlib.suppress(OSError, AttributeError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 15)
    try:
        def current() -> bool:  # asked again once this builder's turn comes: a later write makes it old
            return app.state.store is store

        if isinstance(store, UnionCopy) and store.publish_union_copy(current) and current():
            app.state.query_runner.reopen(store)
    except (OSError, StoreError):  # a later write replaced the store meanwhile: its own copy follows
        log.warning("the union copy of the new version was not written", exc_info=True)


def _prefers_html(request: Request) -> bool:
    try:
        return negotiate(request.headers.get("accept"), ("application/json", "text/html")) == "text/html"
    except NotAcceptable:
        return False


def _add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(services.NotFound)
    async def not_found(request: Request, error: services.NotFound) -> Response:
        if _prefers_html(request):
            page = rendering.not_found_page(request, request.app.state.settings, str(error))
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


def _build_routes(app: FastAPI) -> None:
    """Build at startup what a route's first request would otherwise pay for (~50-150 ms of CPU each on
    the curated data; docs/bench.md, 2026-12-07): FastAPI's serving copy of each route of an included
    router, with its response model's pydantic validator and dependencies (FastAPI 0.165 builds them on
    the router's first match), the validator and serialiser the route's answer goes through
    (api/responses.py), and the JSON-LD briefing's @context (read from the briefing's JSON schema)."""
    routes = iter_route_contexts(app.router.routes)  # builds each included router's serving copies
    responses.prepare(getattr(route, "response_model", None) for route in routes)
    services.briefing_jsonld_context()


def create_app(settings: Settings | None = None, store: GraphStore | None = None) -> FastAPI:
    """The carekg service over ``store``, or over the store ``settings.store`` names (opened read-only)."""
    settings = settings or Settings()
    own_store = store is None
    store = store or get_store(settings.store, read_only=True)
    runner = _open_runner(settings, store, own_store)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if not isinstance(store, Embedded):  # a remote store's search index lives in memory: build it now
            search_index.warm(store)
        yield
        app.state.query_runner.close()
        if own_store:
            app.state.store.close()

    app = FastAPI(title="carekg", version=__version__, description=DESCRIPTION, lifespan=lifespan,
                  generate_unique_id_function=lambda route: route.name,
                  license_info={"name": "CC BY 4.0 (data)",
                                "url": str(DATA_LICENSE)})
    app.state.settings = settings
    app.state.store = store
    app.state.query_runner = runner
    app.state.refreshing = None  # the answers the last write computes for readers (answer_cache.Refresh)
    app.state.writer = _open_writer(app, settings, store, own_store)
    for module in (pages, innovations, factors, findings, studies, organisations, taxonomy, search, sparql,
                   linked_data, meta, evidence):
        app.include_router(module.router)
    for module in (map_routes, export_routes):  # issue 7: gap map and downloads
        app.include_router(module.router)
    _build_routes(app)
    # Static files for the pages (query.js, and the YASGUI bundle once `make yasgui` installed it).
    from fastapi.staticfiles import StaticFiles
    app.mount("/static", StaticFiles(directory=rendering.STATIC_DIR, check_dir=False), name="static")
    _add_error_handlers(app)
    openapi_fixes.install(app)
    # Innermost: queries to /sparql skip FastAPI's routing and dependencies, yet are cached and get the
    # security headers like every answer (api/sparql_fast_path.py).
    app.add_middleware(SparqlFastPath)
    # Inside HeadAsGet, so HEAD is answered from the cache too; a read-only on-disk store's version is fixed.
    fixed = own_store and settings.store.partition(":")[0] in {"oxigraph", "oxigraph-ro"}
    # With writes on, the version moves (and the store object is swapped): ask the current one.
    writable = app.state.writer is not None
    app.add_middleware(ResponseCache, version=(lambda: app.state.store.dataset_version()) if writable
                       else store.dataset_version, fixed=fixed and not writable)
    app.add_middleware(HeadAsGet)
    # Outermost: headers, CORS and the body cap apply to every answer, cached or not (api/security.py).
    app.add_middleware(SecurityMiddleware, max_body=settings.max_body_bytes)
    return app
