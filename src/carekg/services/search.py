"""Search (issue 15, GET /search): the resources whose texts match a user's words, best first, each with
a snippet of its matched text and where the matches are in it. The index and its ranking are
``carekg.search``'s (SQLite FTS5, BM25; a broad query's static order); this module checks the question
and shapes the answer."""

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
BROAD = index.BROAD
#: How a page is ordered: by BM25, or, for a broad query, by the index's static rank.
RELEVANCE, PROMINENCE = "relevance", "prominence"
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
    score: Annotated[float | None, Field(
        examples=[7.31], description="BM25 relevance (higher is better); null when ranking is prominence")]


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
    ranking: Annotated[str, Field(examples=[RELEVANCE], description=(
        f"{RELEVANCE}: by BM25; {PROMINENCE}: more than {index.BROAD:,} of a kind searched match, too many "
        "to score: factors, innovations, organisations, sources, then findings; factors, innovations and "
        "sources with the most findings first, organisations and findings in the index's order"))] = RELEVANCE
    count_exact: Annotated[bool, Field(examples=[True], description=(
        f"false when a kind has more than {index.BROAD:,} matches: its count, and count, are then "
        "estimates (to three significant figures)"))] = True


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
    ``kind`` only if given. Words are matched stemmed and without accents ("workers" finds "worker").
    A broad query (more than ``BROAD`` matches of a kind searched) is ordered by prominence instead,
    its broad kinds' counts estimated (see SearchResults)."""
    words = check_query(query)
    check_choice("kind", kind, KINDS)
    expression = index.match_expression(words)
    if expression is None:  # punctuation only: nothing to look for, so nothing found
        return SearchResults(words, kind, 0, {}, limit, offset, [])
    search_index = index.index_for(store)
    counts = search_index.counts(expression, index.BROAD)
    searched = [counts[kind]] if kind in counts else [] if kind else list(counts.values())
    total = sum(count.value for count in searched)
    ranked = all(count.exact for count in searched)
    # An offset past the end finds nothing, and is never handed to SQLite (which stops at 2**63); past an
    # estimated end the index is asked (API offsets stop at 10**9).
    hits = search_index.match(expression, kind, limit, offset, ranked) if offset < total or not ranked else []
    results = [SearchResult(hit.kind, hit.id, hit.iri, hit.title, hit.snippet, hit.highlights, hit.score)
               for hit in hits]
    return SearchResults(words, kind, total, {k: counts[k].value for k in KINDS if k in counts}, limit,
                         offset, results, RELEVANCE if ranked else PROMINENCE,
                         all(count.exact for count in counts.values()))


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
