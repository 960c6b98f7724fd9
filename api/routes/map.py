"""The evidence gap map: innovations x NASSS sub-domains (``?framework=cfir``: x CFIR 2.0 domains), each
cell with its enabler, barrier and mixed findings and the strength of the evidence (independent studies;
carekg.services.gap_map says how they are counted).
HTML for people at /map (each non-empty cell opens the innovation's findings in that sub-domain), and
the same map drawn as SVG (/map.svg) and PNG (/map.png, rasterised by Pillow), as ``carekg map --out`` writes.
"""

from __future__ import annotations

from typing import Annotated, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request, Response

from api import rendering
from api.deps import SettingsDep, StoreDep
from api.responses import HTML, choose, versioned
from carekg.drawing.gap_map import map_png, map_svg
from carekg.services.gap_map import DEFAULT_PAGE, MAP_QUERIES, MAX_PAGE, Cell, GapMapRow
from carekg.services.gap_map import gap_map as build_gap_map

router = APIRouter(tags=["pages"])

SVG = "image/svg+xml"
PNG = "image/png"

#: A page of the map: the innovations with most findings first (each page's rows shown A-Z).
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE, description="innovations on the page (rows)")]
Offset = Annotated[int, Query(ge=0, description="innovations skipped, from the most findings down")]
#: Pixels per unit of the SVG's layout in /map.png. 1 by default (2026-12-07): a page of 50 innovations is
#: then 1,604 x 2,184 pixels, drawn in about half the time of scale 2's four times as many (docs/bench.md);
#: the SVG is the map at any size.
Scale = Annotated[int, Query(ge=1, le=2, description="pixels per unit of the SVG's layout: 1 (the SVG's "
                                                    "own size) or 2 (twice as sharp, four times the pixels)")]
Framework = Annotated[Literal[tuple(MAP_QUERIES)], Query(
    description="the columns: NASSS sub-domains (the default) or CFIR 2.0 domains")]


def _page_query(limit: int, offset: int | None, framework: str = "nasss") -> str | None:
    """The query string of a page (empty for the first NASSS page at the default size); None for no
    page."""
    if offset is None:
        return None
    chosen = {"limit": limit, "offset": offset} if (limit, offset) != (DEFAULT_PAGE, 0) else {}
    if framework != "nasss":
        chosen["framework"] = framework
    return "?" + urlencode(chosen) if chosen else ""


def _cell_link(request: Request, framework: str = "nasss"):
    root = request.scope.get("root_path", "")
    chosen = {"framework": framework} if framework != "nasss" else {}
    queries: dict[str, str] = {}  # per column: a page has a few columns and a thousand cells

    def link(row: GapMapRow, cell: Cell) -> str:
        code = cell.subdomain.code
        if code not in queries:
            queries[code] = urlencode({**chosen, "domain": code})
        return f"{root}/doc/innovation/{row.id}?{queries[code]}#profile"

    return link


@router.get("/map", name="map-page", response_class=Response, responses={200: {"content": {HTML: {}}}})
def gap_map(request: Request, store: StoreDep, settings: SettingsDep, limit: Limit = DEFAULT_PAGE,
            offset: Offset = 0, framework: Framework = "nasss") -> Response:
    """The evidence gap map as an HTML table: a row per innovation, a column per NASSS sub-domain (or
    CFIR 2.0 domain); a page of ``limit`` innovations (most findings first), with links to the next and
    previous pages and to the map in the other framework."""
    choose(request, (HTML,))
    the_map = build_gap_map(store, limit, offset, framework)
    pager = {"this": _page_query(limit, offset, framework),
             "next": _page_query(limit, the_map.next_offset, framework),
             "previous": _page_query(limit, the_map.previous_offset, framework),
             "frameworks": {name: _page_query(limit, offset, name) for name in MAP_QUERIES}}
    content = rendering.render(request, settings, "map.html", map=the_map,
                           cell_link=_cell_link(request, framework), pager=pager)
    return versioned(request, store, settings, HTML, content)


@router.get("/map.svg", name="map-svg", response_class=Response, responses={200: {"content": {SVG: {}}}})
def gap_map_svg(request: Request, store: StoreDep, settings: SettingsDep, limit: Limit = DEFAULT_PAGE,
                offset: Offset = 0, framework: Framework = "nasss") -> Response:
    """A page of the evidence gap map drawn as SVG (as /map pages it); non-empty cells link to their
    findings."""
    body = map_svg(build_gap_map(store, limit, offset, framework), _cell_link(request, framework))
    response = versioned(request, store, settings, SVG, body)
    response.headers["Content-Disposition"] = 'inline; filename="carekg-gap-map.svg"'
    return response


@router.get("/map.png", name="map-png", response_class=Response, responses={200: {"content": {PNG: {}}}})
def gap_map_png(request: Request, store: StoreDep, settings: SettingsDep, limit: Limit = DEFAULT_PAGE,
                offset: Offset = 0, framework: Framework = "nasss", scale: Scale = 1) -> Response:
    """A page of the evidence gap map as a PNG image, drawn by Pillow from the same layout as the SVG at
    ``scale`` pixels per unit (1: the SVG's size; 2: twice as sharp)."""
    body = map_png(build_gap_map(store, limit, offset, framework), scale)
    response = versioned(request, store, settings, PNG, body)
    response.headers["Content-Disposition"] = 'inline; filename="carekg-gap-map.png"'
    return response
