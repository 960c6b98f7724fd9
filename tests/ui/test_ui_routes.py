"""The pages and downloads of issue 7 through the app (TestClient over the embedded store): the gap map
and its SVG/PNG, the query page with and without the YASGUI files, the profile chart, the pyLODE page at
/def with its fallback, and the /export downloads."""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from collections import Counter

import pytest
from fastapi.testclient import TestClient
from PIL import Image
from rdflib import Dataset, Graph

from api import rendering
from api.config import Settings
from api.main import create_app
from carekg import ontology_docs, services
from carekg.services.gap_map import gap_map

HTML = {"Accept": "text/html"}


@pytest.fixture
def client(store):
    """A fresh app (and so a fresh response cache) per test: some tests change what the pages find on disk."""
    with TestClient(create_app(Settings(query_workers=0), store=store)) as client:
        yield client


def test_gap_map_page_has_every_cell_empty_ones_visible_and_links(client, store):
    the_map = gap_map(store)
    page = client.get("/map", headers=HTML)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    text = page.text
    cells = re.findall(
        r'<td class="cell ([a-z ]+)" data-innovation="([^"]+)" data-subdomain="([^"]+)" '
        r'data-empty="(true|false)"',
        text,
    )
    assert len(cells) == len(the_map.rows) * len(the_map.subdomains)
    assert sum(empty == "true" for *_, empty in cells) == the_map.empty_cells
    assert all(kind.startswith("empty") == (empty == "true") for kind, _, _, empty in cells)
    links = re.findall(r'href="(/doc/innovation/[^"?]+\?domain=[0-9A-Z]+#profile)"', text)
    assert len(links) == len(the_map.rows) * len(the_map.subdomains) - the_map.empty_cells
    assert "developer or purveyor are excluded" in text and 'href="/map.svg"' in text


def test_a_cell_link_opens_that_subdomains_findings(client, store):
    the_map = gap_map(store)
    row = next(r for r in the_map.rows if r.id == "signs-of-safety")
    cell = next(c for c in row.cells if not c.empty)
    page = client.get(f"/doc/innovation/{row.id}", params={"domain": cell.subdomain.code}, headers=HTML)
    assert page.status_code == 200
    profile = services.innovation_profile(store, row.id, domain=cell.subdomain.code)
    assert profile.counts.findings == cell.findings
    assert f"{profile.counts.findings} finding" in page.text


def test_map_svg_and_png(client, store):
    svg = client.get("/map.svg")
    assert svg.status_code == 200 and svg.headers["content-type"].startswith("image/svg+xml")
    root = ET.fromstring(svg.content)
    hrefs = [a.get("href") for a in root.iter("{http://www.w3.org/2000/svg}a")]
    assert hrefs and all(h.startswith("/doc/innovation/") for h in hrefs)
    png = client.get("/map.png")
    assert png.status_code == 200 and png.headers["content-type"] == "image/png"
    image = Image.open(io.BytesIO(png.content))
    width, height = (float(root.get(side)) for side in ("width", "height"))
    assert image.format == "PNG" and image.size == (int(width), int(height)) and image.size[0] > 1000
    sharp = Image.open(io.BytesIO(client.get("/map.png", params={"scale": 2}).content))
    assert sharp.size == (int(2 * width), int(2 * height))


@pytest.mark.parametrize("scale", ["0", "3", "1.5", "two"])
def test_bad_map_png_scale_is_a_422(client, scale):
    answer = client.get("/map.png", params={"scale": scale})
    assert answer.status_code == 422 and "scale" in answer.text


def test_innovation_page_has_the_profile_chart(client):
    page = client.get("/doc/innovation/family-drug-and-alcohol-court", headers=HTML)
    assert page.status_code == 200
    chart = re.search(r'<svg [^>]*class="profile-chart".*?</svg>', page.text, re.S)
    assert chart, "no inline profile chart"
    ET.fromstring(chart.group(0))
    assert "enabler findings" in chart.group(0) and "<rect" in chart.group(0)


