"""Whole-dataset downloads: every finding as CSV, and the named graphs as RDF."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
from typing import Any

import pyoxigraph as ox
from rdflib.namespace import VOID, XSD

from carekg.ids import PREFIXES, SD
from carekg.services.errors import InvalidArgument
from carekg.services.evidence import all_evidence
from carekg.services.graphs import dataset_graphs
from carekg.services.rdf import jsonld_context
from carekg.services.refs import placement_of
from carekg.store.base import GraphStore

_XSD_STRING = str(XSD.string)
_CSV_COLUMNS = ("finding", "innovation", "innovation_label", "general", "factor", "factor_label",
                "nasss_subdomain", "nasss_domain", "direction", "provenance", "source", "source_kind",
                "citation", "design", "year", "developer_authored", "locator", "paraphrase")


def findings_csv(store: GraphStore) -> str:
    """Every finding as one CSV row, with its innovation, factor, NASSS placement and source."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(_CSV_COLUMNS)
    for e in all_evidence(store):
        subdomain, domain = placement_of(store, e.factor.iri)
        authored = e.source.developer_authored
        writer.writerow([
            e.id, e.innovation.id if e.innovation else "", e.innovation.label if e.innovation else "",
            str(e.general).lower(), e.factor.id, e.factor.label, subdomain.code if subdomain else "",
            domain.code if domain else "", e.direction, e.provenance or "", e.source.id, e.source.kind,
            e.source.citation, e.source.design or "", e.source.year or "",
            "" if authored is None else str(authored).lower(), e.locator or "", e.paraphrase or "",
        ])
    return out.getvalue()


def export_dataset(store: GraphStore, media_type: str) -> Iterator[bytes]:
    """Every graph of the dataset (graphs.dataset_graphs) in chunks, read from the store as they are
    sent, so no request holds the dataset: N-Quads and JSON-LD keep the named graphs apart; Turtle and
    N-Triples merge them into one graph (a statement in two graphs is written twice)."""
    graphs = list(dataset_graphs(store))
    if media_type not in _STREAMED:
        raise InvalidArgument(f"cannot export the dataset as {media_type!r}; "
                              f"use one of {', '.join(_STREAMED)}")
    return _STREAMED[media_type](store, graphs)


def _ntriples(store: GraphStore, graphs: list[str]) -> Iterator[bytes]:
    for graph in graphs:
        yield from store.graph_ntriples(graph)


def _nquads(store: GraphStore, graphs: list[str]) -> Iterator[bytes]:
    for graph in graphs:
        name = f" <{graph}> .\n".encode()
        for chunk in store.graph_ntriples(graph):
            yield b"".join(line[:-1].rstrip() + name for line in chunk.splitlines() if line.strip())


def _turtle(store: GraphStore, graphs: list[str]) -> Iterator[bytes]:
    # Each chunk is written by Oxigraph's Turtle writer with carekg's prefixes; the prefix lines it
    # starts every chunk with are sent once.
    prefixes = {**PREFIXES, "void": str(VOID), "sd": str(SD)}
    header = ox.serialize([], format=ox.RdfFormat.TURTLE, prefixes=prefixes) or b""
    yield header
    for chunk in _ntriples(store, graphs):
        body = ox.serialize(ox.parse(chunk, format=ox.RdfFormat.N_TRIPLES), format=ox.RdfFormat.TURTLE,
                            prefixes=prefixes) or b""
        yield body.removeprefix(header)


def _jsonld(store: GraphStore, graphs: list[str]) -> Iterator[bytes]:
    """Expanded JSON-LD (every IRI written out, so no term can be misread), one node object per run of
    a subject's statements (objects of one @id in a graph merge), each named graph an ``@graph`` of
    its own, under carekg's context for whoever compacts it."""
    yield b'{"@context": ' + json.dumps(jsonld_context()["@context"]).encode() + b',\n "@graph": ['
    for number, graph in enumerate(graphs):
        yield (b",\n" if number else b"\n") + b'{"@id": ' + json.dumps(graph).encode() + b', "@graph": ['
        node: dict[str, Any] | None = None
        written = False
        for chunk in store.graph_ntriples(graph):
            parts = []
            for triple in ox.parse(chunk, format=ox.RdfFormat.N_TRIPLES):
                subject = _node_id(triple.subject)
                if node is None or node["@id"] != subject:
                    if node is not None:
                        parts.append(json.dumps(node))
                    node = {"@id": subject}
                node.setdefault(triple.predicate.value, []).append(_jsonld_value(triple.object))
            if parts:
                yield (b",\n" if written else b"\n") + ",\n".join(parts).encode()
                written = True
        if node is not None:
            yield (b",\n" if written else b"\n") + json.dumps(node).encode()
        yield b"\n]}"
    yield b"\n]}\n"


def _node_id(term) -> str:
    return f"_:{term.value}" if isinstance(term, ox.BlankNode) else term.value


def _jsonld_value(term) -> dict[str, str]:
    if not isinstance(term, ox.Literal):
        return {"@id": _node_id(term)}
    if term.language:
        return {"@value": term.value, "@language": term.language}
    if term.datatype.value == _XSD_STRING:
        return {"@value": term.value}
    return {"@value": term.value, "@type": term.datatype.value}


_STREAMED: dict[str, Callable[[GraphStore, list[str]], Iterator[bytes]]] = {
    "application/n-quads": _nquads,
    "application/n-triples": _ntriples,
    "text/turtle": _turtle,
    "application/ld+json": _jsonld,
}
