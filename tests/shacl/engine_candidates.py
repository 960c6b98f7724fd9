"""A pytest plugin that runs tests/shacl's agreement suite with another SHACL engine in carekg.shacl's
place, to judge a replacement (docs/shacl-engines.md). Not collected as a test: the engines it names
are not dependencies of carekg. With them installed (in a separate environment)::

    PYTHONPATH=src:tests/shacl CAREKG_SHACL_CANDIDATE=pyshacl-turbo python -m pytest -p engine_candidates \\
        tests/shacl/test_shacl_agreement.py tests/shacl/test_shacl_mutations.py \\
        tests/shacl/test_shacl_engine.py -k "agree or mutations or conform or broken or fixture"

Candidates: ``pyshacl-turbo`` (its pySHACL-style ``validate`` on the rdflib graph pyshacl gets),
``pyshacl-turbo-oxigraph`` (the same on a pyoxigraph store, as carekg holds its data),
``pyshacl-turbo-file`` (the same on one N-Triples file, read by turbo's own parser) and ``pyrudof``
(rudof's native engine on the same Turtle or N-Triples text). Each candidate's results are compared
with pyshacl's exactly as carekg.shacl's are (shacl_agreement.assert_agree)."""

from __future__ import annotations

import os
import re
import tempfile
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import shacl_agreement as agreement
from rdflib import BNode, Graph, Literal, URIRef

CANDIDATE = os.environ.get("CAREKG_SHACL_CANDIDATE", "pyshacl-turbo")
#: compare (focus, path, value, component) only, to see what differs beyond the messages
IGNORE_MESSAGES = os.environ.get("CAREKG_SHACL_IGNORE_MESSAGES") == "1"


def _plain_store(*sources: agreement.Source) -> ox.Store:
    """The sources in pyoxigraph as parsed (no carekg literal preservation: that is carekg.shacl's)."""
    store = ox.Store()
    for source in sources:
        if isinstance(source, Path):
            store.extend(ox.parse(path=source, format=ox.RdfFormat.TURTLE))
        else:
            store.extend(ox.parse(source, format=ox.RdfFormat.N_TRIPLES))
    return store


def _store_statements(store: ox.Store):
    def statements(node):
        return ((q.predicate.value, q.object)
                for q in store.quads_for_pattern(ox.BlankNode(str(node)), None, None))
    return statements


def _parsed(*sources: agreement.Source) -> list[ox.Triple]:
    """The sources' statements as parsed, literals as written (a pyoxigraph store would rewrite some)."""
    triples = []
    for source in sources:
        if isinstance(source, Path):
            triples += ox.parse(path=source, format=ox.RdfFormat.TURTLE)
        else:
            triples += ox.parse(source, format=ox.RdfFormat.N_TRIPLES)
    return triples


def _parsed_statements(triples: list[ox.Triple]):
    by_subject: dict[str, list] = {}
    for t in triples:
        if isinstance(t.subject, ox.BlankNode):
            by_subject.setdefault(t.subject.value, []).append((t.predicate.value, t.object))

    def statements(node):
        return iter(by_subject.get(str(node), ()))
    return statements


def turbo_results(shapes: Path, sources, graph: Graph | None, engine_input: str) -> Counter:
    import pyshacl_turbo

    shapes_graph = Graph().parse(shapes, format="turtle")
    if engine_input == "file":  # one N-Triples file, parsed by turbo's own parser
        triples = _parsed(*sources)
        with tempfile.NamedTemporaryFile(suffix=".nt", delete=False) as file:
            ox.serialize(triples, file, format=ox.RdfFormat.N_TRIPLES)
        statements = _parsed_statements(triples)
        try:
            _, report, _ = pyshacl_turbo.validate(file.name, data_graph_format="nt", shacl_graph=shapes_graph,
                                                  inference="none", allow_warnings=False)
        finally:
            os.unlink(file.name)
        return agreement.report_keys(report, statements)
    if engine_input == "oxigraph":
        data = _plain_store(*sources)
        statements = _store_statements(data)
    else:
        data = graph if graph is not None else agreement.rdflib_graph(*sources)

        def statements(node):
            return ((str(p), o) for p, o in data.predicate_objects(node))
    _, report, _ = pyshacl_turbo.validate(data, shacl_graph=shapes_graph, inference="none",
                                          allow_warnings=False)
    return agreement.report_keys(report, statements)


