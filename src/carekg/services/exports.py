"""Whole-dataset downloads: every finding as CSV, and the named graphs as RDF."""

from __future__ import annotations

import csv
import io

from rdflib import Dataset, Graph, URIRef

from carekg.services.evidence import all_evidence
from carekg.services.graphs import dataset_graphs
from carekg.services.rdf import bind_prefixes, jsonld_context, ntriples, serialise
from carekg.services.refs import placement_of
from carekg.store.base import GraphStore

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


def export_dataset(store: GraphStore, media_type: str) -> bytes:
    """Every graph of the dataset (graphs.dataset_graphs): N-Quads and JSON-LD keep the named graphs apart;
    Turtle, N-Triples and RDF/XML merge them into one graph."""
    graphs = {str(graph): ntriples(store, "api_graph", graph=str(graph)) for graph in dataset_graphs(store)}
    if media_type == "application/n-quads":
        return "".join(_as_quads(text, graph) for graph, text in graphs.items()).encode("utf-8")
    if media_type == "application/n-triples":
        return "".join(graphs.values()).encode("utf-8")
    if media_type == "application/ld+json":
        dataset = Dataset()
        for graph, text in graphs.items():
            dataset.graph(URIRef(graph)).parse(data=text, format="nt")
        bind_prefixes(dataset)
        return dataset.serialize(format="json-ld", context=jsonld_context()["@context"], auto_compact=True,
                                 encoding="utf-8")
    merged = Graph()
    for text in graphs.values():
        merged.parse(data=text, format="nt")
    return serialise(merged, media_type)


def _as_quads(ntriples: str, graph: str) -> str:
    """N-Triples lines with ``graph`` as their fourth term."""
    return "".join(f"{line[:-1].rstrip()} <{graph}> .\n" for line in ntriples.splitlines() if line.strip())
