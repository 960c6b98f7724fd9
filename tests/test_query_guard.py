"""check_query reads the query's dataset (FROM, FROM NAMED) from its one parse, so the endpoint never
parses a query twice."""

from __future__ import annotations

import pytest

from carekg.query_guard import check_query, syntax_error_message

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


def test_a_remote_engines_syntax_error_is_worded_as_oxigraphs_with_the_users_position():
    base = "BASE <http://example.org/sparql>\n"
    virtuoso = "Virtuoso 37000 Error SP030: SPARQL compiler, line 2: syntax error at '}' before '}'"
    message = syntax_error_message(virtuoso, base, base + "SELECT ?x WHERE { ?x ?y }")
    assert message.startswith("SPARQL syntax error at line 1, column ")
    assert "Virtuoso" not in message and "BASE" not in message


def test_a_remote_syntax_error_the_embedded_parser_accepts_keeps_the_remote_words():
    message = syntax_error_message("dialect says no", "", "SELECT * WHERE { ?s ?p ?o }")
    assert message == "SPARQL syntax error: dialect says no"
