"""check_query reads the query's dataset (FROM, FROM NAMED) from its one parse, so the endpoint never
parses a query twice."""

from __future__ import annotations

import sys
import time

import pytest
from pyparsing import ParserElement

from carekg.query_guard import (
    MAX_NESTING,
    NESTING_REFUSED,
    RefusedQuery,
    check_query,
    full_check,
    nesting,
    syntax_error_message,
)

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


def test_too_deep_nesting_is_refused_by_name_with_the_limit():
    deep = "SELECT * WHERE { FILTER(" + "(" * MAX_NESTING + "1" + ")" * MAX_NESTING + ") }"
    with pytest.raises(RefusedQuery) as refused:
        check_query(deep)
    assert str(refused.value) == NESTING_REFUSED
    assert "nests too deeply" in NESTING_REFUSED and f"limit is {MAX_NESTING}" in NESTING_REFUSED


def test_nesting_is_measured_without_recursion_strings_and_comments_aside():
    text = "SELECT * WHERE { " + "{" * 1_000_000 + "}" * 1_000_000 + " }"
    started = time.perf_counter()
    assert nesting(text) == 1_000_001
    assert time.perf_counter() - started < 5
    assert nesting("SELECT * WHERE { ?s ?p '(((' # (((\n FILTER((1)) }") == 3
    assert nesting("SELECT * WHERE { FILTER(\\u0028\\u00281)) }") == 4  # escapes expanded first
    assert nesting("SELECT * WHERE { FILTER(?a<f(g(1))>0) }") == 4  # an "IRI" an engine reads as code


def test_a_query_at_the_limit_parses_in_full_from_a_deep_stack():
    """rdflib's parser takes ~40 frames a level: the full parse makes room for a query at the limit,
    wherever it is called from (here ~600 frames deep, under a 1,000-frame recursion limit)."""
    levels = MAX_NESTING - 2  # inside WHERE's { and FILTER's (
    at_limit = "SELECT * WHERE { FILTER(" + "(" * levels + "'\\u0041'" + ")" * levels + ") }"
    assert nesting(at_limit) == MAX_NESTING

    def from_depth(frames: int):
        return from_depth(frames - 1) if frames else full_check(at_limit)

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(1_000)
    try:
        assert from_depth(600 - len(_stack())).form == "SELECT"
    finally:
        sys.setrecursionlimit(limit)


def test_a_query_at_the_limit_parses_with_packrat_parsing_on():
    """pyparsing's packrat switch is process-wide (importing matplotlib's mathtext turns it on) and
    makes rdflib's parser take about twice the frames a level; the room made for the parse covers it."""
    was_on = ParserElement._packratEnabled
    ParserElement.enable_packrat()
    try:
        test_a_query_at_the_limit_parses_in_full_from_a_deep_stack()
    finally:
        if not was_on:
            ParserElement.disable_memoization()


def _stack() -> list:
    frame, frames = sys._getframe(), []
    while frame is not None:
        frames.append(frame)
        frame = frame.f_back
    return frames
