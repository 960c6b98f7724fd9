"""The sources' places in the studies list (carekg.positions): what a load stores numbers each year's
sources in the list's own order (the engine's sort of api_source_summaries_of_year.rq), a page read by
place equals the page the engine sorts, and a write keeps the places as a full load has them when a
source enters a year first, moves to another year, and leaves."""

from __future__ import annotations

import contextlib
from collections import defaultdict

import pytest

from carekg.ids import STUDY
from carekg.loader import DatasetFiles, load
from carekg.services import sources
from carekg.services.rows import select_page
from carekg.store import get_store
from carekg.writes import EvidenceWriter
from tests.test_incremental import CKG, inferred

XSD = "http://www.w3.org/2001/XMLSchema#"

PLACES = (f"SELECT ?source ?year ?place WHERE {{ ?source <{CKG}listPosition> ?place ; "
          f"<{CKG}publicationYear> ?year }}")
YEARS = f"SELECT DISTINCT ?year WHERE {{ ?s <{CKG}publicationYear> ?year }}"


def stored(store) -> dict[str, list[str]]:
    """Per year, its placed sources in the order of their places (which must run 0, 1, 2 ...)."""
    places: dict[str, dict[int, str]] = defaultdict(dict)
    for row in store.select(PLACES):
        assert int(row["place"]) not in places[row["year"]], row
        places[row["year"]][int(row["place"])] = row["source"]
    for year, placed in places.items():
        assert sorted(placed) == list(range(len(placed))), year
    return {year: [placed[n] for n in range(len(placed))] for year, placed in places.items()}


def sorted_by_the_engine(store) -> dict[str, list[str]]:
    """Per year, its sources as the studies list's query sorts them."""
    filters = sources._filter_bindings(store, None, None, None, None, None, None, None)
    listed = {row["year"]: [found["source"] for found in select_page(
        store, "api_source_summaries_of_year", None, 0, **filters, year=int(row["year"]))]
        for row in store.select(YEARS)}
    return {year: found for year, found in listed.items() if found}


def pages_both_ways(store, limits=(1, 7, 50, 200), offsets=(0, 1, 3, 40, 199, 450)) -> None:
    """Every page of the unfiltered list read by place equals the page the engine sorts a year at a time."""
    filters = sources._filter_bindings(store, None, None, None, None, None, None, None)
    total = sources._count(store, filters)
    for limit in limits:
        for offset in offsets:
            by_place = sources._page_rows(store, filters, total, limit, offset)
            with pytest.MonkeyPatch.context() as patch:
                patch.setattr(sources, "_placed_years", lambda store: [])
                sorted_ = sources._page_rows(store, filters, total, limit, offset)
            assert by_place == sorted_, (limit, offset)


def test_each_years_sources_are_placed_in_the_lists_order(store):
    assert stored(store) == sorted_by_the_engine(store)
    pages_both_ways(store)


def test_each_years_sources_are_placed_in_the_lists_order_on_a_generated_graph(synthetic_store):
    placed = stored(synthetic_store)
    assert placed == sorted_by_the_engine(synthetic_store)
    assert max(map(len, placed.values())) > 7, "a page must end inside a year"
    pages_both_ways(synthetic_store, offsets=(0, 5, 17, 60))


def source(name: str, year: int, citation: str) -> str:
    iri = STUDY[name]
    return f"""<{iri}> a <{CKG}PrimaryStudy> ; <{CKG}citation> "{citation}" ;
    <{CKG}sourceType> <{CKG}EvaluationReport> ; <{CKG}designCategory> <{CKG}QualitativeStudyDesign> ;
    <{CKG}inclusionStatus> <{CKG}NotKnownIncluded> ; <{CKG}relativeToReviewSearch> <{CKG}AfterReviewSearch> ;
    <{CKG}publicationYear> {year} ; <{CKG}url> "https://example.org/{name}"^^<{XSD}anyURI> .
"""


def test_a_write_keeps_the_places_as_a_full_load_has_them(tmp_path, generated):
    """A new source whose citation sorts first in its year takes place 0 and moves the year's others on;
    amended to another year it leaves the first as it was; withdrawn, both are as before. Each time the
    inferred graph equals a full load's, and the list's first page is read by place."""
    folder = tmp_path / "submissions"
    files = lambda: DatasetFiles.discover(data=[generated], submissions_dir=folder)  # noqa: E731
    store = get_store("memory:")
    load(store, files(), reasoner=False)
    before = stored(store)
    newest, oldest = max(before), min(before)
    writer = EvidenceWriter(lambda: contextlib.nullcontext(store), folder, data=[generated], reasoner=False)

    def write(body: str) -> dict[str, list[str]]:
        writer.submit("a-source", body.encode(), "text/turtle", "tester")
        full = get_store("memory:")
        load(full, files(), reasoner=False)
        assert inferred(store) == inferred(full), body
        return stored(store)

    iri = str(STUDY["aaa-first-study"])
    made = write(source("aaa-first-study", int(newest), "Aaron A (2026). A first study."))
    assert made[newest] == [iri, *before[newest]]
    assert sources.studies_page(store, 1, 0)[0][0].iri == iri
    moved = write(source("aaa-first-study", int(oldest), "Aaron A (2026). A first study."))
    assert moved[newest] == before[newest] and moved[oldest] == [iri, *before[oldest]]
    withdrawn = write(f"<{iri}> <{CKG}setting> \"England\" .\n")
    assert withdrawn == before
