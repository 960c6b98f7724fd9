"""carekg.search: the FTS5 index per store and dataset version (kept beside an on-disk store, rebuilt
for a new version, never half-written) and users' words turned into FTS5 strings."""

from __future__ import annotations

import sqlite3

import pytest

from carekg.search import (
    Count,
    Document,
    SearchIndex,
    build_index,
    documents,
    index_file,
    index_for,
    match_expression,
)
from carekg.store import get_store


@pytest.mark.parametrize(("words", "expression"), [
    ("liaison workers", '"liaison" "workers"'),
    ('"shared understanding" model', '"shared understanding" "model"'),
    ("lead*", '"lead"*'),
    ('a"b', '"a""b"'),
    ("AND( NEAR(x", '"AND(" "NEAR(x"'),
    ("- * ( ) \"", None),
])
def test_words_become_quoted_fts5_strings(words, expression):
    assert match_expression(words) == expression


def test_every_expression_is_valid_fts5():
    index = SearchIndex.build([Document("factor", "x", "https://example.org/x", "X", label="lead AND(x)")])
    for words in ['a"b', "AND(", "NEAR(a b)", "x:y", "^a", "a* *b", "{a}", "'", "\u0301"]:
        expression = match_expression(words)
        if expression is not None:
            index.counts(expression)  # raises sqlite3.OperationalError on an FTS5 syntax error


def test_snippets_mark_matches_without_markup(store):
    index = SearchIndex.build([Document("finding", "f", "https://example.org/f", "F",
                                        text="<b>Leaders</b> & leadership")])
    [hit] = index.match(match_expression("leaders") or "", None, 10, 0)
    assert hit.snippet == "<b>Leaders</b> & leadership"
    assert [hit.snippet[s:e] for s, e in hit.highlights] == ["Leaders"]


@pytest.fixture
def disk_store(tmp_path, dataset_files):
    from carekg.loader import load

    store = get_store(f"oxigraph:{tmp_path / 'store'}")
    load(store, dataset_files, reasoner=False)
    yield store
    store.close()


def test_an_on_disk_store_keeps_its_index_beside_it_per_version(disk_store, tmp_path):
    version = disk_store.dataset_version()
    path = index_file(disk_store, version)
    assert path == tmp_path / "store.search" / f"{version}-v5.sqlite3"
    index = index_for(disk_store)
    assert path.is_file() and index.size() > 100
    assert index_for(disk_store) is index
    built = path.stat().st_mtime_ns
    # another handle on the same store (as another process has) reopens the file, not building it again
    reader = get_store(f"oxigraph-ro:{tmp_path / 'store'}")
    assert index_for(reader).size() == index.size() and path.stat().st_mtime_ns == built
    reader.close()


def test_a_new_version_gets_a_new_index_and_the_old_file_goes(disk_store):
    old = index_file(disk_store, disk_store.dataset_version())
    index_for(disk_store)
    disk_store.set_version("a-new-version")
    index_for(disk_store)
    assert not old.exists() and index_file(disk_store, "a-new-version").is_file()


def test_an_index_file_is_opened_read_only(disk_store):
    index_for(disk_store)
    opened = SearchIndex.open(index_file(disk_store, disk_store.dataset_version()))
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        opened._connection.execute("DELETE FROM documents")


def test_a_store_in_memory_keeps_its_index_in_memory(store):
    assert index_file(store, store.dataset_version()) is None
    assert index_for(store) is index_for(store)
    assert build_index(store).size() == index_for(store).size()


def test_warm_builds_the_index_in_the_background_once_per_version():
    from carekg import search

    tiny = get_store("memory:")
    tiny.update("""PREFIX ckg: <https://w3id.org/carekg/def#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
INSERT DATA { GRAPH <https://example.org/g> {
  <https://w3id.org/carekg/id/factor/ferrets> a ckg:ImplementationFactor ;
      skos:prefLabel "Ferret welfare"@en .
} }""")
    tiny.set_version("v1")
    assert tiny not in search._INDEXES
    search.warm(tiny).join(60)
    version, built = search._INDEXES[tiny]
    assert version == "v1" and index_for(tiny) is built
    assert [h.id for h in built.match(match_expression("ferret") or "", None, 5, 0)] == ["ferrets"]
    tiny.set_version("v2")  # a write or a reload: the next search gets a new index
    assert index_for(tiny) is not built and search._INDEXES[tiny][0] == "v2"


def _every_kind(findings: int) -> list[Document]:
    """A finding about every word, then one document of each named kind, all matching "common"."""
    named = [Document(kind, kind, f"https://example.org/{kind}", kind.title(), label=f"common {kind}")
             for kind in ("organisation", "source", "innovation", "factor")]
    found = [Document("finding", f"f{n}", f"https://example.org/f{n}", f"F{n}",
                      text=f"common finding {n}" + (" even" if n % 2 == 0 else "")) for n in range(findings)]
    return found + named


def test_counts_are_exact_up_to_the_cap_and_estimated_past_it():
    index = SearchIndex.build(_every_kind(1000))
    expression = match_expression("even") or ""
    assert index.counts(expression, cap=500) == {"finding": Count(500, True)}
    estimated = index.counts(expression, cap=100)["finding"]
    # extrapolated from the first 101 matches (every other finding) to the 1,000 findings' rowids
    assert not estimated.exact and 480 <= estimated.value <= 520
    assert index.counts(match_expression("common") or "", cap=100)["source"] == Count(1, True)


def test_the_static_order_puts_names_first_then_findings_in_the_order_they_came():
    index = SearchIndex.build(_every_kind(30))
    hits = index.match(match_expression("common") or "", None, 6, 0, ranked=False)
    assert [h.kind for h in hits] == ["factor", "innovation", "organisation", "source", "finding", "finding"]
    assert [h.id for h in hits[4:]] == ["f0", "f1"] and {h.score for h in hits} == {None}
    assert [h.id for h in index.match(match_expression("common") or "", "finding", 2, 3, ranked=False)] \
        == ["f3", "f4"]


def test_factors_innovations_and_sources_come_in_from_the_most_findings_about_them(store):
    """The static rank within those kinds, against the findings counted by SPARQL."""
    counted = {row["x"]: int(row["n"]) for row in store.select("""PREFIX ckg: <https://w3id.org/carekg/def#>
SELECT ?x (COUNT(DISTINCT ?f) AS ?n) WHERE {
  ?f a ckg:Finding ; ckg:aboutFactor [] .
  { ?f ckg:aboutFactor ?x } UNION { ?f ckg:aboutInnovation ?x } UNION { ?f ckg:reportedIn ?x }
} GROUP BY ?x""")}
    made = list(documents(store))
    for kind in ("factor", "innovation", "source"):
        order = [(-counted.get(d.iri, 0), d.iri) for d in made if d.kind == kind]
        assert len(order) > 5 and order == sorted(order) and order[0][0] < -1, kind
