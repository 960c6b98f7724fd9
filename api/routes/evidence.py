"""The write route: add or amend evidence as Turtle, N-Triples or JSON-LD (see carekg.writes).

``POST /evidence/{name}`` with ``Authorization: Bearer <token>``; the tokens come from
``CAREKG_WRITE_TOKEN`` and, without one, writes are off (403). The body is parsed with the Rust
parsers only, SHACL-validated against the merged graph (422 with the report; nothing changed), then
committed atomically with a PROV record; the dataset version advances, so every cache follows.
"""

from __future__ import annotations

import dataclasses
import hmac

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from api.schemas import Problem, ValidationReport
from carekg.writes import ACCEPTED, Refusal, ValidationFailed, WriteRefused, WriteResult, media_type_of

router = APIRouter(tags=["evidence"])

#: The HTTP status of each reason the library refuses a write for.
STATUS_OF: dict[Refusal, int] = {
    Refusal.UNSUPPORTED_MEDIA_TYPE: 415,
    Refusal.MALFORMED: 400,
    Refusal.TOO_LARGE: 413,
    Refusal.CONFLICT: 409,
    Refusal.NOT_SUPPORTED: 501,
}

_ERROR = {"model": Problem}
_ANSWERS: dict[int | str, dict] = {
    201: {"description": "committed; the new dataset version and the PROV activity that records the write",
          "model": WriteResult},
    400: {"description": "malformed RDF, a bad name, statements about non-carekg resources", **_ERROR},
    401: {"description": "missing or wrong bearer token", **_ERROR},
    403: {"description": "writes are off (no CAREKG_WRITE_TOKEN configured)", **_ERROR},
    409: {"description": "the store does not hold the dataset the files describe", **_ERROR},
    413: {"description": "body too large or too many triples", **_ERROR},
    415: {"description": "not Turtle, N-Triples or JSON-LD (RDF/XML is refused)", **_ERROR},
    422: {"description": "SHACL (or OWL consistency) report: nothing was changed", "model": ValidationReport},
    501: {"description": "the store cannot take writes: it is opened read-only (oxigraph-ro:); writes need "
                         "the embedded store read-write (oxigraph:PATH)", **_ERROR},
    503: {"description": "the store is busy (e.g. `carekg load` holds it)", **_ERROR},
}


def _who(request: Request) -> str:
    tokens: dict[str, str] = request.app.state.settings.write_tokens
    if not tokens or request.app.state.writer is None:
        raise HTTPException(403, "writes are off on this server (no CAREKG_WRITE_TOKEN configured)")
    scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not credentials.strip():
        raise HTTPException(401, "a bearer token is required", headers={"WWW-Authenticate": "Bearer"})
    given = credentials.strip().encode()
    for token, name in tokens.items():
        if hmac.compare_digest(given, token.encode()):
            return name
    raise HTTPException(401, "the bearer token is not valid",
                        headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})


@router.post("/evidence/{name}", name="evidence-submit", status_code=201, responses=_ANSWERS, openapi_extra={
    "requestBody": {"required": True, "content": {
        media_type: {"schema": {"type": "string"}}
        for media_type in ACCEPTED if media_type != "application/ld+json"
    } | {"application/ld+json": {"schema": {"type": "object"}}}},
    "security": [{"bearer": []}],
})
async def submit(name: str, request: Request) -> JSONResponse:
    """Add (or, for an existing ``name``, replace) a submission of evidence statements about carekg
    resources. Turtle, N-Triples or JSON-LD; absolute IRIs only; no remote ``@context``."""
    who = _who(request)
    try:
        media_type = media_type_of(request.headers.get("content-type"))
        body = await request.body()
        result = await run_in_threadpool(request.app.state.writer.submit, name, body, media_type, who)
    except WriteRefused as error:
        raise HTTPException(STATUS_OF[error.reason], str(error)) from None
    except ValidationFailed as failure:
        return JSONResponse({"detail": str(failure), "results": failure.results}, status_code=422)
    return JSONResponse(dataclasses.asdict(result), status_code=201,
                        headers={"Location": str(request.url), "Cache-Control": "no-store"})
