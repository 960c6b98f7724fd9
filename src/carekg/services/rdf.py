"""RDF out: the media types served, prefixes, the JSON-LD context and serialising graphs."""

from __future__ import annotations

from rdflib import Graph
from rdflib.namespace import VOID

from carekg.ids import HYDRA, PREFIXES, SD
from carekg.queries import load_query
from carekg.services.errors import InvalidArgument
from carekg.store.base import GraphStore

#: RDF serialisations a resource, the ontology or a description can be had in, by media type.
RDF_FORMATS = {
    "text/turtle": "turtle",
    "application/ld+json": "json-ld",
    "application/n-triples": "nt",
    "application/rdf+xml": "xml",
}


def jsonld_context() -> dict:
    """The JSON-LD ``@context`` of carekg's RDF: its prefixes, with carekg terms as bare names."""
    return {"@context": {"@vocab": PREFIXES["ckg"], **PREFIXES}}


def bind_prefixes(graph: Graph) -> Graph:
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    graph.bind("void", VOID)
    graph.bind("sd", SD)
    graph.bind("hydra", HYDRA)
    return graph


def serialise(graph: Graph, media_type: str) -> bytes:
    if media_type not in RDF_FORMATS:
        raise InvalidArgument(f"cannot serialise RDF as {media_type!r}; use one of {', '.join(RDF_FORMATS)}")
    bind_prefixes(graph)
    if media_type == "application/ld+json":
        return graph.serialize(format="json-ld", context=jsonld_context()["@context"], auto_compact=True,
                               encoding="utf-8")
    return graph.serialize(format=RDF_FORMATS[media_type], encoding="utf-8")


def ntriples(store: GraphStore, name: str, **bindings: str) -> str:
    media_type = "application/n-triples"
    return store.construct(load_query(name), {k: str(v) for k, v in bindings.items()}, media_type).decode()


def construct_graph(store: GraphStore, name: str, **bindings: str) -> Graph:
    return Graph().parse(data=ntriples(store, name, **bindings), format="nt")


def curie(iri: str) -> str:
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return iri
