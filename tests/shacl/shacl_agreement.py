"""Comparing the SPARQL SHACL engine with pyshacl. Both read the same Turtle or N-Triples (pyshacl
through rdflib, the engine through Oxigraph, literals preserved as written) and their results must be
equal as multisets of (focus node, result path, value, constraint component, messages).

Terms are compared as rdflib reads them; "x" and "x"^^xsd:string are one term (RDF 1.1); a blank node,
named differently by each parser, is compared by its statements."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pyoxigraph as ox
from pyshacl import validate as pyshacl_validate
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH, XSD

from carekg import paths
from carekg.shacl import ValidationResult, preserved, validate
from carekg.shacl.literals import to_rdflib

DATA_SHAPES = paths.SHAPES_DIR / "data.ttl"
ONTOLOGY_SHAPES = paths.SHAPES_DIR / "ontology.ttl"

Source = Path | bytes  # a Turtle file, or N-Triples text


def rdflib_graph(*sources: Source) -> Graph:
    graph = Graph()
    for source in sources:
        if isinstance(source, Path):
            graph.parse(source, format="turtle")
        else:
            graph.parse(data=source, format="nt")
    return graph


def oxigraph_store(*sources: Source) -> ox.Store:
    store = ox.Store()
    for source in sources:
        if isinstance(source, Path):
            store.extend(preserved(ox.parse(path=source, format=ox.RdfFormat.TURTLE)))
        else:
            store.extend(preserved(ox.parse(source, format=ox.RdfFormat.N_TRIPLES)))
    return store


def _rdflib(term):
    if term is None or isinstance(term, BNode | URIRef):
        return term
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    literal = to_rdflib(term) if isinstance(term, ox.Literal) else term
    return Literal(str(literal)) if literal.datatype == XSD.string else literal


def _comparable(term, statements):
    """The term; a blank node as the statements it is the subject of (its label differs per parser)."""
    term = _rdflib(term)
    if not isinstance(term, BNode):
        return term
    return "_:" + " ; ".join(sorted(f"{p} {'[]' if isinstance(o, BNode) else _rdflib(o).n3()}"
                                    for p, o in statements(term)))


def keys(results: list[ValidationResult], store: ox.Store) -> Counter:
    """The engine's results as comparable keys (``store`` holds the statements of their blank nodes)."""
    def statements(node):
        quads = store.quads_for_pattern(ox.BlankNode(str(node)), None, None)
        return ((q.predicate.value, q.object) for q in quads)

    return Counter((_comparable(r.focus_node, statements), r.result_path, _comparable(r.value, statements),
                    r.source_constraint_component, frozenset(r.messages)) for r in results)


def engine_results(store: ox.Store, shapes: Path) -> Counter:
    return keys(validate(store, shapes), store)


def pyshacl_results(graph: Graph, shapes: Path) -> Counter:
    shapes_graph = Graph().parse(shapes, format="turtle")
    _, report, _ = pyshacl_validate(graph, shacl_graph=shapes_graph, inference="none", allow_warnings=False)

    def statements(node):
        return ((str(p), o) for p, o in graph.predicate_objects(node))

    return report_keys(report, statements)


def report_keys(report: Graph, statements) -> Counter:
    """The results of a SHACL validation report graph as comparable keys (``statements(node)`` gives the
    (predicate IRI, object) pairs of a blank node of the data graph)."""
    results = Counter()
    for result in report.subjects(RDF.type, SH.ValidationResult):
        path = report.value(result, SH.resultPath)
        if isinstance(path, BNode):  # pyshacl copies [ sh:inversePath p ] into its report
            path = "^" + str(report.value(path, SH.inversePath))
        results[(_comparable(report.value(result, SH.focusNode), statements),
                 None if path is None else str(path),
                 _comparable(report.value(result, SH.value), statements),
                 str(report.value(result, SH.sourceConstraintComponent)),
                 frozenset(str(m) for m in report.objects(result, SH.resultMessage)))] += 1
    return results


def assert_agree(shapes: Path, *sources: Source, graph: Graph | None = None, context: str = "") -> Counter:
    """pyshacl's results on ``sources`` (or on ``graph``, parsed from them) equal the engine's;
    returns them."""
    ours = engine_results(oxigraph_store(*sources), shapes)
    theirs = pyshacl_results(graph if graph is not None else rdflib_graph(*sources), shapes)
    lines = [f"only ours:    {k}" for k in ours - theirs] + [f"only pyshacl: {k}" for k in theirs - ours]
    assert ours == theirs, context + "\n" + "\n".join(lines)
    return theirs
