"""store/binding.py writes IRIs into SPARQL text: a value either binds as exactly one IRI, giving the
same rows as pyoxigraph's own substitution, or is refused with a StoreError before any query runs.
Hostile values are run on a real pyoxigraph store."""

from __future__ import annotations

import random

import pyoxigraph as ox
import pytest

from carekg.store import get_store
from carekg.store.base import StoreError
from carekg.store.binding import bind_in, bind_keys, bind_values

EX = "https://example.org/"
LONG = EX + "long/" + "a" * 100_000
UNICODE = "https://w3id.org/carekg/id/innovation/café-ñandú-子ども"
QUOTE = EX + "o'brien"
#: every subject in the store, each with one label; the "secret" is what an injection would reach for
SUBJECTS = [EX + "s", EX + "t", UNICODE, LONG, QUOTE, EX + "a#frag", EX + "q?x=1&y=2", EX + "secret"]
GRAPH = EX + "graph"

SELECT = ("PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
          "SELECT ?x ?label WHERE { ?x rdfs:label ?label }")
ASK = "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\nASK { ?x rdfs:label ?label }"
CONSTRUCT = ("PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
             "CONSTRUCT { ?x rdfs:label ?label } WHERE { ?x rdfs:label ?label }")

#: values that must be refused: each would end the IRI early, break the query, or is no IRI at all
HOSTILE = {
    "closing angle": EX + "s>",
    "union injection": EX + "s> } UNION { ?x ?p ?label",
    "values injection": EX + "s>) (<" + EX + "secret",
    "comment injection": EX + "s> } # ",
    "space": EX + "s t",
    "tab": EX + "s\tt",
    "inner newline": EX + "s\n}",
    "trailing newline": EX + "s\n",
    "carriage return": EX + "s\r",
    "nul": EX + "s\x00",
    "control": EX + "s\x1b[31m",
    "delete": EX + "s\x7f",
    "no-break space": EX + "s\u00a0",
    "line separator": EX + "s\u2028",
    "lone surrogate": EX + "s\ud800",
    "double quote": EX + 's"',
    "opening brace": EX + "s{",
    "closing brace": EX + "s}",
    "pipe": EX + "s|t",
    "caret": EX + "s^t",
    "backtick": EX + "s`t",
    "backslash": EX + "s\\u003E",
    "opening angle": "<" + EX + "s",
    "bare percent": EX + "100%",
    "bad escape": EX + "%zz",
    "two fragments": EX + "a#b#c",
    "bracket": EX + "s[0]",
    "empty": "",
    "relative": "s",
    "number": "42",
    "blank node": "_:b0",
    "variable": "?label",
    "plain literal": '"Signs of Safety"',
    "language literal": '"Signs of Safety"@en',
    "typed literal": '"1"^^<http://www.w3.org/2001/XMLSchema#integer>',
    "neither a string nor an integer": 4.2,
}

#: values that bind, including awkward but valid IRIs
ACCEPTED = {
    "plain": EX + "s",
    "unicode": UNICODE,
    "single quote": QUOTE,
    "fragment": EX + "a#frag",
    "query string": EX + "q?x=1&y=2",
    "percent escape": EX + "caf%C3%A9",
    "very long": LONG,
    "absent from the store": EX + "nowhere",
    "other scheme": "urn:uuid:2f1e6c4a-8d0b-4a8e-9c55-3f1a2b4c5d6e",
}


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("binding")
    lines = [f'<{s}> <http://www.w3.org/2000/01/rdf-schema#label> "label {i}" .'
             for i, s in enumerate(SUBJECTS)]
    path = folder / "labels.nt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def store(files):
    memory = get_store("memory:")
    memory.load_graph(GRAPH, files)
    return memory


@pytest.fixture(scope="module")
def engine(files):
    """The same triples in a bare pyoxigraph store: its own substitutions are the reference."""
    reference = ox.Store()
    reference.load(path=str(files), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(GRAPH))
    return reference


def reference_rows(engine, iri: str) -> list[dict[str, str]]:
    solutions = engine.query(SELECT, substitutions={ox.Variable("x"): ox.NamedNode(iri)},
                             use_default_graph_as_union=True)
    return [{"x": iri, "label": s["label"].value} for s in solutions if s["label"] is not None]