def test_query_page_with_yasgui_files(client, tmp_path, monkeypatch):
    for name in rendering.YASGUI_FILES:
        (tmp_path / name).write_text("/* stand-in */")
    monkeypatch.setattr(rendering, "YASGUI_DIR", tmp_path)
    page = client.get("/sparql", headers=HTML)
    assert page.status_code == 200
    assert '<script src="/static/vendor/yasgui/yasgui.min.js"></script>' in page.text
    config = json.loads(
        re.search(
            r'<script type="application/json" id="yasgui-config">(.*?)</script>', page.text, re.S
        ).group(1)
    )
    assert (
        config["endpoint"].endswith("/sparql") and config["prefixes"]["ckg"] == "https://w3id.org/carekg/def#"
    )
    assert len(config["examples"]) >= 12 and [e["name"] for e in config["examples"][:6]] == [
        "CQ-1",
        "CQ-2",
        "CQ-3",
        "CQ-4",
        "CQ-5",
        "CQ-6 / RULE consensus-two-independent-studies 2.0.0",
    ]
    assert '<form method="get" id="plain-form"' in page.text  # still there for JavaScript off
    assert "<script>" not in page.text  # the CSP allows no inline script


def test_query_page_degrades_to_the_form_without_yasgui(client, tmp_path, monkeypatch):
    monkeypatch.setattr(rendering, "YASGUI_DIR", tmp_path / "absent")
    page = client.get("/sparql", headers=HTML)
    assert page.status_code == 200
    assert "yasgui" not in page.text.lower()
    assert '<form method="get" id="plain-form"' in page.text and page.text.count("<details") >= 12
    # the form's own request works
    answer = client.get("/sparql", params={"query": "ASK { ?s ?p ?o }", "format": "json"})
    assert answer.status_code == 200 and answer.json()["boolean"] is True


def test_def_serves_the_pylode_page_or_falls_back(client, tmp_path, monkeypatch):
    generated = tmp_path / "ontology.html"
    generated.write_text("<html><body><p>generated by pyLODE</p></body></html>")
    monkeypatch.setattr(ontology_docs, "ONTOLOGY_DOCS", generated)
    assert "generated by pyLODE" in client.get("/def", headers=HTML).text
    monkeypatch.setattr(ontology_docs, "ONTOLOGY_DOCS", tmp_path / "missing.html")
    with TestClient(create_app(Settings(query_workers=0), store=client.app.state.store)) as fresh:
        fallback = fresh.get("/def", headers=HTML)
    assert (
        fallback.status_code == 200
        and "generated by pyLODE" not in fallback.text
        and "Innovation" in fallback.text
    )


def test_pylode_generates_term_anchors(tmp_path):
    pytest.importorskip("pylode")
    out = ontology_docs.ontology_docs(tmp_path / "ontology.html")
    html = out.read_text()
    assert "<html" in html.lower() and "carekg" in html
    for term in ("Innovation", "Finding", "aboutFactor"):
        assert f'id="{term}"' in html, term


def test_def_rdfxml_loads_in_owlready2(client, tmp_path):
    """/def as RDF/XML (what Protege and owlready2 read). It keeps owl:imports of its modules, which
    owlready2 would fetch from w3id.org; every module is in the document itself, so the imports are
    dropped here (as the released carekg.owl drops them) and the rest must load offline."""
    owlready2 = pytest.importorskip("owlready2")
    from rdflib import OWL, RDF

    answer = client.get("/def", headers={"Accept": "application/rdf+xml"})
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("application/rdf+xml")
    graph = Graph().parse(data=answer.content, format="xml")
    imported = set(graph.objects(None, OWL.imports))
    carekg_modules = {m for m in imported if str(m).startswith("https://w3id.org/carekg/def/")}
    assert carekg_modules <= set(graph.subjects(RDF.type, OWL.Ontology)), "an imported module is not in /def"
    graph.remove((None, OWL.imports, None))
    path = tmp_path / "carekg.owl"
    graph.serialize(path, format="xml")
    world = owlready2.World()
    try:
        onto = world.get_ontology(path.as_uri()).load()
        ckg = world.get_namespace("https://w3id.org/carekg/def#")
        assert ckg.Innovation is not None and ckg.Finding is not None and onto is not None
    finally:
        world.close()


@pytest.mark.parametrize(
    ("path", "media_type", "parse"),
    [
        ("/export/carekg.ttl", "text/turtle", "turtle"),
        ("/export/carekg.nt", "application/n-triples", "nt"),
        ("/export/carekg.nq", "application/n-quads", "nquads"),
        ("/export/carekg.jsonld", "application/ld+json", "json-ld"),
    ],
)
def test_graph_exports_parse_and_hold_every_triple(client, store, path, media_type, parse):
    answer = client.get(path)
    assert answer.status_code == 200 and answer.headers["content-type"].startswith(media_type)
    assert answer.headers["content-disposition"] == f'attachment; filename="{path.rsplit("/", 1)[1]}"'
    expected = b"".join(services.export_dataset(store, media_type))  # what `carekg export` writes

    def size(body: bytes) -> int:
        if parse in {"nquads", "json-ld"}:
            data = Dataset()
            data.parse(data=body, format=parse)
            assert len([g for g in data.graphs() if len(g)]) >= 3  # data, ontology, inferred kept apart
            return sum(len(g) for g in data.graphs())
        return len(Graph().parse(data=body, format=parse))

    assert size(answer.content) == size(expected) > 1000


