"""The /sparql queries on a short path: straight from the middlewares to the protocol code, without
FastAPI's routing, dependency injection and per-route middleware.

A new query costs the engine ~8 ms at 1M triples; FastAPI's path around it (matching ~100 routes,
solving dependencies, the exit stack, the exception middleware) cost ~1 ms of CPU more (issue 14,
docs/bench.md). So this ASGI middleware, installed inside the security headers, the HEAD handling and
the response cache (api/main.py), answers every GET with ``query=`` and every POST to ``/sparql`` itself,
with the same code the routes use (api/routes/sparql.py: read the request, check the query, negotiate,
run it in a worker with a deadline). Anything else (the service description, other methods, other
paths) goes on to FastAPI, whose routes still document the endpoint in the OpenAPI document. A refusal
is answered by the app's own exception handlers, so its status and body are the routes'.
"""

from __future__ import annotations

from urllib.parse import parse_qsl

from fastapi import HTTPException, Request
from starlette.datastructures import URLPath

from api.routes.sparql import answer_query
from api.sparql_protocol import read_request

PATH = "/sparql"


def _asks_a_query(scope) -> bool:
    if scope["method"] == "POST":
        return True
    return any(name == "query" for name, _ in parse_qsl(scope["query_string"].decode("latin-1"),
                                                        keep_blank_values=True))


class SparqlFastPath:
    def __init__(self, app) -> None:
        self.app = app
        self._endpoint: URLPath | None = None

    async def __call__(self, scope, receive, send) -> None:
        if (scope["type"] != "http" or scope["path"] != PATH or scope["method"] not in {"GET", "POST"}
                or not _asks_a_query(scope)):
            return await self.app(scope, receive, send)
        request = Request(scope, receive)
        app = scope["app"]
        try:
            if self._endpoint is None:  # the route's path, looked up once (url_for walks every route)
                self._endpoint = app.url_path_for("sparql-query-get")
            endpoint = str(self._endpoint.make_absolute_url(request.base_url))
            parsed = await read_request(request)
            if not parsed.queries:  # a POST without one (a GET without one went on to the route)
                raise HTTPException(400, "the request has no query")
            state = app.state
            response = await answer_query(request, parsed, endpoint, state.settings, state.query_runner)
        except Exception as error:  # noqa: BLE001 - answered as the app answers it
            handler = _handler(app, error)
            if handler is None:
                raise
            response = await handler(request, error)
        await response(scope, receive, send)


def _handler(app, error: Exception):
    """The app's handler for ``error`` as Starlette's exception middleware picks it: the one registered
    for the nearest class in its MRO, but not the catch-all for ``Exception``, which (like an error
    no handler names) is left to the outer middlewares (the body cap's, then the server-error one)."""
    handlers = app.exception_handlers
    for kind in type(error).__mro__:
        if kind is Exception:
            return None
        if kind in handlers:
            return handlers[kind]
    return None
