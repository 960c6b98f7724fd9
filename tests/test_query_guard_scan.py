"""The lexical scan decides as rdflib's full parse does (issue 14): the same refusal (update, SERVICE),
the same form and the same FROM / FROM NAMED graphs, for a table of tricky texts and for every query
in the repository and in the W3C protocol suite. Where the full parse finds a syntax error the scan
lets through, Oxigraph (which parses every query it runs) must find one too, so the answer is still 400;
a broken update is refused as an update (400 too, with the read-only message)."""

from __future__ import annotations

import sys
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pyoxigraph as ox
import pytest

from carekg.queries import load_query
from carekg.query_guard import (
    NESTING_REFUSED,
    UPDATES_REFUSED,
    Ambiguous,
    RefusedQuery,
    check_query,
    full_check,
    scan,
    syntax_error_message,
)
from tests.api.test_protocol_conformance import TESTS

ROOT = Path(__file__).resolve().parent.parent
BASE = "http://localhost/sparql"


def decision(check, text: str, **options) -> tuple:
    try:
        checked = check(text, base=BASE, **options)
    except RefusedQuery as error:
        message = str(error)
        if message == UPDATES_REFUSED:
            return ("update",)
        if message.startswith("SERVICE"):
            return ("service",)
        if message == NESTING_REFUSED:
            return ("deep",)
        return ("syntax",) if "syntax error" in message else ("refused", message)
    return ("ok", checked.form, checked.default_graphs, checked.named_graphs)


def engine_refuses_syntax(text: str) -> bool:
    try:
        ox.Store().query(f"BASE <{BASE}>\n{text}")
    except SyntaxError:
        return True
    return False


def reference_decision(text: str, **options) -> tuple:
    """The full parse's decision given the stack it needs: rdflib's parser recurses ~850 frames for 30
    nested groups, so under pytest's own deep stack it can hit the recursion limit and report a syntax
    error the text does not have (the scan decides such texts; only deeper nesting reaches rdflib)."""
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 3_000))
    try:
        return decision(full_check, text, **options)
    finally:
        sys.setrecursionlimit(limit)


def assert_same_decision(text: str, **options) -> tuple:
    fast, full = decision(check_query, text, **options), reference_decision(text, **options)
    if full == ("syntax",) and fast[0] == "ok":
        assert engine_refuses_syntax(text), text  # the engine's own parse gives the 400
    elif full == ("syntax",) and fast != full:
        assert fast == ("update",), text  # a broken update (``CLEAR XYZ``) is refused as an update: 400
    else:
        assert fast == full, text
    return fast


def path(text: str) -> str:
    try:
        scan(text, BASE)
    except Ambiguous:
        return "full"
    except RefusedQuery:  # decided by the scan: nested too deeply
        pass
    return "scan"


