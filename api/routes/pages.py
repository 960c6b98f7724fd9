"""The home page: what the graph holds, with counts and entry points (rendered by api/rendering.py)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from api.deps import SettingsDep, StoreDep
from api.rendering import render
from api.responses import HTML, choose, versioned
from carekg import services

router = APIRouter(tags=["pages"])

#: The newest studies the home page lists (the rest are a link away, in GET /studies): a large graph
#: holds tens of thousands.
HOME_STUDIES = 200
#: The innovations (those with most findings) and organisations (those in most innovations) the home page
#: lists, the rest a link away in GET /innovations and /organisations: a large graph holds hundreds of
#: each, the curated data fewer than this (so its home page lists them all).
HOME_LISTED = 100


@router.get("/", name="pages-home", response_class=Response, responses={200: {"content": {HTML: {}}}})
def home(request: Request, store: StoreDep, settings: SettingsDep) -> Response:
    """What the graph holds, with counts and entry points."""
    choose(request, (HTML,))
    studies, studies_count = services.studies_page(store, HOME_STUDIES, 0)
    content = render(request, settings, "home.html", overview=services.overview(store),
                     innovations=services.most_evidenced_innovations(store, HOME_LISTED),
                     taxonomy=services.taxonomy(store), consensus=services.consensus(store), studies=studies,
                     studies_count=studies_count,
                     organisations=services.most_involved_organisations(store, HOME_LISTED))
    return versioned(request, store, settings, HTML, content)
