"""Full-text search (issue 15): GET /search?q=... over findings, factors, innovations, sources and
organisations, ranked by carekg.search (SQLite FTS5, BM25)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response

from api.deps import PaginationDep, SettingsDep, StoreDep
from api.responses import JSON, json_answer
from carekg.services import search as search_service

router = APIRouter(tags=["search"])

SearchQuery = Annotated[str, Query(
    description=f"the words to find (all of them; a trailing * matches any ending, \"two words\" a phrase); "
                f"at most {search_service.MAX_QUERY_LENGTH} characters",
    examples=["liaison workers"])]
Kind = Annotated[Literal["finding", "factor", "innovation", "source", "organisation"] | None,
                 Query(description="only results of this kind")]


@router.get("/search", name="search", response_model=search_service.SearchResults,
            responses={200: {"content": {JSON: {}}},
                       422: {"description": "q empty or too long, or an unknown kind"}})
def search(request: Request, store: StoreDep, settings: SettingsDep, page: PaginationDep, q: SearchQuery,
           kind: Kind = None) -> Response:
    """The resources whose texts hold every word of ``q``, best first (BM25), each with the snippet of
    text that matched and the offsets of the matched words in it; ``counts`` says how many match of each
    kind."""
    results = search_service.search(store, q, kind, page.limit, page.offset)
    return json_answer(request, store, settings, results, search_service.SearchResults)
