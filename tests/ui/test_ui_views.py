"""carekg.services.gap_map and carekg.drawing: the evidence gap map counted in SPARQL, checked against the
findings counted in Python, the strength-of-evidence rule on a tiny graph built for it, and the SVG/PNG
drawings."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from collections import Counter

import pytest
from PIL import Image

from carekg import services
from carekg.drawing.gap_map import map_layout, map_png, map_svg
from carekg.drawing.profile_chart import profile_chart
from carekg.queries import load_query
from carekg.queries.example_queries import example_queries
from carekg.rules import map_cells
from carekg.services.gap_map import gap_map, nasss
from carekg.store import get_store

SVG_NS = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def the_map(store):
    return gap_map(store)


def test_every_innovation_by_every_subdomain(the_map, store):
    innovations = services.list_innovations(store)
    assert {r.id for r in the_map.rows} == {i.id for i in innovations}
    assert [s.code for s in the_map.subdomains] == sorted(s.code for s in the_map.subdomains)
    assert len(the_map.subdomains) == 23 and len(the_map.domains) == 7
    assert all(len(r.cells) == len(the_map.subdomains) for r in the_map.rows)
    assert 0 < the_map.empty_cells < len(the_map.rows) * len(the_map.subdomains)


def test_direction_counts_agree_with_the_findings_table(the_map, store):
    """The map's SPARQL counts equal the findings CSV (services, a different code path) counted by hand."""
    expected = Counter()
    for row in csv.DictReader(io.StringIO("".join(services.findings_csv(store)))):
        if row["innovation"] and row["nasss_subdomain"]:
            expected[(row["innovation"], row["nasss_subdomain"], row["direction"])] += 1
    got = Counter()
    for row in the_map.rows:
        for cell in row.cells:
            for direction in ("enabler", "barrier", "mixed"):
                if getattr(cell, direction):
                    got[(row.id, cell.subdomain.code, direction)] = getattr(cell, direction)
    assert got == expected


def test_strength_never_exceeds_sources_and_empty_cells_have_none(the_map):
    for row in the_map.rows:
        for cell in row.cells:
            assert cell.independent <= cell.sources
            if cell.empty:
                assert (cell.sources, cell.independent, cell.balance) == (0, 0, "empty")
            else:
                assert cell.sources >= 1


TINY = """
@prefix ckg: <https://w3id.org/carekg/def#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix nasss: <https://w3id.org/carekg/id/nasss/> .
@prefix fac: <https://w3id.org/carekg/id/factor/> .
@prefix inn: <https://w3id.org/carekg/id/innovation/> .
@prefix study: <https://w3id.org/carekg/id/study/> .
@prefix src: <https://w3id.org/carekg/id/source/> .
@prefix fnd: <https://w3id.org/carekg/id/finding/> .
nasss:5 a ckg:NasssDomain ; skos:notation "5" ; skos:prefLabel "The organisation"@en .
nasss:5a a ckg:NasssSubdomain ; skos:notation "5A" ; skos:prefLabel "Capacity"@en ; skos:broader nasss:5 .
nasss:5b a ckg:NasssSubdomain ; skos:notation "5B" ; skos:prefLabel "Readiness"@en ; skos:broader nasss:5 .
fac:f a ckg:ImplementationFactor ; skos:broader nasss:5a .
inn:i a ckg:Innovation ; rdfs:label "I" .
study:s1 a ckg:Study ; ckg:sourceType ckg:PeerReviewedPaper ; ckg:developerAuthored false .
study:s2 a ckg:Study ; ckg:sourceType ckg:EvaluationReport ; ckg:developerAuthored true .
study:s3 a ckg:Study ; ckg:sourceType ckg:EvaluationReport ; ckg:developerAuthored false .
study:s4 a ckg:Study ; ckg:sourceType ckg:EvaluationReport .
src:r1 a ckg:Source ; ckg:sourceType ckg:Report ; ckg:developerAuthored false ; ckg:summarises study:s3 .
src:r2 a ckg:Source ; ckg:sourceType ckg:EvaluationReport ; ckg:developerAuthored false ;
    ckg:summarises study:s3 .
src:g a ckg:Source ; ckg:sourceType ckg:NewsOrGreyLiterature ; ckg:developerAuthored false .
src:review a ckg:Source ; ckg:sourceType ckg:SystematicReviewReport ; ckg:developerAuthored false ;
    ckg:isFoundingReview true .
study:s5 a ckg:Study ; ckg:sourceType ckg:EvaluationReport ; ckg:developerAuthored false .
fnd:a a ckg:Finding ; ckg:aboutInnovation inn:i ; ckg:aboutFactor fac:f ; ckg:direction ckg:Enabler ;
  ckg:reportedIn study:s1 ; ckg:provenanceKind ckg:SourceStudyClaim .
fnd:b a ckg:Finding ; ckg:aboutInnovation inn:i ; ckg:aboutFactor fac:f ; ckg:direction ckg:Enabler ;
  ckg:reportedIn study:s2 ; ckg:provenanceKind ckg:SourceStudyClaim .
fnd:c a ckg:Finding ; ckg:aboutInnovation inn:i ; ckg:aboutFactor fac:f ; ckg:direction ckg:Barrier ;
  ckg:reportedIn src:r1 ; ckg:provenanceKind ckg:SourceStudyClaim .
fnd:d a ckg:Finding ; ckg:aboutInnovation inn:i ; ckg:aboutFactor fac:f ; ckg:direction ckg:Mixed ;
  ckg:reportedIn src:r2 ; ckg:provenanceKind ckg:SourceStudyClaim .
fnd:e a ckg:Finding ; ckg:aboutInnovation inn:i ; ckg:aboutFactor fac:f ; ckg:direction ckg:Enabler ;
  ckg:reportedIn study:s1 ; ckg:provenanceKind ckg:CuratorInference .
fnd:f a ckg:Finding ; ckg:aboutInnovation inn:i ; ckg:aboutFactor fac:f ; ckg:direction ckg:Enabler ;
  ckg:reportedIn src:g ; ckg:provenanceKind ckg:SourceStudyClaim .
fnd:g a ckg:Finding ; ckg:aboutInnovation inn:i ; ckg:aboutFactor fac:f ; ckg:direction ckg:Enabler ;
  ckg:reportedIn study:s4 ; ckg:provenanceKind ckg:SourceStudyClaim .
fnd:h a ckg:Finding ; ckg:aboutInnovation inn:i ; ckg:aboutFactor fac:f ; ckg:direction ckg:Enabler ;
  ckg:reportedIn src:review ; ckg:provenanceKind ckg:SourceStudyClaim .
fnd:i a ckg:Finding ; ckg:aboutInnovation inn:i ; ckg:aboutFactor fac:f ; ckg:direction ckg:Mixed ;
  ckg:reportedIn study:s5 ; ckg:provenanceKind ckg:SourceStudyClaim .
"""


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    path = tmp_path_factory.mktemp("tiny") / "tiny.ttl"
    path.write_text(TINY, encoding="utf-8")
    tiny = get_store("memory:")
    tiny.load_graph("https://w3id.org/carekg/graph/data", path)
    # the map reads its cells as the rule materialises them at load time
    cells = path.with_suffix(".nt")
    cells.write_text(map_cells(tiny).serialize(format="nt"), encoding="utf-8")
    tiny.load_graph("https://w3id.org/carekg/graph/inferred", cells)
    return tiny