def _rudof_term(text: str | None, prefixes: dict[str, str]):
    """A term as pyrudof's entries write it: a bare IRI, ``_:label``, a bare number or boolean, or a
    quoted literal, written unescaped, whose datatype may be a prefixed name."""
    if text is None:
        return None
    if text.startswith("_:"):
        return BNode(text[2:])
    if re.fullmatch(r"true|false|[+-]?[0-9]*[.]?[0-9]+([eE][+-]?[0-9]+)?", text):
        return next(iter(Graph().parse(data=f"<urn:s> <urn:p> {text} .", format="turtle").objects()))
    literal = re.fullmatch(r'"(.*)"(?:@([A-Za-z0-9-]+)|\^\^(\S+))?', text, re.DOTALL)
    if literal is None:
        return URIRef(text)
    lexical, language, datatype = literal.groups()
    if datatype and datatype.startswith("<"):
        datatype = datatype[1:-1]
    elif datatype:
        prefix, _, local = datatype.partition(":")
        datatype = prefixes[prefix] + local
    return Literal(lexical, lang=language, datatype=datatype)


def rudof_results(shapes: Path, sources) -> Counter:
    import pyrudof

    rudof = pyrudof.Rudof(pyrudof.RudofConfig())
    for i, source in enumerate(sources):
        if isinstance(source, Path):
            text, form = source.read_text(), pyrudof.RDFFormat.Turtle
        else:
            text, form = source.decode(), pyrudof.RDFFormat.NTriples
        rudof.read_data(text, format=form, reader_mode=pyrudof.ReaderMode.Strict, merge=i > 0)
    rudof.read_shacl(str(shapes), reader_mode=pyrudof.ReaderMode.Strict)
    report = rudof.validate_shacl()
    prefixes = {"xsd": "http://www.w3.org/2001/XMLSchema#", "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
                **dict(rudof.prefixes())}
    for source in sources:
        if isinstance(source, Path):
            prefixes.update(Graph().parse(source, format="turtle").namespaces())
    statements = _parsed_statements(_parsed(*sources))  # the entries keep the input's blank node labels
    results = Counter()
    for entry in report:
        path = entry.path
        if path and path.startswith("^(") and path.endswith(")"):  # rudof writes an inverse path ^(iri)
            path = "^" + path[2:-1]
        results[(agreement._comparable(_rudof_term(entry.focus_node, prefixes), statements),
                 path, agreement._comparable(_rudof_term(entry.value, prefixes), statements),
                 entry.constraint_component, _rudof_messages(entry.message))] += 1
    return results


def _rudof_messages(text: str | None) -> frozenset[str]:
    """The message texts of an entry: a comma-separated list of Turtle strings, written unescaped."""
    return frozenset(m.group(1) for m in re.finditer(r'"((?:[^"\\]|\\.)*)"(?:@[A-Za-z-]+|\^\^\S+)?',
                                                      text or ""))


def candidate_results(shapes: Path, *sources, graph: Graph | None = None) -> Counter:
    if CANDIDATE == "pyshacl-turbo":
        return turbo_results(shapes, sources, graph, "rdflib")
    if CANDIDATE == "pyshacl-turbo-oxigraph":
        return turbo_results(shapes, sources, graph, "oxigraph")
    if CANDIDATE == "pyshacl-turbo-file":
        return turbo_results(shapes, sources, graph, "file")
    if CANDIDATE == "pyrudof":
        return rudof_results(shapes, sources)
    raise ValueError(f"unknown CAREKG_SHACL_CANDIDATE {CANDIDATE!r}")


def _without_messages(results: Counter) -> Counter:
    counts = Counter()
    for key, n in results.items():
        counts[key[:4]] += n
    return counts


def _blank_nodes_alike(results: Counter) -> Counter:
    counts = Counter()
    for key, n in results.items():
        counts[tuple("_:" if isinstance(t, str) and t.startswith("_:") else t for t in key)] += n
    return counts


def assert_agree(shapes: Path, *sources, graph: Graph | None = None, context: str = "") -> Counter:
    """pyshacl's results equal the candidate's (the same contract as shacl_agreement.assert_agree)."""
    checked = graph if graph is not None else agreement.rdflib_graph(*sources)
    theirs = agreement.pyshacl_results(checked, shapes)
    try:
        ours = candidate_results(shapes, *sources, graph=graph)
    except Exception as error:  # an engine that refuses the input is a difference, reported as one
        raise AssertionError(f"{CANDIDATE} failed: {type(error).__name__}: {error}\n{context}") from error
    if CANDIDATE == "pyshacl-turbo-file":  # its report's blank nodes cannot be traced back to the data
        ours, theirs = _blank_nodes_alike(ours), _blank_nodes_alike(theirs)
    if IGNORE_MESSAGES:
        ours, theirs = _without_messages(ours), _without_messages(theirs)
    lines = [f"only {CANDIDATE}: {k}" for k in ours - theirs] + [f"only pyshacl: {k}" for k in theirs - ours]
    assert ours == theirs, context + "\n" + "\n".join(lines)
    return theirs


def pytest_configure(config):
    # the test modules import assert_agree from shacl_agreement after this runs
    agreement.assert_agree = assert_agree