OK = ("ok", "SELECT", (), ())
#: (text, decision, decided by): the decision is checked against the full parse's as well.
TRICKY = [
    # keywords inside strings, IRIs, comments, variables, language tags, blank nodes, prefixed names
    ('SELECT * WHERE { ?s ?p "SERVICE <http://127.0.0.1:9/> { }" }', OK, "scan"),
    ("SELECT * WHERE { ?s ?p 'INSERT DATA { <a:b> <a:c> <a:d> }' }", OK, "scan"),
    ("SELECT * WHERE { ?s <http://example.org/service> ?o }", OK, "scan"),
    ("SELECT * WHERE { ?s ?p <http://example.org/a#SERVICE> }", OK, "scan"),
    ("SELECT * WHERE { ?s ?p ?o } # SERVICE <http://127.0.0.1:9/> { ?s ?p ?o }", OK, "scan"),
    ("# INSERT DATA { <a:b> <a:c> <a:d> }\nSELECT * WHERE { ?s ?p ?o }", OK, "scan"),
    ('SELECT * WHERE { ?s ?p ?o # a comment with "a quote and <http://x SERVICE\n }', OK, "scan"),
    ("SELECT ?service WHERE { ?service ?p ?o }", OK, "scan"),
    ('SELECT * WHERE { ?s ?p "x"@service }', OK, "scan"),
    ("SELECT * WHERE { _:service ?p ?o }", OK, "scan"),
    ("PREFIX ex: <http://example.org/> SELECT * WHERE { ?s ex:service ?o }", OK, "scan"),
    ("PREFIX ex: <http://example.org/> SELECT * WHERE { ?s ex:a.service ?o }", OK, "scan"),
    ("PREFIX ex: <http://example.org/> SELECT * WHERE { ?s ex:HealthService ?o }", OK, "scan"),
    # multi-line literals and escapes
    ("SELECT * WHERE { ?s ?p '''two\nlines SERVICE <http://127.0.0.1:9/> { } ''' }", OK, "scan"),
    ('SELECT * WHERE { ?s ?p """ends in an escaped quote \\"""" }', OK, "scan"),
    ("SELECT * WHERE { ?s ?p '''it''s SERVICE <http://127.0.0.1:9/> {}''' }", OK, "scan"),
    ('SELECT * WHERE { ?s ?p "an escaped \\" SERVICE <http://127.0.0.1:9/> { } " }', OK, "scan"),
    ('SELECT * WHERE { ?s ?p "\\u0053ERVICE" }', OK, "full"),  # \u escapes: the parser expands them first
    ("SELECT * WHERE { \\u0053ERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", ("service",), "full"),
    # SERVICE in any case, anywhere, in any spelling an engine accepts
    ("select * where { service <http://127.0.0.1:9/> { ?s ?p ?o } }", ("service",), "scan"),
    ("SELECT * WHERE { SERVICE SILENT <http://127.0.0.1:9/> { ?s ?p ?o } }", ("service",), "scan"),
    ("SELECT * WHERE { SERVICE ?endpoint { ?s ?p ?o } }", ("service",), "scan"),
    ("SELECT * WHERE { { SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } } } }", ("service",),
     "scan"),
    ("SELECT * WHERE { ?s ?p ?o .SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", ("service",), "scan"),
    ("SELECT * WHERE { ?s ?p ?o OPTIONAL { SERVICE<http://127.0.0.1:9/>{?s ?p ?o} } }", ("service",),
     "scan"),
    # Oxigraph reads these as SERVICE calls (its grammar needs no word boundary after a keyword)
    ("PREFIX : <http://127.0.0.1:9/> SELECT * WHERE { service:x { ?s ?p ?o } }", None, "full"),
    ("PREFIX ex: <http://127.0.0.1:9/> SELECT * WHERE { SERVICEex:x { ?s ?p ?o } }", None, "full"),
    ("PREFIX service: <http://example.org/> SELECT * WHERE { ?s service:p ?o }", OK, "full"),
    # FROM and FROM NAMED, with IRIs, prefixed names, BASE; FROM in a string is no FROM
    ("SELECT * FROM <http://example.org/g> FROM NAMED <http://example.org/h> WHERE { ?s ?p ?o }",
     ("ok", "SELECT", ("http://example.org/g",), ("http://example.org/h",)), "scan"),
    ("select * from named <http://example.org/h> from <http://example.org/g> where { ?s ?p ?o }",
     ("ok", "SELECT", ("http://example.org/g",), ("http://example.org/h",)), "scan"),
    ("PREFIX g: <http://example.org/> ASK FROM g:a FROM NAMED g:b { ?s ?p ?o }",
     ("ok", "ASK", ("http://example.org/a",), ("http://example.org/b",)), "scan"),
    ("SELECT * FROM <graph> WHERE { ?s ?p ?o }", ("ok", "SELECT", ("http://localhost/graph",), ()), "scan"),
    ("BASE <http://example.org/base/> PREFIX r: <rel/> SELECT * FROM <g> FROM r:x WHERE { ?s ?p ?o }",
     ("ok", "SELECT", ("http://example.org/base/g", "http://example.org/base/rel/x"), ()), "scan"),
    ('SELECT ?s WHERE { ?s ?p "from <http://example.org/not-a-graph>" }', OK, "scan"),
    ("SELECT * WHERE { ?s ?p ?o } LIMIT 1 # FROM <http://example.org/g>", OK, "scan"),
    ("CONSTRUCT { ?s ?p ?o } FROM <http://example.org/g> WHERE { ?s ?p ?o }",
     ("ok", "CONSTRUCT", ("http://example.org/g",), ()), "scan"),
    # an undeclared prefix: rdflib knows rdf: (Oxigraph then refuses the query), as before the scan
    ("SELECT * FROM rdf:type WHERE { ?s ?p ?o }",
     ("ok", "SELECT", ("http://www.w3.org/1999/02/22-rdf-syntax-ns#type",), ()), "full"),
    # the query forms
    ("ASK { }", ("ok", "ASK", (), ()), "scan"),
    ("CONSTRUCT WHERE { ?s ?p ?o }", ("ok", "CONSTRUCT", (), ()), "scan"),
    ("DESCRIBE <http://example.org/x>", ("ok", "DESCRIBE", (), ()), "scan"),
    ("SELECT * WHERE { FILTER(?a<?b&&?c>?d) }", OK, "scan"),
    # every update form, in any case
    ("INSERT DATA { <a:b> <a:c> <a:d> }", ("update",), "scan"),
    ("insert data { <a:b> <a:c> <a:d> }", ("update",), "scan"),
    ("PREFIX ex: <http://example.org/> DELETE WHERE { ?s ex:p ?o }", ("update",), "scan"),
    ("WITH <http://example.org/g> DELETE { ?s ?p ?o } INSERT { ?s ?p 1 } WHERE { ?s ?p ?o }", ("update",),
     "scan"),
    ("LOAD <http://127.0.0.1:9/data.ttl>", ("update",), "scan"),
    ("CLEAR ALL", ("update",), "scan"), ("CREATE GRAPH <http://example.org/g>", ("update",), "scan"),
    ("DROP ALL", ("update",), "scan"), ("COPY DEFAULT TO <http://example.org/g>", ("update",), "scan"),
    ("MOVE <http://example.org/g> TO DEFAULT", ("update",), "scan"),
    ("ADD DEFAULT TO <http://example.org/g>", ("update",), "scan"),
    ("SELECT * WHERE { ?s ?p ?o } ; INSERT DATA { <a:b> <a:c> <a:d> }", ("syntax",), "full"),
    # brackets nested past MAX_NESTING (32): refused by the scan itself, whatever their kind (3,000 kill
    # a worker: the engine's recursive parser overflows its stack)
    ("SELECT * WHERE { " + "{" * 3000 + "}" * 3000 + " }", ("deep",), "scan"),
    ("SELECT * WHERE { FILTER(" + "(" * 3000 + "1" + ")" * 3000 + ") }", ("deep",), "scan"),
    ("SELECT * WHERE { ?s ?p " + "[" * 3000 + "]" * 3000 + " }", ("deep",), "scan"),
    ("SELECT * WHERE { " + "{" * 32 + "}" * 32 + " }", ("deep",), "scan"),  # 33 levels with WHERE's
    ("SELECT * WHERE { " + "{" * 31 + "}" * 31 + " }", OK, "scan"),  # 32: the limit
    # ... hidden from a tokenizer in what looks like an IRI (Oxigraph reads ``<`` as less-than) ...
    ("PREFIX x: <http://www.w3.org/2001/XMLSchema#> SELECT * WHERE { FILTER(?a<" + "x:int(" * 3000 + "1"
     + ")" * 3000 + ">0) }", ("deep",), "scan"),
    # ... or written as \u escapes (the parsers expand them first), refused before rdflib recurses
    ("SELECT * WHERE { FILTER(" + "\\u0028" * 3000 + "1" + "\\u0029" * 3000 + ") }", ("deep",), "full"),
    ("SELECT * WHERE { FILTER(" + "(" * 30 + "'\\u0041'" + ")" * 30 + ") }", OK, "full"),  # 32: parses
    # syntax errors: the full parse, or the engine's own
    ("SELECT * WHERE { ?s ?p ", ("syntax",), "scan"),
    ('SELECT * WHERE { ?s ?p "unterminated }', ("syntax",), "full"),
    ("SELEKT * WHERE { }", ("syntax",), "full"),
]