def test_independent_studies_exclude_developer_authored_and_count_a_summarised_study_once(tiny):
    """As consensus rule 2.0.0 counts: s1 counts (own claim; its curator inference adds nothing); s2 is
    developer-authored; r1 and r2 both report s3, which counts once; g is grey literature, s4's developer
    flag is unknown, the founding review's own claim is never evidence and s5's only finding is mixed
    (the rule counts enabler and barrier findings), so none of them counts: 2 independent studies among 8
    sources."""
    the_map = gap_map(tiny)
    (row,) = the_map.rows
    filled, empty = row.cells
    assert (filled.subdomain.code, empty.subdomain.code) == ("5A", "5B")
    assert (filled.enabler, filled.barrier, filled.mixed) == (6, 1, 2)
    assert (filled.sources, filled.independent) == (8, 2)
    assert filled.balance == "enabler" and empty.empty


#: Which gap map column a finding's factor puts it in, stated apart from the map's queries.
CELLS = {
    "nasss": """PREFIX ckg: <https://w3id.org/carekg/def#>
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT DISTINCT ?finding ?innovation ?column WHERE {
          ?finding ckg:aboutInnovation ?innovation ; ckg:aboutFactor ?factor .
          ?factor skos:broader ?column . ?column a ckg:NasssSubdomain }""",
    "cfir": """PREFIX ckg: <https://w3id.org/carekg/def#>
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT DISTINCT ?finding ?innovation ?column WHERE {
          ?finding ckg:aboutInnovation ?innovation ; ckg:aboutFactor ?factor .
          ?factor (skos:closeMatch|skos:relatedMatch)/skos:broader* ?column . ?column a ckg:CfirDomain }""",
}


def rule_strength(store, framework: str) -> dict[tuple[str, str], int]:
    """Independent studies per innovation and column as the consensus rule classifies the findings
    (consensus_evidence.rq: a finding is counted, as its study, or has a reason it is not)."""
    cells: dict[str, set] = {}
    for row in store.select(CELLS[framework]):
        cells.setdefault(row["finding"], set()).add((row["innovation"], row["column"]))
    units: dict[tuple[str, str], set] = {}
    for row in store.select(load_query("consensus_evidence")):
        if row["counted"] == "true":
            for cell in cells.get(row["finding"], ()):
                units.setdefault(cell, set()).add(row["unit"])
    return {cell: len(studies) for cell, studies in units.items()}


