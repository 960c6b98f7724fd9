"""Search (issue 15, GET /search): the resources whose texts match a user's words, best first, each with
a snippet of its matched text and where the matches are in it. The index and its ranking are
``carekg.search``'s (SQLite FTS5, BM25); this module checks the question and shapes the answer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from pydantic import Field

from carekg import search as index
from carekg.namespaces import CKG
from carekg.services.errors import InvalidArgument, check_choice
from carekg.services.refs import iri_of
from carekg.store.base import GraphStore

#: The longest query taken, in characters: longer is refused rather than cut.
MAX_QUERY_LENGTH = 200
KINDS = index.KINDS
#: The class each kind of result is an instance of, for the RDF answer.
_CLASSES = {"finding": CKG.Finding, "factor": CKG.ImplementationFactor, "innovation": CKG.Innovation,
            "source": CKG.Source, "organisation": CKG.Organisation}


@dataclass(frozen=True)
class SearchResult:
    """One matching resource."""

    kind: Annotated[str, Field(examples=["finding"], description=", ".join(KINDS))]
    id: Annotated[str, Field(examples=["a-sos-03"])]
    iri: Annotated[str, Field(examples=[iri_of("finding", "a-sos-03")])]
    label: Annotated[str, Field(examples=["Leadership commitment · Signs of Safety"],
                                description="its name; for a finding, its factor and innovation")]
    snippet: Annotated[str, Field(
        examples=["Directors' visible backing helped embed the framework."],
        description="the part of its text that matches best, as plain text (… where it is cut)")]
    highlights: Annotated[list[tuple[int, int]], Field(
        examples=[[[11, 18]]], description="each matched word in snippet: [start, end) character offsets")]
    score: Annotated[float, Field(examples=[7.31], description="BM25 relevance (higher is better)")]


@dataclass(frozen=True)
class SearchResults:
    """One page of the results, best first; ``count`` is how many match in all, ``counts`` per kind."""

    query: Annotated[str, Field(examples=["leadership"])]
    kind: Annotated[str | None, Field(examples=[None])]
    count: Annotated[int, Field(examples=[12])]
    counts: Annotated[dict[str, int], Field(examples=[{"finding": 10, "factor": 2}])]
    limit: Annotated[int, Field(examples=[50])]
    offset: Annotated[int, Field(examples=[0])]
    data: list[SearchResult]


def check_query(query: str) -> str:
    """The query with its surrounding spaces removed; InvalidArgument if nothing is left or it is too long."""
    words = query.strip()
    if not words:
        raise InvalidArgument("q must have something to search for; it is empty")
    if len(words) > MAX_QUERY_LENGTH:
        raise InvalidArgument(f"q may be at most {MAX_QUERY_LENGTH} characters; it has {len(words)}")
    return words


def search(store: GraphStore, query: str, kind: str | None = None, limit: int = 50,
           offset: int = 0) -> SearchResults:
    """The findings, factors, innovations, sources and organisations whose texts hold every word of
    ``query`` (a trailing ``*`` matches any ending, ``"two words"`` a phrase), ranked by BM25, of
    ``kind`` only if given. Words are matched stemmed and without accents ("workers" finds "worker")."""
    words = check_query(query)
    check_choice("kind", kind, KINDS)
    expression = index.match_expression(words)
    if expression is None:  # punctuation only: nothing to look for, so nothing found
        return SearchResults(words, kind, 0, {}, limit, offset, [])
    search_index = index.index_for(store)
    counts = search_index.counts(expression)
    total = counts.get(kind, 0) if kind else sum(counts.values())
    # An offset past the end finds nothing, and is never handed to SQLite (which stops at 2**63).
    hits = search_index.match(expression, kind, limit, offset) if offset < total else []
    results = [SearchResult(hit.kind, hit.id, hit.iri, hit.title, hit.snippet, hit.highlights, hit.score)
               for hit in hits]
    return SearchResults(words, kind, total, {k: counts[k] for k in KINDS if k in counts}, limit, offset,
                         results)


def search_rdf(results: SearchResults, media_type: str) -> bytes:
    """The page of results as RDF in ``media_type``: a schema.org ItemList whose ListItems give each
    result's rank (``position``, from 1 for the best overall), the resource (``item``, typed with its
    carekg class), its label (``name``) and snippet (``description``); ``numberOfItems`` is ``count``."""
    from rdflib import BNode, Graph, Literal, URIRef
    from rdflib.namespace import RDF, SDO, XSD

    from carekg.services.rdf import serialise

    graph = Graph()
    graph.bind("schema", SDO)
    page = BNode()
    graph.add((page, RDF.type, SDO.ItemList))
    graph.add((page, SDO.name, Literal(f"carekg search: {results.query}")))
    graph.add((page, SDO.numberOfItems, Literal(results.count, datatype=XSD.integer)))
    for position, result in enumerate(results.data, start=results.offset + 1):
        item, resource = BNode(), URIRef(result.iri)
        graph.add((page, SDO.itemListElement, item))
        graph.add((item, RDF.type, SDO.ListItem))
        graph.add((item, SDO.position, Literal(position, datatype=XSD.integer)))
        graph.add((item, SDO.item, resource))
        graph.add((item, SDO.name, Literal(result.label)))
        graph.add((item, SDO.description, Literal(result.snippet)))
        graph.add((resource, RDF.type, _CLASSES[result.kind]))
    return serialise(graph, media_type)