def test_streamed_export_has_an_etag_and_answers_304(client):
    answer = client.get("/export/carekg.nq")
    assert answer.status_code == 200 and answer.headers["etag"] and answer.content
    again = client.get("/export/carekg.nq", headers={"If-None-Match": answer.headers["etag"]})
    assert again.status_code == 304 and not again.content


def test_findings_csv_download(client, store):
    """One row per finding in the store, each saying what the store says of it (asked by SPARQL here)."""
    answer = client.get("/export/findings.csv")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
    assert "attachment" in answer.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(answer.content.decode("utf-8-sig"))))
    facts = store.select("""PREFIX ckg: <https://w3id.org/carekg/def#>
        SELECT ?f ?factor ?direction ?source ?innovation ?general ?text WHERE {
          ?f a ckg:Finding ; ckg:aboutFactor ?factor ; ckg:direction ?d ; ckg:reportedIn ?source .
          OPTIONAL { ?f ckg:aboutInnovation ?innovation }
          OPTIONAL { ?f ckg:concernsInnovationsInGeneral ?general }
          OPTIONAL { ?f ckg:paraphrase ?text }
          BIND(LCASE(STRAFTER(STR(?d), "#")) AS ?direction) }""")
    def local(iri: str | None) -> str:
        return iri.rsplit("/", 1)[1] if iri else ""

    expected = {local(f["f"]): (local(f["factor"]), f["direction"], local(f["source"]),
                                local(f.get("innovation")), f.get("general", "false"), f.get("text", ""))
                for f in facts}
    assert len(facts) == len(expected) > 100, "one factor, direction and source per finding"
    shown = {r["finding"]: (r["factor"], r["direction"], r["source"], r["innovation"], r["general"],
                            r["paraphrase"]) for r in rows}
    assert len(rows) == len(shown), "a finding appears twice"
    assert shown == expected
    directions = store.select("""PREFIX ckg: <https://w3id.org/carekg/def#>
        SELECT ?d (COUNT(DISTINCT ?f) AS ?n) WHERE { ?f a ckg:Finding ; ckg:direction ?d } GROUP BY ?d""")
    assert Counter(r["direction"] for r in rows) == {r["d"].rsplit("#", 1)[1].lower(): int(r["n"])
                                                     for r in directions}
    assert all(r["citation"] and r["nasss_subdomain"] and r["factor_label"] for r in rows)


def test_unknown_export_is_a_404_naming_the_choices(client):
    answer = client.get("/export/carekg.xlsx")
    assert answer.status_code == 404 and "carekg.ttl" in answer.json()["detail"]


def test_map_pages_its_innovations_with_links_to_the_next_page(client, store):
    whole = gap_map(store, limit=None)
    first = client.get("/map", params={"limit": 5}, headers=HTML)
    assert first.status_code == 200
    shown = re.findall(r'<th scope="row" class="innovation"><a href="[^"]+">([^<]+)</a>', first.text)
    assert len(shown) == 5 and shown == sorted(shown, key=str.lower)
    assert f"Innovations 1 to 5\nof {whole.total}" in first.text
    assert 'rel="next" href="/map?limit=5&amp;offset=5"' in first.text and 'rel="prev"' not in first.text
    assert 'href="/map.svg?limit=5&amp;offset=0"' in first.text
    last = client.get("/map", params={"limit": 5, "offset": 10}, headers=HTML)
    assert 'rel="prev" href="/map?limit=5&amp;offset=5"' in last.text and 'rel="next"' not in last.text
    pages = [gap_map(store, limit=5, offset=offset) for offset in range(0, whole.total, 5)]
    assert sorted(r.id for p in pages for r in p.rows) == sorted(r.id for r in whole.rows)
    most = max(whole.rows, key=lambda r: r.findings)
    assert most.id in {r.id for r in pages[0].rows}, "the first page holds the innovations with most findings"
    svg = ET.fromstring(client.get("/map.svg", params={"limit": 2}).content)
    assert len({a.get("href").split("?")[0] for a in svg.iter("{http://www.w3.org/2000/svg}a")}) <= 2