@pytest.mark.parametrize("value", HOSTILE.values(), ids=HOSTILE.keys())
@pytest.mark.parametrize("query", [SELECT, ASK, CONSTRUCT], ids=["select", "ask", "construct"])
def test_hostile_values_are_refused(query, value):
    with pytest.raises(StoreError, match="not a plain IRI"):
        bind_values(query, {"x": value})


@pytest.mark.parametrize("value", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_values_reach_no_store_and_change_nothing(store, value):
    before = store.triple_count()
    with pytest.raises(StoreError, match="not a plain IRI"):
        store.select(SELECT, {"x": value})
    with pytest.raises(StoreError, match="not a plain IRI"):
        store.ask(ASK, {"x": value})
    with pytest.raises(StoreError, match="not a plain IRI"):
        store.construct(CONSTRUCT, {"x": value}, "application/n-triples")
    assert store.triple_count() == before == len(SUBJECTS)


@pytest.mark.parametrize("name", ["x y", "x}", "x)", "", "1x", "x;", "x\n"])
def test_hostile_variable_names_are_refused(name):
    with pytest.raises(StoreError, match="refusing to bind"):
        bind_values(SELECT, {name: EX + "s"})


@pytest.mark.parametrize("iri", ACCEPTED.values(), ids=ACCEPTED.keys())
def test_accepted_iris_bind_exactly_that_iri(store, engine, iri):
    expected = reference_rows(engine, iri)
    assert store.select(SELECT, {"x": iri}) == expected
    assert len(expected) == (iri in SUBJECTS)
    assert store.ask(ASK, {"x": iri}) is (iri in SUBJECTS)
    graph = store.construct(CONSTRUCT, {"x": iri}, "application/n-triples").decode()
    subjects = {line.split(">", 1)[0][1:] for line in graph.splitlines() if line}
    assert subjects == ({iri} if iri in SUBJECTS else set())


@pytest.mark.parametrize("iri", ACCEPTED.values(), ids=ACCEPTED.keys())
def test_a_select_gets_one_values_block_and_is_otherwise_unchanged(iri):
    bound = bind_values(SELECT, {"x": iri})
    block = f" VALUES (?x) {{ (<{iri}>) }}"
    assert bound.count(block) == 1
    assert bound.replace(block, "", 1) == SELECT


def test_other_queries_get_the_iri_in_place_of_the_variable_only():
    query = ('PREFIX ex: <https://example.org/?x>\n# ?x in a comment\n'
             'CONSTRUCT { ?x ex:p "?x {" } WHERE { ?x ex:p ?xx . ?xx ex:q $x }')
    bound = bind_values(query, {"x": EX + "s"})
    assert bound == ('PREFIX ex: <https://example.org/?x>\n# ?x in a comment\n'
                     f'CONSTRUCT {{ <{EX}s> ex:p "?x {{" }} WHERE {{ <{EX}s> ex:p ?xx . ?xx ex:q <{EX}s> }}')


def test_a_select_binds_in_its_where_group_not_in_comments_strings_or_iris():
    query = '# ASK { ?x }\nPREFIX ex: <https://example.org/ASK?x=1>\nSELECT ?x WHERE { ?x ex:p "{ ?x }" }'
    bound = bind_values(query, {"x": EX + "s"})
    assert bound == ('# ASK { ?x }\nPREFIX ex: <https://example.org/ASK?x=1>\n'
                     f'SELECT ?x WHERE {{ VALUES (?x) {{ (<{EX}s>) }} ?x ex:p "{{ ?x }}" }}')


def test_several_bindings_in_one_values_row(store):
    both = "SELECT ?x ?y WHERE { ?x ?p ?l . ?y ?q ?m }"
    rows = store.select(both, {"x": EX + "s", "y": EX + "t"})
    assert rows == [{"x": EX + "s", "y": EX + "t"}]


def test_no_bindings_leave_the_query_alone():
    assert bind_values(SELECT, None) == SELECT
    assert bind_values(SELECT, {}) == SELECT


def test_random_values_either_bind_one_iri_or_are_refused(store, engine):
    """Seeded random strings over the characters that matter: none returns another subject's rows."""
    alphabet = [*"<>{}()[]\"'?$#.;:/@!*=~-_ \n\t\\|^`%", "%4F", "%e9", "\x00", "\x7f", "\u00a0", "é", "UNION",
                "s", "secret"]
    rng = random.Random(13)
    accepted = refused = 0
    for _ in range(2000):
        value = EX + "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 8)))
        try:
            rows = store.select(SELECT, {"x": value})
        except StoreError as error:
            assert "not a plain IRI" in str(error)
            refused += 1
            continue
        assert rows == reference_rows(engine, value)
        assert all(row["x"] == value for row in rows)
        accepted += 1
    assert accepted > 200 and refused > 1000


def test_an_integer_binds_as_an_integer_literal(store):
    query = "SELECT ?year WHERE { FILTER(?year >= 2016) }"
    bound = bind_values(query, {"year": 2020})
    assert bound == "SELECT ?year WHERE { VALUES (?year) { (2020) } FILTER(?year >= 2016) }"
    assert store.select(query, {"year": 2020}) == [{"year": "2020"}]
    assert store.select(query, {"year": 2000}) == []


@pytest.mark.parametrize("value", [True, 2.5, "2020"])
def test_booleans_floats_and_numeric_text_are_refused(value):
    with pytest.raises(StoreError, match="not a plain IRI or an integer"):
        bind_values(SELECT, {"x": value})


def test_a_tuple_binds_each_of_its_iris_in_a_values_block_of_its_own(store):
    query = "SELECT ?x ?label WHERE { ?x ?p ?label }"
    bound = bind_values(query, {"x": (EX + "s", EX + "t")})
    assert bound == f"SELECT ?x ?label WHERE {{ VALUES ?x {{ <{EX}s> <{EX}t> }} ?x ?p ?label }}"
    assert {row["x"] for row in store.select(query, {"x": (EX + "s", EX + "t")})} == {EX + "s", EX + "t"}
    assert store.select(query, {"x": ()}) == []


def test_a_tuple_with_one_hostile_iri_is_refused():
    with pytest.raises(StoreError, match="not a plain IRI"):
        bind_values(SELECT, {"x": (EX + "s", EX + "s> } . DROP ALL ; SELECT * { <a")})
    with pytest.raises(StoreError, match="several values"):
        bind_values(ASK, {"x": (EX + "s",)})


def test_bind_keys_restricts_a_construct_in_its_where_group_and_refuses_hostile_iris():
    query = ('CONSTRUCT { ?s ?p ?o } # WHERE { not here\nWHERE { ?s ?p ?o FILTER(?o != "WHERE {") }')
    bound = bind_keys(query, "s", ["https://w3id.org/carekg/id/b", "https://w3id.org/carekg/id/a"])
    assert bound == ('CONSTRUCT { ?s ?p ?o } # WHERE { not here\nWHERE { VALUES ?s { '
                     '<https://w3id.org/carekg/id/a> <https://w3id.org/carekg/id/b> } '
                     '?s ?p ?o FILTER(?o != "WHERE {") }')
    for hostile in HOSTILE.values():
        with pytest.raises(StoreError):
            bind_keys(query, "s", ["https://w3id.org/carekg/id/a", hostile])


def test_bind_in_lists_the_iris_in_its_one_empty_in_and_refuses_hostile_iris(store):
    query = "SELECT ?x ?label WHERE { ?x ?p ?label FILTER(?x IN ()) }"
    bound = bind_in(query, "x", [EX + "t", EX + "s"])
    assert bound == f"SELECT ?x ?label WHERE {{ ?x ?p ?label FILTER(?x IN (<{EX}s>, <{EX}t>)) }}"
    assert {row["x"] for row in store.select(bound)} == {EX + "s", EX + "t"}
    assert store.select(bind_in(query, "x", [])) == []
    for hostile in HOSTILE.values():
        with pytest.raises(StoreError):
            bind_in(query, "x", [EX + "s", hostile])
    for unmarked in ("SELECT ?x WHERE { ?x ?p ?o }", query.replace("()", "(<a:b>)"),
                     query.replace("}", "FILTER(?x IN ()) }")):
        with pytest.raises(StoreError, match="exactly one"):
            bind_in(unmarked, "x", [EX + "s"])
    with pytest.raises(StoreError, match="not a variable name"):
        bind_in(query, "x)", [EX + "s"])
    comment = "# ?x IN () in a comment\n"
    assert bind_in(comment + query, "x", [EX + "s"]) == comment + bind_in(query, "x", [EX + "s"])
