"""The SPARQL 1.1 Protocol (https://www.w3.org/TR/sparql11-protocol/) in one place: reading a request
(GET ``?query=``, POST form or ``application/sparql-query``), the dataset a query runs over (the
protocol's ``default-graph-uri``/``named-graph-uri``, else the query's FROM and FROM NAMED), the media
types it answers in, and the Service Description (https://www.w3.org/TR/sparql11-service-description/).
api/routes/sparql.py only wires these to the runner. Checking the query itself is
carekg.query_guard.check_query's job, the one function that reads it
(a lexical scan; rdflib's full parse only where the scan cannot decide).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

import pyoxigraph
from fastapi import HTTPException, Request
from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, VOID

from carekg.ids import FORMATS, GRAPH_BASE, GRAPH_META, SD
from carekg.query_guard import CheckedQuery
from carekg.services.answer_cache import cached
from carekg.services.graphs import dataset_graphs, triples_per_graph
from carekg.services.rdf import serialise
from carekg.services.void import xsd_integer
from carekg.store.base import GraphStore

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


# --- reading a request ------------------------------------------------------------------------------

@dataclass
class ProtocolRequest:
    """The protocol's parameters of one request (SPARQL 1.1 Protocol §2.1)."""

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


async def read_request(request: Request) -> ProtocolRequest:
    """The protocol's parameters from the URL and, for a POST, from the body."""
    parsed = ProtocolRequest()
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


# --- the dataset ------------------------------------------------------------------------------------

def _is_absolute_iri(text: str) -> bool:
    try:
        pyoxigraph.NamedNode(text)
    except ValueError:
        return False
    return True


def query_dataset(parsed: ProtocolRequest, checked: CheckedQuery) -> tuple[Sequence[str], Sequence[str]]:
    """The (default, named) graphs the query runs over: the protocol's, which override the query's FROM
    and FROM NAMED (Protocol §2.1.4), else the query's own (the store reads the union of its graphs
    unless told otherwise). 400 for a graph that is not an absolute IRI."""
    default_graphs, named_graphs = parsed.default_graphs, parsed.named_graphs
    if not default_graphs and not named_graphs:
        default_graphs, named_graphs = list(checked.default_graphs), list(checked.named_graphs)
    for graph in (*default_graphs, *named_graphs):
        if not _is_absolute_iri(graph):
            raise HTTPException(400, f"not an absolute IRI for a graph: {graph[:200]!r}")
    return default_graphs, named_graphs


def media_types_for(checked: CheckedQuery) -> tuple[tuple[str, ...], dict[str, str] | None]:
    """What a query's answer can be sent as, and the generic aliases clients use for those types."""
    if checked.form in {"SELECT", "ASK"}:
        return RESULT_TYPES, RESULT_ALIASES
    return GRAPH_TYPES, None


# --- the service description ------------------------------------------------------------------------

RESULT_FORMATS = {
    "application/sparql-results+json": FORMATS.SPARQL_Results_JSON,
    "application/sparql-results+xml": FORMATS.SPARQL_Results_XML,
    "text/csv": FORMATS.SPARQL_Results_CSV,
    "text/tab-separated-values": FORMATS.SPARQL_Results_TSV,
    "text/turtle": FORMATS.Turtle,
    "application/n-triples": FORMATS["N-Triples"],
    "application/ld+json": FORMATS["JSON-LD"],
    "application/rdf+xml": FORMATS.RDF_XML,
}


@cached
def service_description(store: GraphStore, endpoint: str, void_document: str, media_type: str) -> bytes:
    """A SPARQL 1.1 Service Description of the read-only endpoint at ``endpoint``."""
    graph = Graph()
    service, dataset = URIRef(endpoint), URIRef(f"{endpoint}#dataset")
    default_graph = URIRef(f"{endpoint}#default-graph")
    about_service = [(RDF.type, SD.Service), (SD.endpoint, service), (SD.supportedLanguage, SD.SPARQL11Query),
                     (SD.feature, SD.UnionDefaultGraph), (SD.defaultDataset, dataset),
                     (RDFS.seeAlso, URIRef(void_document))]
    about_service += [(SD.resultFormat, result_format) for result_format in RESULT_FORMATS.values()]
    for predicate, value in about_service:
        graph.add((service, predicate, value))
    graph.add((dataset, RDF.type, SD.Dataset))
    graph.add((dataset, SD.defaultGraph, default_graph))
    graph.add((default_graph, RDF.type, SD.Graph))
    graph.add((default_graph, DCTERMS.description, Literal("the union of the named graphs", lang="en")))
    sizes = triples_per_graph(store)  # recorded at load time: counting takes seconds at 1M triples
    # The union holds every graph's statements, the meta graph's (the version, the sizes) too.
    union = sum(sizes.values()) + store.triple_count(str(GRAPH_META))
    graph.add((default_graph, VOID.triples, xsd_integer(union)))
    for name, title in dataset_graphs(store).items():
        named = URIRef(f"{endpoint}#graph-{name.removeprefix(GRAPH_BASE).replace('/', '-')}")
        described = URIRef(f"{named}-description")
        graph.add((dataset, SD.namedGraph, named))
        graph.add((named, RDF.type, SD.NamedGraph))
        graph.add((named, SD.name, URIRef(name)))
        graph.add((named, SD.graph, described))
        graph.add((described, RDF.type, SD.Graph))
        graph.add((described, DCTERMS.title, Literal(title, lang="en")))
        graph.add((described, VOID.triples, xsd_integer(sizes[name])))
    return serialise(graph, media_type)