@pytest.mark.parametrize(("text", "expected", "decided_by"), TRICKY, ids=range(len(TRICKY)))
def test_tricky_texts_are_decided_as_the_full_parse_decides(text, expected, decided_by):
    assert path(text) == decided_by
    fast = assert_same_decision(text)
    if expected is None:
        assert fast[0] != "ok"  # refused, whatever the words
    elif expected == ("syntax",) and fast[0] == "ok":
        assert engine_refuses_syntax(text)
    else:
        assert fast == expected


def test_keyword_prefixes_that_oxigraph_would_run_as_service_are_refused():
    """Why words starting with a keyword take the full parse: Oxigraph itself reads them as SERVICE."""
    for text in ("PREFIX : <http://127.0.0.1:9/> SELECT * WHERE { service:x { ?s ?p ?o } }",
                 "PREFIX ex: <http://127.0.0.1:9/> SELECT * WHERE { SERVICEex:x { ?s ?p ?o } }"):
        store = ox.Store()
        store.add(ox.Quad(ox.NamedNode("http://example.org/s"), ox.NamedNode("http://example.org/p"),
                          ox.NamedNode("http://example.org/o")))
        with pytest.raises(OSError, match="port 9"):  # it tried to call the endpoint
            list(store.query(text))
        with pytest.raises(RefusedQuery):
            check_query(text)


