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
from carekg.queries.example_queries import example_queries
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
fnd:a ckg:aboutInnovation inn:i ; ckg:aboutFactor fac:f ; ckg:direction ckg:Enabler ;
  ckg:reportedIn study:s1 ; ckg:provenanceKind ckg:SourceStudyClaim .
fnd:b ckg:aboutInnovation inn:i ; ckg:aboutFactor fac:f ; ckg:direction ckg:Enabler ;
  ckg:reportedIn study:s2 ; ckg:provenanceKind ckg:SourceStudyClaim .
fnd:c ckg:aboutInnovation inn:i ; ckg:aboutFactor fac:f ; ckg:direction ckg:Barrier ;
  ckg:reportedIn src:r1 ; ckg:provenanceKind ckg:SourceStudyClaim .
fnd:d ckg:aboutInnovation inn:i ; ckg:aboutFactor fac:f ; ckg:direction ckg:Mixed ;
  ckg:reportedIn src:r2 ; ckg:provenanceKind ckg:SourceStudyClaim .
fnd:e ckg:aboutInnovation inn:i ; ckg:aboutFactor fac:f ; ckg:direction ckg:Enabler ;
  ckg:reportedIn study:s1 ; ckg:provenanceKind ckg:CuratorInference .
fnd:f ckg:aboutInnovation inn:i ; ckg:aboutFactor fac:f ; ckg:direction ckg:Enabler ;
  ckg:reportedIn src:g ; ckg:provenanceKind ckg:SourceStudyClaim .
fnd:g ckg:aboutInnovation inn:i ; ckg:aboutFactor fac:f ; ckg:direction ckg:Enabler ;
  ckg:reportedIn study:s4 ; ckg:provenanceKind ckg:SourceStudyClaim .
"""


def test_independent_studies_exclude_developer_authored_and_count_a_summarised_study_once(tmp_path):
    """As consensus rule 2.0.0 counts: s1 counts (own claim; its curator inference adds nothing); s2 is
    developer-authored; r1 and r2 both report s3, which counts once; g is grey literature and s4's
    developer flag is unknown, so neither counts: 2 independent studies among 6 sources."""
    path = tmp_path / "tiny.ttl"
    path.write_text(TINY, encoding="utf-8")
    tiny = get_store("memory:")
    tiny.load_graph("https://w3id.org/carekg/graph/data", path)
    the_map = gap_map(tiny)
    (row,) = the_map.rows
    filled, empty = row.cells
    assert (filled.subdomain.code, empty.subdomain.code) == ("5A", "5B")
    assert (filled.enabler, filled.barrier, filled.mixed) == (5, 1, 1)
    assert (filled.sources, filled.independent) == (6, 2)
    assert filled.balance == "enabler" and empty.empty


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