@pytest.mark.parametrize("path", ["/map", "/map.svg", "/map.png"])
@pytest.mark.parametrize("query", ["limit=0", "limit=201", "limit=ten", "offset=-1", "offset=x"])
def test_bad_map_page_is_a_4xx(client, path, query):
    answer = client.get(f"{path}?{query}", headers=HTML)
    assert 400 <= answer.status_code < 500, answer.status_code


def _counting(store, asked: list[str]):
    """``store``, recording in ``asked`` each query it is asked."""

    class Counting:
        def __getattr__(self, name):
            return getattr(store, name)

        def select(self, query, bindings=None):
            asked.append(query)
            return store.select(query, bindings)

    return Counting()


def test_the_maps_queries_do_not_grow_with_the_findings_or_the_page(store):
    """At most four queries for any page (the columns, read once and then cached, the innovations ranked,
    the page's cells and the consensus behind them), none reading a finding: the cells are read as the
    rules materialised them."""
    asked: list[str] = []
    counting = _counting(store, asked)
    per_page = []
    for limit in (1, 4, None):
        asked.clear()
        the_map = gap_map(counting, limit=limit)
        per_page.append(len(asked))
        assert len(the_map.rows) == (limit or the_map.total)
        assert not [query for query in asked if "ckg:aboutInnovation" in query]
    assert max(per_page) <= 4 and per_page[1] == per_page[2] >= 3, per_page


def test_cfir_gap_map_has_a_column_per_cfir_domain_and_links_in_cfir_terms(client, store):
    the_map = gap_map(store, framework="cfir")
    assert [s.code for s in the_map.subdomains] == ["I", "II", "III", "IV", "V"]
    page = client.get("/map", params={"framework": "cfir"}, headers=HTML)
    assert page.status_code == 200
    cells = re.findall(r'<td class="cell [a-z ]+" data-innovation="[^"]+" data-subdomain="([IV]+)" ',
                       page.text)
    assert len(cells) == len(the_map.rows) * 5
    links = re.findall(r'href="/doc/innovation/[^"?]+\?framework=cfir&amp;domain=[IV]+#profile"', page.text)
    assert len(links) == len(the_map.rows) * 5 - the_map.empty_cells
    assert 'href="/map" data-framework="nasss"' in page.text, "the switch back to NASSS columns"
    assert 'href="/map.svg?framework=cfir"' in page.text
    nasss = client.get("/map", headers=HTML).text
    assert 'href="/map?framework=cfir" data-framework="cfir"' in nasss


def test_cfir_cells_count_what_the_cfir_profile_groups(store):
    """Two paths to the same numbers: the map's aggregate SPARQL per innovation and CFIR domain, and the
    profile's grouping of each innovation's findings in Python."""
    the_map = gap_map(store, limit=None, framework="cfir")
    checked = 0
    for row in the_map.rows:
        domains = {d.code: d.counts for d in services.innovation_cfir_profile(store, row.id).domains}
        for cell in row.cells:
            counts = domains.get(cell.subdomain.code)
            assert (cell.enabler, cell.barrier, cell.mixed) == (
                (counts.enabler, counts.barrier, counts.mixed) if counts else (0, 0, 0)), (row.id, cell)
            if counts:
                assert cell.sources == counts.sources
                checked += 1
    assert checked >= 20


def test_cfir_map_svg_and_png(client):
    svg = client.get("/map.svg", params={"framework": "cfir"})
    root = ET.fromstring(svg.content)
    assert "CFIR 2.0 domains" in "".join(root.itertext())
    hrefs = [a.get("href") for a in root.iter("{http://www.w3.org/2000/svg}a")]
    assert hrefs and all("framework=cfir&domain=" in h for h in hrefs)
    png = client.get("/map.png", params={"framework": "cfir"})
    assert png.status_code == 200 and Image.open(io.BytesIO(png.content)).format == "PNG"


@pytest.mark.parametrize("path", ["/map", "/map.svg", "/map.png"])
def test_unknown_map_framework_is_a_422_naming_the_allowed(client, path):
    answer = client.get(path, params={"framework": "eric"}, headers=HTML)
    assert answer.status_code == 422 and "'nasss' or 'cfir'" in answer.text


def test_the_cfir_maps_queries_do_not_grow_with_the_page(store):
    asked: list[str] = []
    counting = _counting(store, asked)
    for limit in (1, None):
        asked.clear()
        the_map = gap_map(counting, limit=limit, framework="cfir")
        assert len(asked) <= 4 and len(the_map.rows) == (limit or the_map.total)
        assert not [query for query in asked if "ckg:aboutInnovation" in query]
