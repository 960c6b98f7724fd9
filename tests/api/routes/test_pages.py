"""Pages for people: the home page and the innovation, factor, study and organisation pages, escaped.

Each page is parsed as HTML and what it shows (headings, the findings in its tables with their
direction, the organisations and roles) is checked against SPARQL asked of the store directly, not
against the services the pages are drawn from.
"""

from __future__ import annotations

import re
from collections import Counter
from html import unescape
from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from carekg import services
from carekg.store import get_store

HTML = {"Accept": "text/html"}
ID = "https://w3id.org/carekg/id/"
PREFIXES = """PREFIX ckg: <https://w3id.org/carekg/def#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""


class Page(HTMLParser):
    """The parts of a page the tests read: its first h1, every link, and every table row as cells, each
    cell's text split where the page puts a line break."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.h1: str | None = None
        self.h2: list[str] = []
        self.links: list[str] = []
        self.rows: list[list[list[str]]] = []
        self._heading: str | None = None
        self._heading_text: list[str] = []
        self._cell: list[str] | None = None
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        if tag == "a" and dict(attrs).get("href"):
            self.links.append(dict(attrs)["href"])
        if tag in ("h1", "h2"):
            self._heading, self._heading_text = tag, []
        elif tag == "tr":
            self.rows.append([])
        elif tag == "td" and self.rows:
            self._cell = [""]
            self.rows[-1].append(self._cell)
        elif tag == "br" and self._cell is not None:
            self._cell.append("")

    def handle_endtag(self, tag):
        if tag == self._heading:
            text = " ".join("".join(self._heading_text).split())
            if tag == "h1" and self.h1 is None:
                self.h1 = text
            elif tag == "h2":
                self.h2.append(text)
            self._heading = None
        elif tag == "td" and self._cell is not None:
            self._cell[:] = [" ".join(part.split()) for part in self._cell]
            self._cell = None

    def handle_data(self, data):
        if self._heading:
            self._heading_text.append(data)
        if self._cell is not None:
            self._cell[-1] += data

    def findings(self, paraphrase_at: int, direction_at: int) -> Counter:
        """(paraphrase, direction) of each finding row, the cells counted from the row's end (leading
        cells span several rows)."""
        return Counter((row[paraphrase_at][0], row[direction_at][0]) for row in self.rows
                       if len(row) >= -paraphrase_at
                       and row[direction_at][0] in ("enabler", "barrier", "mixed"))


def page(client, path: str, **params) -> Page:
    response = client.get(path, params=params, headers=HTML)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/html")
    return Page(response.text)


def findings_in_store(store, pattern: str) -> Counter:
    """(paraphrase, direction) of each finding matching ``pattern`` (on ?f), straight from the store."""
    rows = store.select(PREFIXES + f"""SELECT DISTINCT ?f ?text ?direction WHERE {{
        ?f a ckg:Finding ; ckg:direction ?d . {pattern}
        OPTIONAL {{ ?f ckg:paraphrase ?text }}
        BIND(LCASE(STRAFTER(STR(?d), "#")) AS ?direction) }}""")
    return Counter((" ".join(row.get("text", "").split()), row["direction"]) for row in rows)


def label(store, iri: str) -> str:
    rows = store.select(PREFIXES + f"SELECT ?l WHERE {{ <{iri}> rdfs:label|skos:prefLabel ?l }}")
    assert len({r["l"] for r in rows}) == 1, rows
    return rows[0]["l"]


def busiest(store, kind_pattern: str) -> str:
    """The IRI of the thing (?x, by ``kind_pattern``) with the most findings: the page with the most to
    get wrong."""
    rows = store.select(PREFIXES + f"""SELECT ?x (COUNT(DISTINCT ?f) AS ?n) WHERE {{ {kind_pattern} }}
        GROUP BY ?x ORDER BY DESC(?n) ?x LIMIT 1""")
    assert rows and int(rows[0]["n"]) >= 3, rows
    return rows[0]["x"]


def count(store, query: str) -> int:
    return int(store.select(PREFIXES + query)[0]["n"])


