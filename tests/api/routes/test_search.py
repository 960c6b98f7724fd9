"""GET /search (api/routes/search.py) on a real uvicorn server over an on-disk store with writes on: JSON
answers, paging, the kind filter, every bad q as a 4xx, FTS5 syntax as plain text, the HTML page, and an
accepted write's finding found by the next search, from an index the write made from the previous one
(never rebuilt), and an amendment's text replacing the old."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest
import served_api

from api.deps import MAX_OFFSET
from api.routes.search import marked
from carekg.loader import load
from carekg.search import SearchIndex, index_file
from carekg.store import get_store
from tests.submissions import submitted_finding

TOKEN = "correct-horse-battery-staple"
FINDING = submitted_finding("sub-fdac-search-1", "Submitted: magistrates xylophonically agreed "
                                                 "<img src=x onerror=alert(1)> on the model.")


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory, dataset_files):
    folder = tmp_path_factory.mktemp("search-served") / "store"
    store = get_store(f"oxigraph:{folder}")
    load(store, dataset_files)
    store.close()
    return folder


@pytest.fixture(scope="module")
def base(store_dir, tmp_path_factory):
    env = {"CAREKG_STORE": f"oxigraph:{store_dir}", "CAREKG_QUERY_WORKERS": "0", "CAREKG_WRITE_TOKEN": TOKEN,
           "CAREKG_SUBMISSIONS": str(tmp_path_factory.mktemp("search-submissions"))}
    with served_api.serving(env) as url:
        yield url


def _search(base: str, **params) -> httpx.Response:
    return httpx.get(f"{base}/search", params=params, headers={"Accept": "application/json"}, timeout=30)


def test_search_answers_ranked_results_with_snippets(base):
    response = _search(base, q="liaison workers")
    assert response.status_code == 200 and response.headers["content-type"] == "application/json"
    body = response.json()
    assert body["query"] == "liaison workers" and body["count"] == sum(body["counts"].values()) > 0
    scores = [r["score"] for r in body["data"]]
    assert scores == sorted(scores, reverse=True)
    for result in body["data"]:
        assert {"kind", "id", "iri", "label", "snippet", "highlights", "score"} <= result.keys()
        assert result["iri"].endswith(f"/{result['id']}")
        marked = [result["snippet"][start:end].lower() for start, end in result["highlights"]]
        assert any(word.startswith("liaison") for word in marked), result
    assert "finding" in body["counts"]
    assert response.headers["etag"]


def test_search_finds_each_kind(base):
    cases = {"organisation": "FDAC National Unit", "innovation": "Mockingbird",
             "factor": "Shared understanding of the innovation", "source": "Kershaw"}
    for kind, words in cases.items():
        found = _search(base, q=words, kind=kind).json()
        assert found["data"] and {r["kind"] for r in found["data"]} == {kind}, (kind, found)
        assert found["count"] == found["counts"][kind]


def test_search_pages(base):
    everything = _search(base, q="leadership", limit=500).json()
    assert everything["count"] == len(everything["data"]) > 3
    page = _search(base, q="leadership", limit=2, offset=1).json()
    assert page["data"] == everything["data"][1:3] and page["count"] == everything["count"]
    assert page["limit"] == 2 and page["offset"] == 1
    assert _search(base, q="leadership", offset=everything["count"]).json()["data"] == []
    beyond = _search(base, q="leadership", offset=MAX_OFFSET)
    assert beyond.status_code == 200 and beyond.json()["data"] == []
    assert _search(base, q="leadership", offset=10**30).status_code == 422  # api/deps.py caps an offset


@pytest.mark.parametrize(("params", "message"), [
    ({"q": ""}, "empty"), ({"q": "   \t "}, "empty"), ({"q": "x" * 201}, "at most 200"),
    ({"q": "leadership", "kind": "rumour"}, "organisation"), ({}, "q"), ({"q": "a", "limit": 0}, "limit"),
])
def test_bad_queries_are_422_saying_why(base, params, message):
    response = _search(base, **params)
    assert response.status_code == 422
    assert message in response.text


@pytest.mark.parametrize("words", ['"', "*", "AND(", "-", "NEAR(a b)", 'a"b', "x:y", "^lead", "lead*",
                                   "(OR)", "'", "santé", "Ünïcödé 日本", "\u202e", "NOT leadership"])
def test_fts5_syntax_is_searched_as_text(base, words):
    response = _search(base, q=words)
    assert response.status_code == 200, response.text
    assert response.json()["query"] == words.strip()


def test_a_prefix_and_an_accented_word_match(base):
    assert _search(base, q="leader*").json()["count"] >= _search(base, q="leadership").json()["count"] > 0
    assert _search(base, q="léadership").json()["count"] == _search(base, q="leadership").json()["count"]


def test_an_accepted_write_is_found_by_the_next_search(base, store_dir):
    assert _search(base, q="xylophonically").json()["count"] == 0
    written = _post(base, "search-test", FINDING)
    found = _search(base, q="xylophonically").json()
    assert [r["id"] for r in found["data"]] == ["sub-fdac-search-1"]
    assert "<img src=x onerror=alert(1)>" in found["data"][0]["snippet"]  # JSON: the text as it is
    page = _page(base, q="xylophonically")
    assert "<img" not in page.text and "&lt;img src=x onerror=alert(1)&gt;" in page.text
    assert "<mark>xylophonically</mark>" in page.text
    current = _current_index(store_dir)
    assert [p.name for p in current.parent.glob("*.sqlite3")] == [current.name]
    # made from the previous version's index by the write itself, not rebuilt from the store
    assert SearchIndex.open(current).made() == ("delta", written.json()["previous_version"])


def test_an_amended_write_replaces_its_text_at_once(base, store_dir):
    first = _post(base, "search-amend", FINDING.replace("sub-fdac-search-1", "sub-fdac-search-2")
                  .replace("xylophonically", "harpsichordally"))
    assert [r["id"] for r in _search(base, q="harpsichordally").json()["data"]] == ["sub-fdac-search-2"]
    amended = _post(base, "search-amend", FINDING.replace("sub-fdac-search-1", "sub-fdac-search-2")
                    .replace("xylophonically", "theorbically"))
    assert amended.json()["amended"] and amended.json()["previous_version"] == first.json()["version"]
    assert _search(base, q="harpsichordally").json()["count"] == 0
    assert [r["id"] for r in _search(base, q="theorbically").json()["data"]] == ["sub-fdac-search-2"]
    assert SearchIndex.open(_current_index(store_dir)).made() == ("delta", first.json()["version"])


def _post(base: str, name: str, turtle: str) -> httpx.Response:
    written = httpx.post(f"{base}/evidence/{name}", content=turtle, timeout=120,
                         headers={"Content-Type": "text/turtle", "Authorization": f"Bearer {TOKEN}"})
    assert written.status_code == 201, written.text
    return written


def _current_index(store_dir) -> Path:
    store = get_store(f"oxigraph-ro:{store_dir}")
    try:
        current = index_file(store, store.dataset_version() or "")
    finally:
        store.close()
    assert current is not None and current.is_file()
    return current


@pytest.mark.parametrize(("accept", "rdf_format"),
                         [("application/ld+json", "json-ld"), ("text/turtle", "turtle")])
def test_the_page_as_rdf_is_a_ranked_schema_org_item_list(base, accept, rdf_format):
    from rdflib import Graph, Literal, URIRef
    from rdflib.namespace import RDF, SDO

    from carekg.namespaces import CKG

    classes = {"finding": CKG.Finding, "factor": CKG.ImplementationFactor, "innovation": CKG.Innovation,
               "source": CKG.Source, "organisation": CKG.Organisation}
    expected = _search(base, q="leadership", limit=5, offset=2).json()["data"]
    response = httpx.get(f"{base}/search", params={"q": "leadership", "limit": 5, "offset": 2},
                         headers={"Accept": accept}, timeout=30)
    assert response.status_code == 200 and response.headers["content-type"].startswith(accept)
    graph = Graph().parse(data=response.text, format=rdf_format)
    [page] = graph.subjects(RDF.type, SDO.ItemList)
    assert graph.value(page, SDO.numberOfItems).toPython() == _search(base, q="leadership").json()["count"]

    def position(item):
        return graph.value(item, SDO.position).toPython()

    items = sorted(graph.objects(page, SDO.itemListElement), key=position)
    assert [position(i) for i in items] == [3, 4, 5, 6, 7]
    assert [str(graph.value(i, SDO.item)) for i in items] == [r["iri"] for r in expected]
    assert [graph.value(i, SDO.description) for i in items] == [Literal(r["snippet"]) for r in expected]
    assert all((URIRef(r["iri"]), RDF.type, classes[r["kind"]]) in graph for r in expected)


def _page(base: str, **params) -> httpx.Response:
    return httpx.get(f"{base}/search", params=params, headers={"Accept": "text/html"}, timeout=30)


def test_the_page_lists_results_with_the_matched_words_marked(base):
    response = _page(base, q="liaison workers")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    marks = re.findall(r"<mark>(.*?)</mark>", response.text)
    assert marks and {m.lower()[:7] for m in marks} <= {"liaison", "workers", "worker"}, marks
    count = _search(base, q="liaison workers").json()["count"]
    assert response.text.count('<li class="result">') == count
    assert 'value="liaison workers"' in response.text  # the header box keeps the words


def test_the_page_filters_by_kind_and_pages(base):
    response = _page(base, q="leadership", kind="finding", limit=2, offset=2)
    assert response.status_code == 200
    assert response.text.count('<li class="result">') == 2
    assert 'rel="prev" href="/search?q=leadership&amp;kind=finding&amp;limit=2"' in response.text
    assert 'rel="next" href="/search?q=leadership&amp;kind=finding&amp;limit=2&amp;offset=4"' in response.text


def test_a_query_holding_html_is_shown_as_text(base):
    words = '<script>alert("x")</script> "><b>liaison'
    response = _page(base, q=words)
    assert response.status_code == 200
    assert "<script>alert" not in response.text and "<b>liaison" not in response.text
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in response.text


@pytest.mark.parametrize("words", ["", "  ", "y" * 201])
def test_a_bad_query_gets_the_form_again_with_the_reason(base, words):
    response = _page(base, q=words)
    assert response.status_code == 422 and response.headers["content-type"].startswith("text/html")
    assert 'role="alert"' in response.text and 'action="/search"' in response.text


@pytest.mark.parametrize("path", ["/", "/map", "/doc/innovation/signs-of-safety", "/sparql"])
def test_every_page_has_the_search_box_in_its_header(base, path):
    page = httpx.get(f"{base}{path}", headers={"Accept": "text/html"}, timeout=30)
    assert page.status_code == 200
    header = page.text.split("<header>", 1)[1].split("</header>", 1)[0]
    assert '<form class="site-search" action="/search" method="get" role="search">' in header
    assert 'name="q"' in header


def test_marked_escapes_everything_but_the_marks():
    assert str(marked("<b>a & lead</b>", [(7, 11)])) == "&lt;b&gt;a &amp; <mark>lead</mark>&lt;/b&gt;"
    assert str(marked("x", [])) == "x"
