"""Full-text search (issue 15): GET /search?q=... over findings, factors, innovations, sources and
organisations, ranked by carekg.search (SQLite FTS5, BM25): JSON, or for browsers a page of results with
the matched words marked."""

from __future__ import annotations

from typing import Annotated, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import HTMLResponse
from markupsafe import Markup, escape

from api import rendering
from api.config import Settings
from api.deps import Pagination, PaginationDep, SettingsDep, StoreDep
from api.responses import HTML, JSON, RDF_TYPES, choose, json_answer, versioned
from carekg.services import InvalidArgument
from carekg.services import search as search_service
from carekg.store import GraphStore

router = APIRouter(tags=["search"])

#: JSON first (the default), the page for browsers, and RDF (JSON-LD, Turtle ...) of the same page.
_TYPES = (JSON, HTML, *RDF_TYPES)

SearchQuery = Annotated[str, Query(
    description=f"the words to find (all of them; a trailing * matches any ending, \"two words\" a phrase); "
                f"at most {search_service.MAX_QUERY_LENGTH} characters",
    examples=["liaison workers"])]
Kind = Annotated[Literal["finding", "factor", "innovation", "source", "organisation"] | None,
                 Query(description="only results of this kind")]


def marked(snippet: str, highlights: list[tuple[int, int]]) -> Markup:
    """The snippet as HTML: every character escaped, each matched word inside <mark>."""
    pieces, done = [], 0
    for start, end in sorted(highlights):
        if start < done:
            continue
        pieces += [escape(snippet[done:start]), Markup("<mark>"), escape(snippet[start:end]),
                   Markup("</mark>")]
        done = end
    pieces.append(escape(snippet[done:]))
    return Markup("").join(pieces)


def _page_link(request: Request, query: str, limit: int):
    root = request.scope.get("root_path", "")

    def link(kind: str | None, offset: int) -> str:
        params = {"q": query, **({"kind": kind} if kind else {}), **({"limit": limit} if limit != 50 else {}),
                  **({"offset": offset} if offset else {})}
        return f"{root}/search?{urlencode(params)}"

    return link


@router.get("/search", name="search", response_model=search_service.SearchResults,
            responses={200: {"description": "JSON by default; the results page for browsers; RDF (JSON-LD, "
                                            "Turtle ...) of the same page by Accept or ?format=",
                             "content": {media_type: {} for media_type in _TYPES[1:]}},
                       406: {"description": "no acceptable representation"},
                       422: {"description": "q empty or too long, or an unknown kind"}})
def search(request: Request, store: StoreDep, settings: SettingsDep, page: PaginationDep, q: SearchQuery,
           kind: Kind = None) -> Response:
    """The resources whose texts hold every word of ``q``, best first (BM25; for words matching more than
    20,000 of a kind, by prominence, ``ranking`` says which, with estimated counts), each with the snippet
    of text that matched and the offsets of the matched words in it; ``counts`` says how many match of
    each kind. Browsers get a page of the results with the matched words marked; RDF clients a schema.org
    ItemList of the page."""
    media_type = choose(request, _TYPES)
    if media_type == HTML:
        return _page(request, store, settings, q, kind, page)
    results = search_service.search(store, q, kind, page.limit, page.offset)
    if media_type == JSON:
        return json_answer(request, store, settings, results, search_service.SearchResults)
    return versioned(request, store, settings, media_type, search_service.search_rdf(results, media_type))


def _page(request: Request, store: GraphStore, settings: Settings, q: str, kind: str | None,
          page: Pagination) -> Response:
    """The results page; for a bad q or kind, the form again with the reason (422)."""
    context = {"query": q, "kinds": search_service.KINDS, "max_length": search_service.MAX_QUERY_LENGTH,
               "marked": marked, "search_query": q, "broad": f"{search_service.BROAD:,}"}
    try:
        results = search_service.search(store, q, kind, page.limit, page.offset)
    except InvalidArgument as error:
        content = rendering.render(request, settings, "search.html", results=None, error=str(error),
                                   **context)
        return HTMLResponse(content, status_code=422)
    content = rendering.render(request, settings, "search.html", results=results, error=None,
                           page_link=_page_link(request, results.query, page.limit), **context)
    return versioned(request, store, settings, HTML, content)
