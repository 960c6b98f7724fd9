"""The read-only SPARQL 1.1 endpoint (https://www.w3.org/TR/sparql11-protocol/).

Queries arrive by GET ``?query=``, by POST ``application/x-www-form-urlencoded`` or by POST
``application/sparql-query``; ``default-graph-uri`` and ``named-graph-uri`` set the dataset. Every
query is checked by :func:`carekg.query_guard.check_query` before any engine sees it, which refuses
updates (any form: INSERT/DELETE, LOAD, CLEAR, DROP, CREATE, ADD, MOVE, COPY) and SERVICE unless its
endpoint is allow-listed. Queries longer than ``CAREKG_MAX_QUERY_LENGTH`` are refused (400), answers
larger than ``CAREKG_MAX_RESULT_BYTES`` too (413), and a query past its deadline gets 503 (the worker
running it is killed; see api/query_runner.py). Without a query, GET answers with the service description.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import parse_qsl

from fastapi import APIRouter, HTTPException, Request, Response
from rdflib.plugins.sparql import parser
from rdflib.plugins.sparql.algebra import translatePrologue
from starlette.concurrency import run_in_threadpool

from api.deps import QueryRunnerDep, SettingsDep, StoreDep
from api.negotiation import negotiate
from api.query_runner import QueryTimeout, ResultTooLarge
from api.responses import RDF_TYPES, choose, versioned
from api.routes import pages
from carekg import services
from carekg.query_guard import RefusedQuery, check_query
from carekg.store import QuerySyntaxError, StoreError, StoreUnavailable

router = APIRouter(tags=["sparql"])

RESULT_TYPES = ("application/sparql-results+json", "application/sparql-results+xml", "text/csv",
                "text/tab-separated-values")
GRAPH_TYPES = ("text/turtle", "application/n-triples", "application/ld+json", "application/rdf+xml")
#: Generic media types that clients send for result formats.
RESULT_ALIASES = {"application/json": "application/sparql-results+json",
                  "application/xml": "application/sparql-results+xml",
                  "text/xml": "application/sparql-results+xml"}
FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"
UPDATE = "application/sparql-update"
READ_ONLY = "updates are not allowed: this endpoint is read-only"

_PARAMETERS = [
    {"name": "query", "in": "query", "schema": {"type": "string"},
     "description": "the SPARQL query (exactly one)",
     "example": "SELECT ?innovation ?label WHERE { ?innovation a <https://w3id.org/carekg/def#Innovation> ; "
                "<http://www.w3.org/2000/01/rdf-schema#label> ?label }"},
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
                         "a query longer than the cap"},
    406: {"description": "no acceptable result format"},
    413: {"description": "the request body or the answer is larger than the cap"},
    415: {"description": "a POST body that is neither form-encoded nor application/sparql-query"},
    503: {"description": "the query ran out of time, or every query worker is busy"},
}


@dataclass
class _ProtocolRequest:
    queries: list[str] = field(default_factory=list)
    updates: int = 0
    default_graphs: list[str] = field(default_factory=list)
    named_graphs: list[str] = field(default_factory=list)
    formats: list[str] = field(default_factory=list)

    def add(self, name: str, value: str) -> None:
        if name == "query":
            self.queries.append(value)
        elif name == "update":
            self.updates += 1
        elif name == "default-graph-uri":
            self.default_graphs.append(value)
        elif name == "named-graph-uri":
            self.named_graphs.append(value)
        elif name == "format":
            self.formats.append(value)


def _media_type(header: str) -> tuple[str, str | None]:
    """(media type, charset) of a Content-Type header."""
    media_type, *parameters = (part.strip() for part in header.split(";"))
    charset = next((value.strip('"') for name, _, value in (p.partition("=") for p in parameters)
                    if name.strip().lower() == "charset"), None)
    return media_type.lower(), charset


async def _read_body(request: Request, charset: str | None) -> str:
    if charset and charset.lower() not in {"utf-8", "utf8"}:
        raise HTTPException(415, f"the request body must be UTF-8, not {charset}")
    try:
        return (await request.body()).decode("utf-8")
    except UnicodeDecodeError:
        raise HTTPException(400, "the request body is not valid UTF-8") from None


async def _protocol_request(request: Request) -> _ProtocolRequest:
    """The protocol's parameters from the URL and, for a POST, from the body."""
    parsed = _ProtocolRequest()
    for name, value in request.query_params.multi_items():
        parsed.add(name, value)
    if request.method == "POST":
        content_type = request.headers.get("content-type")
        if not content_type:
            raise HTTPException(415, f"a POST needs Content-Type {FORM} or {DIRECT}")
        media_type, charset = _media_type(content_type)
        if media_type == UPDATE:
            raise HTTPException(400, READ_ONLY)
        if media_type not in {FORM, DIRECT}:
            raise HTTPException(415, f"unsupported Content-Type {media_type!r}: use {FORM} or {DIRECT}")
        body = await _read_body(request, charset)
        if media_type == DIRECT:
            parsed.queries.append(body)
        else:
            try:
                pairs = parse_qsl(body, keep_blank_values=True, errors="strict")
            except UnicodeDecodeError:
                raise HTTPException(400, "the form body is not valid percent-encoded UTF-8") from None
            for name, value in pairs:
                parsed.add(name, value)
    if parsed.updates:
        raise HTTPException(400, READ_ONLY)
    if len(parsed.queries) > 1:
        raise HTTPException(400, "give exactly one query")
    if len(parsed.formats) > 1:
        raise HTTPException(400, "give at most one format")
    return parsed


