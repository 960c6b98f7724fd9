"""The engine beyond carekg's shapes: every feature it compiles agrees with pyshacl on literals the two
libraries read differently; anything else is refused by name; focus nodes and graphs restrict it."""

from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph
from shacl_agreement import DATA_SHAPES, assert_agree, oxigraph_store

from carekg import paths
from carekg.shacl import UnsupportedShape, compile_shapes, load_shapes, validate
from carekg.shacl.constraints import python_to_rust_regex

FIXTURES = Path(__file__).parent / "fixtures"
PREFIXES = """@prefix ex: <http://example.org/> . @prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""


def test_edge_cases_agree_with_pyshacl():
    results = assert_agree(FIXTURES / "edge-shapes.ttl", FIXTURES / "edge-data.ttl")
    components = {key[3].rsplit("#", 1)[1] for key in results}
    assert {"DatatypeConstraintComponent", "InConstraintComponent", "MinExclusiveConstraintComponent",
            "MaxExclusiveConstraintComponent", "MinInclusiveConstraintComponent",
            "MaxInclusiveConstraintComponent",
            "PatternConstraintComponent", "LanguageInConstraintComponent", "MinLengthConstraintComponent",
            "MinCountConstraintComponent", "MaxCountConstraintComponent", "HasValueConstraintComponent",
            "NodeKindConstraintComponent", "OrConstraintComponent", "XoneConstraintComponent"} <= components
    assert len(results) > 50


@pytest.mark.parametrize("shape, feature", [
    ("ex:S sh:targetClass ex:C ; sh:sparql [ sh:select \"SELECT $this WHERE {}\" ] ; sh:message \"m\" .",
     "sh:sparql"),
    ("ex:S sh:targetClass ex:C ; sh:node ex:T ; sh:message \"m\" .", "sh:node"),
    ("ex:S sh:targetClass ex:C ; sh:closed true ; sh:message \"m\" .", "sh:closed"),
    ("ex:S sh:targetClass ex:C ; sh:property [ sh:path ( ex:p ex:q ) ; sh:minCount 1 ; sh:message \"m\" ] .",
     "path"),
    ("ex:S sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:minCount 1 ] .", "sh:message"),
    ("ex:S sh:targetClass ex:C ; sh:property [ sh:minCount 1 ; sh:message \"m\" ] .", "no sh:path"),
    ("ex:S sh:targetClass ex:C ; sh:pattern \"a\" ; sh:flags \"i\" ; sh:message \"m\" .", "sh:flags"),
    ("ex:S sh:targetClass ex:C ; sh:pattern \"(?=a)\" ; sh:message \"m\" .", "Oxigraph"),
    ("ex:S sh:targetClass ex:C ; sh:or ( [ sh:path ex:p ; sh:minCount 2 ] ) ; sh:message \"m\" .", "above 1"),
    ("ex:S sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:hasValue [ ex:q 1 ] ; sh:message \"m\" ] .",
     "IRI"),
    (("ex:S sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:datatype xsd:int, xsd:long ; "
      "sh:message \"m\" ] ."), "sh:datatype"),
])
def test_unsupported_shapes_are_refused_by_name(shape, feature):
    with pytest.raises(UnsupportedShape, match=feature):
        compile_shapes(Graph().parse(data=PREFIXES + shape, format="turtle"))


def test_regular_expressions_behave_as_in_python():
    import re

    patterns = ["^https://w3id\\.org/carekg/id/finding/[a-z0-9]+(-[a-z0-9]+)*$", "^[0-9]+\\.[0-9]+\\.[0-9]+$",
                "[]a]\\Z", "[^]]$", "a$|b", "\\$x$", "^https?://"]
    texts = ["https://w3id.org/carekg/id/finding/a-b", "https://w3id.org/carekg/id/finding/a-b\n", "1.0.0",
             "1.0.0\n", "1.0.0\n\n", "a", "a\n", "]", "x]\n", "$x", "ab", "b\n", "https://x", "http://x"]
    store = ox.Store()
    for pattern in patterns:
        for text in texts:
            regex = ox.Literal(python_to_rust_regex(pattern))
            query = f"ASK {{ FILTER(REGEX({ox.Literal(text)}, {regex})) }}"
            assert bool(store.query(query)) == bool(re.search(pattern, text)), (pattern, text)


def test_focus_nodes_restrict_validation():
    store = oxigraph_store(FIXTURES / "edge-data.ttl")
    shapes = load_shapes(FIXTURES / "edge-shapes.ttl")
    everything = validate(store, shapes)
    for focus in ([ox.NamedNode("http://example.org/t1")], [ox.NamedNode("http://example.org/p2"),
                                                            ox.Literal("a literal part")],
                  [next(q.subject for q in store if isinstance(q.subject, ox.BlankNode))],
                  [ox.NamedNode("http://example.org/not-a-target")]):
        assert validate(store, shapes, focus) == [r for r in everything if r.focus_node in focus]
    assert validate(store, shapes, []) == []


def test_graphs_restrict_validation():
    store = ox.Store()
    data, ontology = ox.NamedNode("urn:data"), ox.NamedNode("urn:ontology")
    for path in paths.data_files():
        store.load(path=path, format=ox.RdfFormat.TURTLE, to_graph=data)
    for path in paths.ontology_files():
        store.load(path=path, format=ox.RdfFormat.TURTLE, to_graph=ontology)
    assert validate(store, DATA_SHAPES) == []
    assert validate(store, DATA_SHAPES, graphs=["urn:data", "urn:ontology"]) == []
    # without the ontology, the factors and value sets the data points at have no class
    without = validate(store, DATA_SHAPES, graphs=["urn:data"])
    assert {r.source_constraint_component.rsplit("#")[1] for r in without} == {"ClassConstraintComponent"}


def test_results_serialise_like_the_write_api():
    store = oxigraph_store(FIXTURES / "edge-data.ttl")
    results = validate(store, FIXTURES / "edge-shapes.ttl")
    result = next(r for r in results if r.result_path == "^http://example.org/owns")
    assert result.to_dict() == {"focus_node": "http://example.org/t2", "path": "^http://example.org/owns",
                                "message": "owner", "value": None, "severity": "Violation", "shape": None}
    warning = next(r for r in results if r.message == "kind")
    assert warning.to_dict()["severity"] == "Warning"