def test_home_says_what_the_graph_holds(client, store):
    home = page(client, "/")
    text = client.get("/", headers=HTML).text
    innovations = store.select(PREFIXES + "SELECT DISTINCT ?i WHERE { ?i a ckg:Innovation }")
    findings = count(store, "SELECT (COUNT(DISTINCT ?f) AS ?n) WHERE { ?f a ckg:Finding }")
    assert len(innovations) >= 10 and findings >= 100
    assert f"{len(innovations)} innovations" in text and f"{findings} findings" in text
    linked = {href.removeprefix("/doc/innovation/") for href in home.links
              if href.startswith("/doc/innovation/")}
    assert linked == {row["i"].removeprefix(ID + "innovation/") for row in innovations}
    assert "/sparql" in home.links and "/docs" in home.links


def test_home_lists_the_newest_studies_and_links_the_rest(client, store, monkeypatch):
    """A large graph holds tens of thousands of sources: the home page lists the newest HOME_STUDIES
    and links GET /studies for all of them; with fewer, every one and no such line."""
    from api.routes import pages

    sources = count(store, "SELECT (COUNT(DISTINCT ?s) AS ?n) "
                           "WHERE { ?s a ?c . ?c rdfs:subClassOf* ckg:Source }")
    documents = ("/doc/study/", "/doc/source/")
    everything = {href for href in page(client, "/").links if href.startswith(documents)}
    assert len(everything) == sources > 3
    assert "/studies" not in page(client, "/").links
    monkeypatch.setattr(pages, "HOME_STUDIES", 3)
    home = page(client, "/", fewer="1")  # another URL: the response cache holds the first
    newest = [href for href in home.links if href.startswith(documents)]
    assert len(set(newest)) == 3 and set(newest) < everything
    assert "/studies" in home.links
    assert f"The newest 3 of {sources}" in client.get("/", params={"fewer": "1"}, headers=HTML).text


def test_home_lists_the_innovations_and_organisations_with_most_and_links_all(client, store, monkeypatch):
    """A large graph holds hundreds of innovations and organisations: the home page lists the HOME_LISTED
    innovations with most findings and organisations in most innovations, and links the paged lists;
    the curated data has fewer, so every one is listed."""
    from api.routes import pages

    innovations = services.list_innovations(store)
    organisations = services.list_organisations(store)
    home = page(client, "/")
    assert {"/innovations", "/organisations"} <= set(home.links)
    linked = {href for href in home.links if href.startswith("/doc/organisation/")}
    assert len(linked) == len(organisations) > 3
    text = client.get("/", headers=HTML).text
    assert f"All {len(innovations)}, by name" in text and f"All {len(organisations)}, by" in text
    monkeypatch.setattr(pages, "HOME_LISTED", 3)
    fewer = page(client, "/", listed="3")  # another URL: the response cache holds the others
    listed = {href.removeprefix("/doc/innovation/") for href in fewer.links
              if href.startswith("/doc/innovation/")}
    most = sorted(innovations, key=lambda i: -i.counts.findings)
    assert len(listed) == 3 and {i.id for i in most[:3]} == listed, "ties at the cut would make this vague"
    involved = {href.removeprefix("/doc/organisation/") for href in fewer.links
                if href.startswith("/doc/organisation/")}
    assert len(involved) == 3
    assert min(o.innovation_count for o in organisations if o.id in involved) >= max(
        o.innovation_count for o in organisations if o.id not in involved)
    text = client.get("/", params={"listed": "3"}, headers=HTML).text
    assert f"The 3 of\n{len(innovations)} with most findings" in text
    assert f"The 3 of\n{len(organisations)} involved in most innovations" in text
    assert {"/innovations", "/organisations"} <= set(fewer.links)


def test_home_is_html_only(client):
    assert client.get("/", headers={"Accept": "application/json"}).status_code == 406


def test_innovation_page_shows_its_findings_and_organisations(client, store):
    iri = busiest(store, "?f a ckg:Finding ; ckg:aboutInnovation ?x")
    shown = page(client, f"/doc/innovation/{iri.removeprefix(ID + 'innovation/')}")
    assert shown.h1.startswith(label(store, iri))
    # the profile tables end with finding, direction, source, provenance
    assert shown.findings(-4, -3) == findings_in_store(store, f"?f ckg:aboutInnovation <{iri}> .")
    involved = store.select(PREFIXES + f"""SELECT DISTINCT ?o WHERE {{
        <{iri}> ckg:involvement ?v . ?v ckg:organisation ?o }}""")
    assert involved
    organisations = {href for href in shown.links if href.startswith("/doc/organisation/")}
    assert organisations == {f"/doc/organisation/{r['o'].removeprefix(ID + 'organisation/')}"
                             for r in involved}


