"""Building responses: content negotiation, RDF representations, ETags and caching headers.

Every answer derives from the loaded dataset, so its entity tag is the dataset version plus the
representation; a client that sends that tag back in ``If-None-Match`` gets 304 Not Modified.
"""

from __future__ import annotations

import functools
import types
import typing
from collections.abc import Iterable, Mapping, Sequence
from typing import Protocol

from fastapi import Request, Response
from pydantic import TypeAdapter

from api.config import Settings
from api.negotiation import negotiate
from carekg import services
from carekg.store import GraphStore

JSON = "application/json"
JSONLD = "application/ld+json"
HTML = "text/html"
RDF_TYPES = tuple(services.RDF_FORMATS)
JSON_OR_RDF = (JSON, *RDF_TYPES)
HTML_OR_RDF = (HTML, *RDF_TYPES)
_TOKENS = {JSON: "json", HTML: "html", "text/turtle": "ttl", "application/ld+json": "jsonld",
           "application/n-triples": "nt", "application/rdf+xml": "rdfxml", "text/csv": "csv"}

#: OpenAPI note for routes that also answer with RDF.
RDF_ALTERNATIVES: dict[int | str, dict] = {
    200: {"description": "JSON by default; RDF when Accept asks for it",
          "content": {media_type: {} for media_type in RDF_TYPES}},
    404: {"description": "no resource with that id"},
    406: {"description": "no acceptable representation"},
}


def choose(request: Request, offered: Sequence[str], aliases: Mapping[str, str] | None = None) -> str:
    """The negotiated media type (``format`` query parameter first, then ``Accept``); raises NotAcceptable."""
    return negotiate(request.headers.get("accept"), offered, request.query_params.get("format"), aliases)


def _entity_tag(store: GraphStore, media_type: str) -> str:
    return f'"{store.dataset_version() or "empty"}-{_TOKENS.get(media_type, "other")}"'


def _not_modified(request: Request, tag: str) -> bool:
    header = request.headers.get("if-none-match")
    if not header:
        return False
    candidates = {candidate.strip().removeprefix("W/") for candidate in header.split(",")}
    return "*" in candidates or tag in candidates


def versioned(request: Request, store: GraphStore, settings: Settings, media_type: str,
              content: bytes | str) -> Response:
    """``content`` with ETag, Cache-Control and Vary headers, or 304 if the client holds this version."""
    tag = _entity_tag(store, media_type)
    headers = {"ETag": tag, "Cache-Control": f"public, max-age={settings.cache_max_age}", "Vary": "Accept"}
    if _not_modified(request, tag):
        return Response(status_code=304, headers=headers)
    return Response(content, media_type=media_type, headers=headers)


@functools.cache
def _adapter(schema: type) -> TypeAdapter:
    return TypeAdapter(schema)


def prepare(response_models: Iterable[object]) -> None:
    """Build now the validator and serialiser of each of the routes' response models (of each member of
    a union: the route answers with one of them), as the answers will use them: at startup, not on a
    route's first request."""
    _adapter(dict)  # a JSON-LD answer's envelope
    for model in response_models:
        if model is None:
            continue
        union = typing.get_origin(model) in (typing.Union, types.UnionType)
        for schema in typing.get_args(model) if union else (model,):
            _adapter(schema)


def _json(request: Request, store: GraphStore, settings: Settings, answer: object, schema: type) -> Response:
    """``answer`` as JSON of ``schema`` (a services answer type or a Page of them): checked against the
    schema, without copying an answer that already is of the type."""
    adapter = _adapter(schema)
    body = adapter.dump_json(adapter.validate_python(answer, from_attributes=True))
    return versioned(request, store, settings, JSON, body)


def jsonld_answer(request: Request, store: GraphStore, settings: Settings, answer: object,
                  schema: type, context: dict) -> Response:
    """``answer`` as JSON-LD: the JSON of ``schema`` under ``context``, which says what each member
    means as linked data (each resource's ``iri`` its ``@id``, so the answer's resources are the graph's
    own) and maps the members that are the answer's own to null."""
    adapter = _adapter(schema)
    document = adapter.dump_python(adapter.validate_python(answer, from_attributes=True), mode="json")
    body = _adapter(dict).dump_json({"@context": context, **document})
    return versioned(request, store, settings, JSONLD, body)


def json_answer(request: Request, store: GraphStore, settings: Settings, answer: object,
                schema: type) -> Response:
    """A services answer validated against its response model, as versioned JSON (406 if the client
    accepts no JSON)."""
    choose(request, (JSON,))
    return _json(request, store, settings, answer, schema)


class Resource(Protocol):
    iri: str


def resource_answer(request: Request, store: GraphStore, settings: Settings, answer: Resource,
                    schema: type) -> Response:
    """A resource as JSON, or as RDF (its description) when the client asks for Turtle, JSON-LD,
    N-Triples or RDF/XML."""
    media_type = choose(request, JSON_OR_RDF)
    if media_type == JSON:
        return _json(request, store, settings, answer, schema)
    description = services.describe(store, answer.iri, media_type, str(request.url_for("findings-list")))
    return versioned(request, store, settings, media_type, description)
