"""The read-only SPARQL 1.1 endpoint (https://www.w3.org/TR/sparql11-protocol/): the routes only; the
protocol (reading a request, the dataset, media types, the service description) is api/sparql_protocol.py.

Queries arrive by GET ``?query=``, by POST ``application/x-www-form-urlencoded`` or by POST
``application/sparql-query``; ``default-graph-uri`` and ``named-graph-uri`` set the dataset. Every
query is checked by :func:`carekg.query_guard.check_query` before any engine sees it (a lexical scan,
microseconds), which refuses updates (any form: INSERT/DELETE, LOAD, CLEAR, DROP, CREATE, ADD, MOVE,
COPY) and SERVICE unless its endpoint is allow-listed; syntax errors come from the engine's own
parse. Queries longer than ``CAREKG_MAX_QUERY_LENGTH`` are refused (400), answers larger than
``CAREKG_MAX_RESULT_BYTES`` too (413), and a query past its deadline gets 503 (the worker running it is
killed; see api/query_runner.py). Without a query, GET answers with the service description.
"""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request, Response
from rdflib.namespace import RDFS

from api import rendering
from api.deps import QueryRunnerDep, SettingsDep, StoreDep
from api.negotiation import negotiate
from api.query_runner import QueryTimeout, ResultTooLarge
from api.responses import RDF_TYPES, choose, versioned
from api.sparql_protocol import (
    DIRECT,
    FORM,
    GRAPH_TYPES,
    RESULT_TYPES,
    ProtocolRequest,
    media_types_for,
    query_dataset,
    read_request,
    service_description,
)
from carekg.namespaces import CKG
from carekg.query_guard import RefusedQuery, check_query, syntax_error_message
from carekg.store import QuerySyntaxError, StoreError, StoreUnavailable

router = APIRouter(tags=["sparql"])

_PARAMETERS = [
    {"name": "query", "in": "query", "schema": {"type": "string"},
     "description": "the SPARQL query (exactly one)",
     "example": f"SELECT ?innovation ?label WHERE {{ ?innovation a <{CKG.Innovation}> ; "
                f"<{RDFS.label}> ?label }}"},
    {"name": "default-graph-uri", "in": "query", "schema": {"type": "array", "items": {"type": "string"}},
     "description": "graphs whose merge is the default graph (default: the union of all graphs)"},
    {"name": "named-graph-uri", "in": "query", "schema": {"type": "array", "items": {"type": "string"}},
     "description": "graphs available to GRAPH (default: every named graph)"},
    {"name": "format", "in": "query", "schema": {"type": "string"},
     "description": "result format, for clients that cannot set Accept: json, xml, csv, tsv, turtle, "
                    "ntriples, jsonld, rdfxml"},
]
_ANSWERS: dict[int | str, dict] = {
    200: {"description": "SELECT/ASK results or a CONSTRUCT/DESCRIBE graph, by Accept; without a query, "
                         "the service description",
          "content": {media_type: {} for media_type in (*RESULT_TYPES, *GRAPH_TYPES)}},
    400: {"description": "a syntax error (with the parser's message); update, SERVICE or LOAD; two queries; "
                         "a query longer than the cap; brackets nested more than 32 levels deep"},
    406: {"description": "no acceptable result format"},
    413: {"description": "the request body or the answer is larger than the cap"},
    415: {"description": "a POST body that is neither form-encoded nor application/sparql-query"},
    503: {"description": "the query ran out of time, or every query worker is busy"},
}


def _service_description(request: Request, store, settings) -> Response:
    media_type = choose(request, (*RDF_TYPES, "text/html"))
    endpoint = str(request.url_for("sparql-query-get"))
    if media_type == "text/html":
        page = rendering.sparql_form(request, store, settings)
        return versioned(request, store, settings, media_type, page)
    void = str(request.url_for("meta-void"))
    return versioned(request, store, settings, media_type,
                     service_description(store, endpoint, void, media_type))


async def answer_query(request: Request, parsed: ProtocolRequest, endpoint: str, settings,
                       runner) -> Response:
    """The answer to a request that holds a query (``parsed``, from :func:`read_request`) sent to the
    endpoint at URL ``endpoint``; raises HTTPException (or NotAcceptable) for a refusal. Called by
    api/sparql_fast_path.py for every query, without FastAPI's routing and dependency injection."""
    try:
        checked = check_query(parsed.queries[0], settings.service_allowlist, settings.max_query_length,
                              endpoint)
    except RefusedQuery as error:
        raise HTTPException(400, str(error)) from None
    offered, aliases = media_types_for(checked)
    asked_format = parsed.formats[0] if parsed.formats else None
    media_type = negotiate(request.headers.get("accept"), offered, asked_format, aliases)
    base = f"BASE <{endpoint}>\n"
    text = base + checked.text
    default_graphs, named_graphs = query_dataset(parsed, checked)
    try:
        result = await runner.answer(text, media_type, default_graphs, named_graphs)
    except QuerySyntaxError as error:  # the scan leaves syntax to the engine, which parses anyway
        raise HTTPException(400, syntax_error_message(str(error), base, text)) from None
    except QueryTimeout as error:
        raise HTTPException(503, str(error)) from None
    except ResultTooLarge as error:
        raise HTTPException(413, str(error)) from None
    except StoreUnavailable:  # a remote store that is down or too slow
        raise HTTPException(503, "the store could not answer; try again later") from None
    except StoreError:
        raise HTTPException(500, "the query could not be evaluated") from None
    return Response(result.body, media_type=result.media_type, headers={"Vary": "Accept"})


async def _answer(request: Request, store, settings, runner) -> Response:
    parsed = await read_request(request)
    if not parsed.queries:
        if request.method == "POST":
            raise HTTPException(400, "the request has no query")
        return _service_description(request, store, settings)
    # The endpoint's own URL is the base IRI for relative IRIs (the protocol leaves it to the service);
    # a BASE in the query itself comes later in the prologue and so still takes precedence.
    return await answer_query(request, parsed, str(request.url_for("sparql-query-get")), settings, runner)


@router.get("/sparql", name="sparql-query-get", openapi_extra={"parameters": _PARAMETERS}, responses=_ANSWERS)
async def query_by_get(request: Request, store: StoreDep, settings: SettingsDep,
                       runner: QueryRunnerDep) -> Response:
    """Run a read-only SPARQL 1.1 query given as ``?query=``; without one, describe the service."""
    return await _answer(request, store, settings, runner)


@router.post("/sparql", name="sparql-query-post", responses=_ANSWERS, openapi_extra={
    "parameters": _PARAMETERS[1:],
    "requestBody": {"required": True, "content": {
        DIRECT: {"schema": {"type": "string"}, "example": "ASK { ?s ?p ?o }"},
        FORM: {"schema": {"type": "object", "properties": {"query": {"type": "string"}},
                          "required": ["query"]}},
    }},
})
async def query_by_post(request: Request, store: StoreDep, settings: SettingsDep,
                        runner: QueryRunnerDep) -> Response:
    """Run a read-only SPARQL 1.1 query sent as a form (``query=``) or directly as the body."""
    return await _answer(request, store, settings, runner)
