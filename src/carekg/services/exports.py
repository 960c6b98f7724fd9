"""Whole-dataset downloads: every finding as CSV, and the named graphs as RDF."""

from __future__ import annotations

import csv
import io
import itertools
import json
from collections.abc import Callable, Iterator
from typing import Any

import pyoxigraph as ox
from rdflib.namespace import VOID, XSD

from carekg.ids import PREFIXES, SD, slug_of, split
from carekg.queries import load_query
from carekg.services.errors import InvalidArgument
from carekg.services.graphs import dataset_graphs
from carekg.services.rdf import jsonld_context
from carekg.services.rows import as_bool, as_int
from carekg.services.vocabulary import code, code_or_none
from carekg.store.base import GraphStore, Row, Serialising

_XSD_STRING = str(XSD.string)
CSV_COLUMNS = ("finding", "innovation", "innovation_label", "general", "factor", "factor_label",
                "nasss_subdomain", "nasss_domain", "direction", "provenance", "source", "source_kind",
                "citation", "design", "year", "developer_authored", "locator", "paraphrase")
#: Findings written to the CSV between two chunks sent, and in the first chunk, which the download
#: waits for before its first byte (at 1M triples the engine gives ~4 rows a millisecond).
CSV_ROWS_PER_CHUNK = 1_000
CSV_FIRST_ROWS = 100


def findings_csv(store: GraphStore, rows_per_chunk: int = CSV_ROWS_PER_CHUNK,
                 first_rows: int = CSV_FIRST_ROWS) -> Iterator[str]:
    """Every finding as one CSV row (innovation, factor, NASSS placement, direction, source), the
    header first, in chunks of text (``rows_per_chunk`` findings each, the first ``first_rows`` if
    fewer) as the store gives the rows of export_findings.rq: no request holds every finding (rows in
    the store's order). The sources' details are asked per chunk (export_findings_sources.rq), so the
    first rows wait for no other source's."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    rows = store.select_rows(load_query("export_findings"))
    size = min(first_rows, rows_per_chunk)
    while chunk := list(itertools.islice(rows, size)):
        size = rows_per_chunk
        # Only this chunk's sources are held: kept across chunks, they would grow with the dataset.
        asked = tuple(sorted({row["source"] for row in chunk}))
        sources = {row["source"]: row for row in store.select(load_query("export_findings_sources"),
                                                              {"source": asked})}
        for row in chunk:
            writer.writerow(_csv_row({**sources.get(row["source"], {}), **row}))
        yield out.getvalue()
        out.seek(0)
        out.truncate()
    if out.tell():  # no findings: the header alone
        yield out.getvalue()


def _csv_row(row: Row) -> list:
    """One finding's cells, as its pages show it: an innovation, factor or source by its id (and
    label or citation, or its id when the store has none), vocabulary values by their codes."""
    innovation, factor = row.get("innovation"), row["factor"]
    kind, source = split(row["source"]) or ("source", row["source"])
    if not as_bool(row.get("sourceTyped")):  # not typed as a source: known by its id alone
        row = {name: value for name, value in row.items()
               if name not in ("citation", "design", "year", "developerAuthored")}
    authored = as_bool(row.get("developerAuthored"))
    return [
        slug_of(row["finding"]), slug_of(innovation) if innovation else "",
        (row.get("innovationLabel") or slug_of(innovation)) if innovation else "",
        str(bool(as_bool(row.get("general")))).lower(), slug_of(factor),
        row.get("factorLabel") or slug_of(factor),
        row.get("subdomainCode", ""), row.get("domainCode", ""), code(row["direction"]),
        code_or_none(row.get("provenance")) or "", source, kind, row.get("citation") or source,
        code_or_none(row.get("design")) or "", as_int(row.get("year")) or "",
        "" if authored is None else str(authored).lower(), row.get("locator") or "",
        row.get("paraphrase") or "",
    ]


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
            # Chunks end at a line's end, and a literal's newline is escaped: when every line ends
            # " .\n" (Oxigraph's do), the graph's name goes in by one pass over the chunk, not line by line.
            if chunk.count(b" .\n") == chunk.count(b"\n"):
                yield chunk.replace(b" .\n", name)
            else:  # another server's lines ("<s> <p> <o>.", blank lines)
                yield b"".join(line[:-1].rstrip() + name for line in chunk.splitlines() if line.strip())


def _turtle(store: GraphStore, graphs: list[str]) -> Iterator[bytes]:
    # Written by Oxigraph's Turtle writer with carekg's prefixes: graph by graph by an engine that writes
    # Turtle itself, else chunk by chunk of the graphs' N-Triples. The prefix lines it starts each with
    # are sent once, with the first statements (the writer writes none for no statements).
    prefixes = {**PREFIXES, "void": str(VOID), "sd": str(SD)}
    header = _prefix_lines(prefixes)
    first = True
    for graph in graphs:
        chunks = (store.graph_serialised(graph, "text/turtle", prefixes) if isinstance(store, Serialising)
                  else _turtle_chunks(store, graph, prefixes))
        for chunk in chunks:
            yield chunk if first else chunk.removeprefix(header)
            first = False


def _turtle_chunks(store: GraphStore, graph: str, prefixes: dict[str, str]) -> Iterator[bytes]:
    for chunk in store.graph_ntriples(graph):
        yield ox.serialize(ox.parse(chunk, format=ox.RdfFormat.N_TRIPLES), format=ox.RdfFormat.TURTLE,
                           prefixes=prefixes) or b""


def _prefix_lines(prefixes: dict[str, str]) -> bytes:
    """The ``@prefix`` lines Oxigraph's Turtle writer starts a document with, for these prefixes."""
    anything = ox.Triple(ox.BlankNode(), ox.NamedNode(str(VOID.triples)), ox.Literal("0"))
    written = ox.serialize([anything], format=ox.RdfFormat.TURTLE, prefixes=prefixes) or b""
    return b"".join(line for line in written.splitlines(keepends=True) if line.startswith(b"@prefix "))


def _jsonld(store: GraphStore, graphs: list[str]) -> Iterator[bytes]:
    """Expanded JSON-LD (every IRI written out, so no term can be misread), one node object per run of
    a subject's statements (objects of one @id in a graph merge), each named graph an ``@graph`` of
    its own, under carekg's context for whoever compacts it. The opening (the context) is sent with
    the first nodes read, so the first chunk shows the store answers (export's route reads it before
    the answer's status is sent). An engine that writes JSON-LD itself writes each graph's nodes."""
    held = b'{"@context": ' + json.dumps(jsonld_context()["@context"]).encode() + b',\n "@graph": ['
    for number, graph in enumerate(graphs):
        held += (b",\n" if number else b"\n") + b'{"@id": ' + json.dumps(graph).encode() + b', "@graph": '
        nodes = (store.graph_serialised(graph, "application/ld+json", {}) if isinstance(store, Serialising)
                 else _jsonld_nodes(store, graph))
        for chunk in nodes:
            yield held + chunk
            held = b""
        held += b"}"
    yield held + b"\n]}\n"


def _jsonld_nodes(store: GraphStore, graph: str) -> Iterator[bytes]:
    """A graph's node objects as one JSON array, built from its N-Triples (a store whose engine does
    not write JSON-LD): a node per run of a subject's statements."""
    held = b"["
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
            yield held + (b",\n" if written else b"\n") + ",\n".join(parts).encode()
            held, written = b"", True
    if node is not None:
        held += (b",\n" if written else b"\n") + json.dumps(node).encode()
    yield held + b"\n]"


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
