"""Linked data: every IRI under the base IRI dereferences here (W3C "Cool URIs for the Semantic Web").

Instance IRIs ``{base}id/{kind}/{slug}`` answer 303 See Other to their document ``/doc/{kind}/{slug}``,
which serves HTML to browsers and Turtle, JSON-LD, N-Triples or RDF/XML to clients. Vocabulary terms
are hash IRIs in one document, ``/def``. Named graph IRIs lead to the VoID description.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request, Response
from fastapi.responses import RedirectResponse

from api import rendering
from api.deps import SettingsDep, StoreDep
from api.responses import HTML, HTML_OR_RDF, choose, versioned
from carekg import services

router = APIRouter(tags=["linked data"])

Kind = Annotated[str, Path(description="the kind of resource, e.g. innovation, factor, study, source",
                           examples=["innovation"])]
Slug = Annotated[str, Path(description="the resource's id", examples=["signs-of-safety"])]
_DOCUMENT_TYPES = {200: {"content": {media_type: {} for media_type in HTML_OR_RDF}},
                   404: {"description": "the dataset does not name this resource"}}


def _see_other(request: Request, location: str) -> Response:
    if request.url.query:
        location = f"{location}?{request.url.query}"
    return RedirectResponse(location, status_code=303, headers={"Vary": "Accept"})


@router.get("/id/{kind}/{slug}", name="linked-data-identify", status_code=303,
            responses={303: {"description": "See Other: the document describing the resource"},
                       404: {"description": "the dataset does not name this resource"}})
def identify(kind: Kind, slug: Slug, request: Request, store: StoreDep, settings: SettingsDep) -> Response:
    """The IRI of a thing (an innovation, a study...) that is not itself a document: 303 to its document."""
    services.require_resource(store, services.resource_iri(kind, slug))
    return _see_other(request, str(request.url_for("linked-data-document", kind=kind, slug=slug)))


@router.get("/doc/{kind}/{slug}", name="linked-data-document", response_class=Response,
            responses=_DOCUMENT_TYPES)
def document(kind: Kind, slug: Slug, request: Request, store: StoreDep, settings: SettingsDep) -> Response:
    """The document about a resource: HTML for browsers; Turtle, JSON-LD, N-Triples or RDF/XML by Accept."""
    iri = services.resource_iri(kind, slug)
    media_type = choose(request, HTML_OR_RDF)
    if media_type == HTML:
        content = rendering.document(request, store, settings, kind, slug, iri)
    else:
        content = services.describe(store, iri, media_type, str(request.url_for("findings-list")))
    return versioned(request, store, settings, media_type, content)


@router.get("/def", name="linked-data-ontology", response_class=Response, responses=_DOCUMENT_TYPES)
def ontology(request: Request, store: StoreDep, settings: SettingsDep) -> Response:
    """The ontology document, home of every ``def#Term``: a term list for browsers, the ontology graph
    (modules, frameworks, factor taxonomy) as Turtle, JSON-LD, N-Triples or RDF/XML for clients."""
    media_type = choose(request, HTML_OR_RDF)
    if media_type == HTML:
        content = rendering.ontology_page(request, store, settings)
    else:
        content = services.ontology_rdf(store, media_type)
    return versioned(request, store, settings, media_type, content)


@router.get("/def/{module:path}", name="linked-data-module", status_code=303,
            responses={303: {"description": "See Other: the ontology document holds every module"}})
def ontology_module(module: str, request: Request) -> Response:
    """Module and version IRIs (``def/core``, ``def/0.1.0``...) lead to the one ontology document."""
    return _see_other(request, str(request.url_for("linked-data-ontology")))


@router.get("/graph/{name}", name="linked-data-graph", status_code=303,
            responses={303: {"description": "See Other: the VoID description lists the named graphs"}})
def named_graph(name: str, request: Request) -> Response:
    """A named graph's IRI leads to the VoID description, which gives its size and purpose."""
    return _see_other(request, str(request.url_for("meta-void")))
