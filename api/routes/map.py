"""The evidence gap map: innovations x NASSS sub-domains, each cell with its enabler, barrier and mixed
findings and the strength of the evidence (independent studies; carekg.services.gap_map says how they are
counted).
HTML for people at /map (each non-empty cell opens the innovation's findings in that sub-domain), and
the same map drawn as SVG (/map.svg) and PNG (/map.png, rasterised by Pillow), as ``carekg map --out`` writes.
"""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Request, Response

from api.deps import SettingsDep, StoreDep
from api.responses import HTML, choose, versioned
from api.routes import pages
from carekg.drawing.gap_map import map_png, map_svg
from carekg.services.gap_map import Cell, GapMapRow
from carekg.services.gap_map import gap_map as build_gap_map

router = APIRouter(tags=["pages"])

SVG = "image/svg+xml"
PNG = "image/png"


def _cell_link(request: Request):
    root = request.scope.get("root_path", "")

    def link(row: GapMapRow, cell: Cell) -> str:
        return f"{root}/doc/innovation/{row.id}?{urlencode({'domain': cell.subdomain.code})}#profile"

    return link


@router.get("/map", name="map-page", response_class=Response, responses={200: {"content": {HTML: {}}}})
def gap_map(request: Request, store: StoreDep, settings: SettingsDep) -> Response:
    """The evidence gap map as an HTML table: a row per innovation, a column per NASSS sub-domain."""
    choose(request, (HTML,))
    the_map = build_gap_map(store)
    content = pages.render(request, settings, "map.html", map=the_map, cell_link=_cell_link(request))
    return versioned(request, store, settings, HTML, content)


@router.get("/map.svg", name="map-svg", response_class=Response, responses={200: {"content": {SVG: {}}}})
def gap_map_svg(request: Request, store: StoreDep, settings: SettingsDep) -> Response:
    """The evidence gap map drawn as SVG; non-empty cells link to their findings."""
    body = map_svg(build_gap_map(store), _cell_link(request))
    response = versioned(request, store, settings, SVG, body)
    response.headers["Content-Disposition"] = 'inline; filename="carekg-gap-map.svg"'
    return response


@router.get("/map.png", name="map-png", response_class=Response, responses={200: {"content": {PNG: {}}}})
def gap_map_png(request: Request, store: StoreDep, settings: SettingsDep) -> Response:
    """The evidence gap map as a PNG image (drawn by Pillow from the same layout as the SVG)."""
    body = map_png(build_gap_map(store))
    response = versioned(request, store, settings, PNG, body)
    response.headers["Content-Disposition"] = 'inline; filename="carekg-gap-map.png"'
    return response