def test_innovation_page_filters(client, store):
    iri = busiest(store, "?f a ckg:Finding ; ckg:aboutInnovation ?x")
    path = f"/doc/innovation/{iri.removeprefix(ID + 'innovation/')}"
    filtered = client.get(path, params={"direction": "barrier"}, headers=HTML)
    assert filtered.status_code == 200 and "(filtered)" in filtered.text
    barriers = Page(filtered.text).findings(-4, -3)
    assert barriers == findings_in_store(
        store, f"?f ckg:aboutInnovation <{iri}> ; ckg:direction ckg:Barrier .")
    unknown = client.get(path, params={"direction": "up"}, headers=HTML)
    assert unknown.status_code == 422


def test_innovation_page_in_cfir_terms(client, store):
    """With ?framework=cfir each finding shows once per CFIR concept its factor matches (close or
    related, from the store), or once in the not-mapped group; the switch links both views."""
    iri = busiest(store, "?f a ckg:Finding ; ckg:aboutInnovation ?x")
    path = f"/doc/innovation/{iri.removeprefix(ID + 'innovation/')}"
    response = client.get(path, params={"framework": "cfir", "direction": "barrier"}, headers=HTML)
    assert response.status_code == 200
    rows = store.select(PREFIXES + f"""SELECT ?f ?text ?direction (COUNT(DISTINCT ?concept) AS ?n) WHERE {{
        ?f a ckg:Finding ; ckg:aboutInnovation <{iri}> ; ckg:direction ckg:Barrier ; ckg:direction ?d ;
           ckg:aboutFactor ?factor .
        OPTIONAL {{ ?f ckg:paraphrase ?text }}
        OPTIONAL {{ ?factor skos:closeMatch|skos:relatedMatch ?concept }}
        BIND(LCASE(STRAFTER(STR(?d), "#")) AS ?direction) }} GROUP BY ?f ?text ?direction""")
    expected: Counter = Counter()
    for row in rows:
        expected[(" ".join(row.get("text", "").split()), row["direction"])] += max(1, int(row["n"]))
    assert Page(response.text).findings(-4, -3) == expected
    assert 'data-match="close"' in response.text and 'data-match="related"' in response.text
    assert "?direction=barrier&amp;framework=nasss" in response.text, "the switch keeps the filters"
    assert client.get(path, params={"framework": "eric"}, headers=HTML).status_code == 422
    assert client.get(path, params={"framework": "cfir", "domain": "5"}, headers=HTML).status_code == 422


def gaps_shown(text: str) -> tuple[int, list[tuple[str, str]]]:
    """An innovation page's gaps: how many sub-domains it says have evidence, and each gap's link and text."""
    section = text.split("<h2>NASSS sub-domains without evidence</h2>", 1)[1].split("<h2>", 1)[0]
    evidenced = re.search(r"(\d+) sub-domains have evidence", section)
    assert evidenced, section
    return int(evidenced.group(1)), [(href, unescape(label))
                                     for href, label in re.findall(r'<a href="([^"]+)">([^<]*)</a>', section)]