def test_with_an_allow_list_service_takes_the_full_parse():
    allowed = {"http://127.0.0.1:9/"}
    for text in ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
                 "PREFIX e: <http://127.0.0.1:9/> SELECT * WHERE { SERVICE e: { ?s ?p ?o } }",
                 "SELECT * WHERE { SERVICE <http://127.0.0.1:8/> { ?s ?p ?o } }",
                 "SELECT * WHERE { SERVICE ?endpoint { ?s ?p ?o } }"):
        assert_same_decision(text, allowed_services=allowed)
    listed = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"
    assert check_query(listed, allowed).form == "SELECT"


def _repository_queries() -> list[Path]:
    """Every whole query of the repository; a fragment (queries/fragments/) is part of one, not a query."""
    folders = ("src/carekg/queries", "shapes/checks")
    files = (p for folder in folders for p in (ROOT / folder).rglob("*.rq"))
    return sorted(p for p in files if p.parent.name != "fragments")


def _query_text(file: Path) -> str:
    """The text a store receives: the package's queries with their fragments included."""
    if file.parent == ROOT / "src/carekg/queries":
        return load_query(file.stem)
    return file.read_text(encoding="utf-8")


def _protocol_texts() -> list[str]:
    texts = []
    for test in TESTS:
        for request in test.requests:
            pairs = parse_qsl(urlsplit(request.path).query, keep_blank_values=True)
            content_type = {k.lower(): v for k, v in request.headers.items()}.get("content-type", "")
            try:
                body = (request.body or b"").decode("utf-8")
            except UnicodeDecodeError:  # the suite's UTF-16 bodies: refused before any check
                body = ""
            if content_type.startswith("application/x-www-form-urlencoded"):
                pairs += parse_qsl(body, keep_blank_values=True)
            elif content_type.startswith("application/sparql-") and body:
                pairs.append(("query", body))
            texts += [value for name, value in pairs if name in {"query", "update"} and value]
    return texts


@pytest.mark.parametrize("file", _repository_queries(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_repository_query_is_decided_by_the_scan_as_by_the_parse(file):
    text = _query_text(file)
    assert path(text) == "scan"  # the project's own queries never need the slow path
    assert assert_same_decision(text)[0] == "ok"


def test_every_w3c_protocol_query_is_decided_as_by_the_parse():
    texts = _protocol_texts()
    assert len(texts) >= 30
    decided = [assert_same_decision(text)[0] for text in texts]
    assert {"ok", "update"} <= set(decided)


def test_engine_syntax_errors_are_reported_at_the_users_position():
    message = syntax_error_message("error at 2:9: expected WHERE", "BASE <http://x/>\n")
    assert message == "SPARQL syntax error at line 1, column 9: expected WHERE"
    assert syntax_error_message("error at 1:30: expected X", "BASE <http://x/> ") == \
        "SPARQL syntax error at line 1, column 13: expected X"
    assert syntax_error_message("something else") == "SPARQL syntax error: something else"
