"""Downloads mirroring ``carekg export``: the whole graph (data, ontology and inferred graphs) as Turtle,
N-Quads (named graphs kept), JSON-LD (named graphs kept) or N-Triples, and every finding as CSV for
spreadsheets. Each answer carries ``Content-Disposition: attachment`` with a file name."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Request, Response
from fastapi.responses import StreamingResponse

from api.deps import SettingsDep, StoreDep
from api.responses import versioned
from carekg import services

router = APIRouter(prefix="/export", tags=["export"])

#: file extension -> (media type, what it holds), as `carekg export --format` names them.
GRAPH_FILES = {
    "ttl": ("text/turtle", "turtle"),
    "nq": ("application/n-quads", "nquads"),
    "jsonld": ("application/ld+json", "jsonld"),
    "nt": ("application/n-triples", "ntriples"),
}
CSV = "text/csv; charset=utf-8"


def _download(request: Request, store, settings, media_type: str, body: bytes, filename: str) -> Response:
    response = versioned(request, store, settings, media_type, body)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _streamed(request: Request, store, settings, media_type: str, chunks: Iterator[bytes],
              filename: str) -> Response:
    """The chunks sent as the store gives them, with the headers (ETag, or 304) a whole answer gets.
    The first chunk is read before the answer starts, so a store that cannot answer gets its error
    status rather than a cut-off 200."""
    head = _download(request, store, settings, media_type, b"", filename)
    if head.status_code == 304:
        return head
    headers = {name: head.headers[name] for name in ("ETag", "Cache-Control", "Vary", "Content-Disposition")}
    first = next(chunks, b"")
    return StreamingResponse(itertools.chain([first], chunks), media_type=media_type, headers=headers)


@router.get(
    "/findings.csv",
    name="export-findings",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}, "description": "one row per finding"}},
)
def findings(request: Request, store: StoreDep, settings: SettingsDep) -> Response:
    """Every finding as a CSV row (innovation, factor, NASSS placement, direction, source, design...),
    the same as ``carekg export --format csv``, streamed from the store as it reads the findings (rows
    in the store's order). UTF-8 with a byte-order mark, so spreadsheets read it right."""
    chunks = (("\ufeff" if number == 0 else "") + chunk  # the byte-order mark, once
              for number, chunk in enumerate(services.findings_csv(store)))
    return _streamed(request, store, settings, CSV, (chunk.encode("utf-8") for chunk in chunks),
                     "carekg-findings.csv")


@router.get(
    "/carekg.{extension}",
    name="export-graph",
    response_class=Response,
    responses={
        200: {"content": {media_type: {} for media_type, _ in GRAPH_FILES.values()}},
        404: {"description": "no export with that extension (ttl, nq, jsonld, nt)"},
    },
)
def graph(
    extension: Annotated[str, Path(description="ttl, nq, jsonld or nt", examples=["ttl"])],
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
) -> Response:
    """The whole graph as a file, the same as ``carekg export --format turtle|nquads|jsonld|ntriples``,
    streamed from the store in chunks."""
    if extension not in GRAPH_FILES:
        raise HTTPException(
            404,
            f"no export carekg.{extension}; available: "
            + ", ".join(f"carekg.{e}" for e in GRAPH_FILES)
            + ", findings.csv",
        )
    media_type, _ = GRAPH_FILES[extension]
    return _streamed(
        request,
        store,
        settings,
        media_type,
        services.export_dataset(store, media_type),
        f"carekg.{extension}",
    )