def _service_description(request: Request, store, settings) -> Response:
    media_type = choose(request, (*RDF_TYPES, "text/html"))
    endpoint = str(request.url_for("sparql-query-get"))
    if media_type == "text/html":
        return versioned(request, store, settings, media_type, pages.sparql_form(request, store, settings))
    void = str(request.url_for("meta-void"))
    return versioned(request, store, settings, media_type,
                     services.service_description(store, endpoint, void, media_type))


def _is_absolute_iri(text: str) -> bool:
    import pyoxigraph

    try:
        pyoxigraph.NamedNode(text)
    except ValueError:
        return False
    return True


def _query_dataset(text: str, base: str) -> tuple[list[str], list[str]]:
    """The graphs of the query's own FROM and FROM NAMED clauses. The store reads the union of its
    graphs unless told otherwise, so a query's dataset must be passed on like the protocol's."""
    if "from" not in text.lower():
        return [], []
    prologue, query = parser.parseQuery(text)
    clauses = query["datasetClause"] if "datasetClause" in query else []
    names = translatePrologue(prologue, base)
    return ([str(names.absolutize(c["default"])) for c in clauses if "default" in c],
            [str(names.absolutize(c["named"])) for c in clauses if "named" in c])


async def _answer(request: Request, store, settings, runner) -> Response:
    parsed = await _protocol_request(request)
    if not parsed.queries:
        if request.method == "POST":
            raise HTTPException(400, "the request has no query")
        return _service_description(request, store, settings)
    try:
        checked = check_query(parsed.queries[0], settings.service_allowlist, settings.max_query_length)
    except RefusedQuery as error:
        raise HTTPException(400, str(error)) from None
    offered = RESULT_TYPES if checked.form in {"SELECT", "ASK"} else GRAPH_TYPES
    format = parsed.formats[0] if parsed.formats else None
    aliases = RESULT_ALIASES if offered is RESULT_TYPES else None
    media_type = negotiate(request.headers.get("accept"), offered, format, aliases)
    # The endpoint's own URL is the base IRI for relative IRIs (the protocol leaves it to the service);
    # a BASE in the query itself comes later in the prologue and so still takes precedence.
    endpoint = str(request.url_for("sparql-query-get"))
    text = f"BASE <{endpoint}>\n{checked.text}"
    # A dataset given by the protocol overrides the query's FROM and FROM NAMED (Protocol §2.1.4).
    default_graphs, named_graphs = parsed.default_graphs, parsed.named_graphs
    if not default_graphs and not named_graphs:
        default_graphs, named_graphs = _query_dataset(checked.text, endpoint)
    for graph in (*default_graphs, *named_graphs):
        if not _is_absolute_iri(graph):
            raise HTTPException(400, f"not an absolute IRI for a graph: {graph[:200]!r}")
    try:
        result = await run_in_threadpool(runner.run, text, media_type, default_graphs, named_graphs)
    except QuerySyntaxError as error:
        raise HTTPException(400, str(error)) from None
    except QueryTimeout as error:
        raise HTTPException(503, str(error)) from None
    except ResultTooLarge as error:
        raise HTTPException(413, str(error)) from None
    except StoreUnavailable:  # a remote store that is down or too slow
        raise HTTPException(503, "the store could not answer; try again later") from None
    except StoreError:
        raise HTTPException(500, "the query could not be evaluated") from None
    return Response(result.body, media_type=result.media_type, headers={"Vary": "Accept"})


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