def map_strength(store, framework: str) -> dict[tuple[str, str], int]:
    the_map = gap_map(store, limit=None, framework=framework)
    return {(row.iri, cell.subdomain.iri): cell.independent
            for row in the_map.rows for cell in row.cells if cell.independent}


@pytest.mark.parametrize("framework", ["nasss", "cfir"])
def test_every_cells_strength_is_what_the_consensus_rule_counts(store, framework):
    """On the curated data: every innovation x column cell's independent studies are the studies the
    consensus rule counts among its findings (a mixed finding from an independent evaluation is not one)."""
    expected = rule_strength(store, framework)
    assert expected, "the rule counts studies in some cells"
    assert map_strength(store, framework) == expected


def test_the_founding_review_is_no_study_of_a_cell(tiny):
    """The founding review's own claim is classified as its statement, not counted, in the map too."""
    reasons = {row["finding"].rsplit("/", 1)[1]: row["reason"]
               for row in tiny.select(load_query("consensus_evidence"))}
    assert reasons["h"] == "review-statement"
    assert map_strength(tiny, "nasss") == rule_strength(tiny, "nasss")


def test_svg_is_xml_with_a_link_per_filled_cell(the_map):
    svg = map_svg(the_map, lambda row, cell: f"/cell/{row.id}/{cell.subdomain.code}")
    root = ET.fromstring(svg.split("?>", 1)[1])
    links = [a.get("href") for a in root.iter(f"{SVG_NS}a")]
    filled = sum(not c.empty for r in the_map.rows for c in r.cells)
    assert len(links) == filled
    texts = [t.text for t in root.iter(f"{SVG_NS}text")]
    assert texts.count("–") == the_map.empty_cells
    assert any("developer-authored" in (t or "") for t in texts)


def test_png_is_the_same_layout_rasterised(the_map):
    png = map_png(the_map, scale=1.0)
    image = Image.open(io.BytesIO(png))
    layout = map_layout(the_map)
    assert image.format == "PNG" and image.size == (int(layout.width), int(layout.height))
    # Not blank: a filled enabler cell's colour is there.
    colours = {colour for _, colour in image.getcolors(maxcolors=1 << 16)}
    assert (0xDC, 0xF5, 0xE3) in colours or (0x86, 0xD1, 0x9C) in colours


def test_png_draws_every_text_as_pillows_own_text_drawing_does(the_map):
    """Each distinct text's glyphs are rendered once and laid on the image again and again: the pixels
    equal those of drawing every text with ImageDraw.text, as the map was drawn before."""
    from PIL import ImageChops, ImageDraw, ImageFont

    from carekg.drawing.canvas import Box

    scale, layout = 2.0, map_layout(the_map)
    expected = Image.new("RGB", (int(layout.width * scale), int(layout.height * scale)), "white")
    draw = ImageDraw.Draw(expected)
    for item in layout.items:
        if isinstance(item, Box):
            corners = [item.x, item.y, item.x + item.w, item.y + item.h]
            draw.rectangle([c * scale for c in corners], fill=item.fill, outline=item.stroke, width=1)
        else:
            name = "DejaVuSans-Bold.ttf" if item.bold else "DejaVuSans.ttf"
            font = ImageFont.truetype(name, item.size * scale)
            draw.text((item.x * scale, item.y * scale), item.text, fill=item.fill, font=font,
                      anchor={"start": "ls", "middle": "ms", "end": "rs"}[item.anchor])
    drawn = Image.open(io.BytesIO(map_png(the_map, scale))).convert("RGB")
    assert drawn.size == expected.size and ImageChops.difference(drawn, expected).getbbox() is None


def test_profile_chart_has_a_row_per_domain_and_the_profile_counts(store):
    domains = nasss(store)
    profile = services.innovation_profile(store, "signs-of-safety")
    root = ET.fromstring(profile_chart(domains, profile))
    titles = {
        r.find(f"{SVG_NS}title").text
        for r in root.iter(f"{SVG_NS}rect")
        if r.find(f"{SVG_NS}title") is not None
    }
    for domain in profile.domains:
        c = domain.counts
        assert f"{domain.label}: {c.enabler} enabler, {c.barrier} barrier, {c.mixed} mixed" in titles
    texts = [t.text for t in root.iter(f"{SVG_NS}text")]
    assert sum(t.startswith(f"{d.code}. ") for d in domains for t in texts) == len(domains)
    assert texts.count("no findings") == len(domains) - len([d for d in profile.domains if d.counts.findings])


def test_example_queries_are_a_dozen_and_run(store):
    examples = example_queries()
    assert len(examples) >= 12
    assert sum(title.startswith("CQ-") for title, _ in examples) == 6
    for _title, text in examples:
        store.select(text) if "ASK" not in text.split("{")[0] else store.ask(text)
