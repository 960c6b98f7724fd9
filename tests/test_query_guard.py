"""check_query reads the query's dataset (FROM, FROM NAMED) from its one parse, so the endpoint never
parses a query twice."""

from __future__ import annotations

import pytest

from carekg.query_guard import check_query

BASE = "http://localhost/sparql"


@pytest.mark.parametrize(("query", "default_graphs", "named_graphs"), [
    ("SELECT * WHERE { ?s ?p ?o }", (), ()),
    ("SELECT * FROM <https://w3id.org/carekg/graph/data> WHERE { ?s ?p ?o }",
     ("https://w3id.org/carekg/graph/data",), ()),
    ("PREFIX g: <https://w3id.org/carekg/graph/> ASK FROM g:data FROM NAMED g:ontology { ?s ?p ?o }",
     ("https://w3id.org/carekg/graph/data",), ("https://w3id.org/carekg/graph/ontology",)),
    ("SELECT * FROM <graph> WHERE { ?s ?p ?o }", ("http://localhost/graph",), ()),  # resolved on the base
    ("BASE <https://example.org/> SELECT * FROM NAMED <g> WHERE { ?s ?p ?o }", (), ("https://example.org/g",)),
    ('SELECT ?s WHERE { ?s ?p "from <not-a-graph>" }', (), ()),
])
def test_the_dataset_clauses_come_from_the_same_parse(query, default_graphs, named_graphs):
    checked = check_query(query, base=BASE)
    assert (checked.default_graphs, checked.named_graphs) == (default_graphs, named_graphs)