def test_innovation_page_gaps_are_the_gaps_service_answers(client, store):
    """The page reads one innovation's gaps (services.innovation_gaps): on innovations with the fewest,
    a middling number and the most gaps, the page shows exactly what the whole-table services.gaps gives
    that innovation (GET /gaps)."""
    whole = sorted(services.gaps(store), key=lambda g: (len(g.missing), g.innovation.id))
    chosen = [whole[0], whole[1], whole[len(whole) // 2], whole[-2], whole[-1]]
    assert len({len(g.missing) for g in chosen}) >= 3, "innovations with different gaps"
    for expected in chosen:
        innovation = expected.innovation
        assert services.innovation_gaps(store, innovation.iri, innovation.label) == expected
        response = client.get(f"/doc/innovation/{innovation.id}", headers=HTML)
        assert response.status_code == 200, response.text
        assert gaps_shown(response.text) == (
            expected.evidenced_subdomains,
            [(f"/doc/{gap.iri.removeprefix(ID)}", f"{gap.code} {gap.label}") for gap in expected.missing]), \
            innovation.id


def test_factor_page_shows_every_finding_about_the_factor(client, store):
    iri = busiest(store, "?f a ckg:Finding ; ckg:aboutFactor ?x")
    shown = page(client, f"/doc/factor/{iri.removeprefix(ID + 'factor/')}")
    assert shown.h1 == label(store, iri)
    # both tables (per innovation, in general) end with finding, direction, source, provenance
    expected = findings_in_store(store, f"?f ckg:aboutFactor <{iri}> .")
    assert shown.findings(-4, -3) == expected and sum(expected.values()) >= 3


def test_study_page_lists_the_findings_it_reports(client, store):
    iri = busiest(store, "?f a ckg:Finding ; ckg:reportedIn ?x . ?x a ckg:PrimaryStudy")
    shown = page(client, f"/doc/study/{iri.removeprefix(ID + 'study/')}")
    expected = findings_in_store(store, f"?f ckg:reportedIn <{iri}> .")
    assert f"Findings ({sum(expected.values())})" in shown.h2
    # columns: innovation, factor, direction, finding, provenance
    assert shown.findings(-2, -3) == expected


def test_organisation_page_lists_its_roles(client, store):
    rows = store.select(PREFIXES + """SELECT ?o (COUNT(DISTINCT ?v) AS ?n) WHERE {
        ?i ckg:involvement ?v . ?v ckg:organisation ?o } GROUP BY ?o ORDER BY DESC(?n) ?o LIMIT 1""")
    iri = rows[0]["o"]
    shown = page(client, f"/doc/organisation/{iri.removeprefix(ID + 'organisation/')}")
    assert shown.h1 == label(store, iri)
    roles = store.select(PREFIXES + f"""SELECT ?i ?role WHERE {{
        ?i ckg:involvement ?v . ?v ckg:organisation <{iri}> ; ckg:role ?r . ?r rdfs:label ?role }}""")
    role_cells = Counter(row[-3][0] for row in shown.rows if len(row) >= 3)
    assert role_cells == Counter(r["role"] for r in roles) and len(roles) == int(rows[0]["n"]) >= 2
    innovations = {href for href in shown.links if href.startswith("/doc/innovation/")}
    assert innovations == {f"/doc/innovation/{r['i'].removeprefix(ID + 'innovation/')}" for r in roles}


@pytest.mark.parametrize("kind", ["innovation", "factor", "study", "organisation"])
def test_an_unknown_id_is_a_404_page(client, kind):
    response = client.get(f"/doc/{kind}/no-such-{kind}", headers=HTML)
    assert response.status_code == 404 and response.headers["content-type"].startswith("text/html")
    assert "no-such-" in response.text


def test_everything_is_escaped(tmp_path):
    """Markup in the data is shown as text, never interpreted."""
    data = tmp_path / "evil.ttl"
    data.write_text("""
        @prefix ckg: <https://w3id.org/carekg/def#> .
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        <https://w3id.org/carekg/id/innovation/evil> a ckg:Innovation ;
            rdfs:label "<script>alert('x')</script>"@en ;
            ckg:origin "<img src=x onerror=alert(1)>"@en .
    """)
    store = get_store("memory:")
    store.replace_dataset({"https://w3id.org/carekg/graph/data": [data]})
    store.set_version("escape-test")
    with TestClient(create_app(store=store)) as evil:
        for path in ("/", "/doc/innovation/evil"):
            text = evil.get(path, headers=HTML).text
            assert "<script>alert" not in text and "<img src=x" not in text
            assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in text
        assert Page(evil.get("/doc/innovation/evil", headers=HTML).text).h1 == "<script>alert('x')</script>"


def test_routers_import_the_renderer_not_each_other():
    """api/rendering.py renders the pages; a router (this one included) imports it, never another router."""
    import ast

    from carekg import paths

    offenders = []
    for path in sorted((paths.ROOT / "api" / "routes").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("api.routes"):
                offenders.append(f"{path.name}:{node.lineno}")
    assert offenders == []
