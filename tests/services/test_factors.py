"""carekg.services.factors: a factor's page counts every finding per innovation, lists at most
findings_per_innovation of them for the first innovations_with_findings innovations, and links the
GET /findings query that gives every one, on a generated graph whose factors exceed both caps."""

from __future__ import annotations

import contextlib

import pytest

from carekg import services
from carekg.listed import LISTED as LISTED_ON_TALLIES
from carekg.loader import DatasetFiles, load
from carekg.queries import load_query
from carekg.services import factors
from carekg.services.consensus import factor_consensus
from carekg.services.evidence import evidence_about
from carekg.services.refs import Counts, factor_rows
from carekg.services.rows import group_by, select
from carekg.store import get_store
from carekg.store.binding import bind_in
from carekg.writes import EvidenceWriter
from tests.test_incremental import CKG, finding

CAP, LISTED = 2, 3


def _busiest_factor(store) -> str:
    return max(services.list_factors(store), key=lambda f: f.counts.findings).id


def test_the_caps_hold_and_the_counts_cover_every_finding(synthetic_store):
    id = _busiest_factor(synthetic_store)
    every = evidence_about(synthetic_store, services.factor(synthetic_store, id).iri)
    whole = group_by(every, lambda e: e.innovation.iri if e.innovation else None)
    detail = services.factor(synthetic_store, id, findings_per_innovation=CAP,
                             innovations_with_findings=LISTED)
    assert len(detail.innovations) == len(whole) > LISTED
    assert max(i.counts.findings for i in detail.innovations) > CAP, "the graph must exceed the cap"
    by_iri = {e.iri: e for e in every}
    for rank, item in enumerate(detail.innovations):
        assert item.counts == Counts.of(whole[item.innovation.iri])
        shown = min(CAP, item.counts.findings) if rank < LISTED else 0
        assert len(item.findings) == shown
        assert item.more == item.counts.findings - shown
        assert all(by_iri[e.iri] == e and e.innovation == item.innovation for e in item.findings)
        # the first by IRI: what a page lists does not hang on the order an engine finds them in
        assert [e.iri for e in item.findings] == sorted({e.iri for e in whole[item.innovation.iri]})[:shown]
    counts = [(-i.counts.findings, i.innovation.label.lower()) for i in detail.innovations]
    assert counts == sorted(counts)
    general = [e for e in every if e.innovation is None]
    assert len(detail.general_findings) == min(CAP, len(general))
    assert detail.general_more == len(general) - len(detail.general_findings)


def test_the_findings_url_gives_every_finding_of_the_innovation(synthetic_store):
    id = _busiest_factor(synthetic_store)
    detail = services.factor(synthetic_store, id, findings_per_innovation=CAP,
                             innovations_with_findings=LISTED)
    for item in detail.innovations[:LISTED + 2]:
        path, _, query = (item.findings_url or "").partition("?")
        filters = dict(part.split("=", 1) for part in query.split("&"))
        assert path == "/findings" and filters == {"innovation": item.innovation.id, "factor": id}
        page = services.find_findings(synthetic_store, services.FindingFilters(**filters), limit=500)
        assert page.count == item.counts.findings == len(item.findings) + item.more
        assert {e.iri for e in item.findings} <= {e.iri for e in page.data}


@pytest.mark.parametrize("caps", [{"findings_per_innovation": -1}, {"innovations_with_findings": 501}])
def test_caps_out_of_range_are_refused(synthetic_store, caps):
    with pytest.raises(services.InvalidArgument, match=next(iter(caps))):
        services.factor(synthetic_store, _busiest_factor(synthetic_store), **caps)


def test_a_factors_consensus_is_the_consensus_tables_share(store):
    """factor_consensus, bound to one factor, gives what the whole consensus() has on that factor, for
    every curated factor (several have results)."""
    every = services.consensus(store).results
    factors = {f.iri for f in services.list_factors(store)}
    assert sum(1 for iri in factors if factor_consensus(store, iri)) > 3
    for iri in factors:
        assert factor_consensus(store, iri) == [c for c in every if c.factor.iri == iri], iri


def test_a_write_shows_on_the_factors_page_through_its_tally(tmp_path, generated):
    """The page reads the tallies the rules keep: a finding about an innovation the factor had none on
    adds that innovation, counted, and leaves the other innovations' counts as they were."""
    folder = tmp_path / "submissions"
    store = get_store("memory:")
    load(store, DatasetFiles.discover(data=[generated], submissions_dir=folder), reasoner=False)
    id = _busiest_factor(store)
    before = services.factor(store, id)
    counted = {i.innovation.iri for i in before.innovations}
    innovation = next(i for i in services.list_innovations(store) if i.iri not in counted)
    source = store.select(f"SELECT ?s WHERE {{ ?s <{CKG}sourceType> ?type }} ORDER BY ?s LIMIT 1")[0]["s"]
    writer = EvidenceWriter(lambda: contextlib.nullcontext(store), folder, data=[generated], reasoner=False)
    writer.submit("page", finding("t-page-1", before.iri, innovation.iri, source).encode(), "text/turtle",
                  "tester")
    after = {i.innovation.iri: i.counts for i in services.factor(store, id).innovations}
    assert after.pop(innovation.iri) == Counts(1, 1, enabler=1)
    assert after == {i.innovation.iri: i.counts for i in before.innovations}


@pytest.mark.parametrize("data", ["store", "synthetic_store"])
def test_the_findings_listed_on_the_tallies_are_the_first_of_every_factor_finding(request, data):
    """What the factor page reads from the tallies (ckg:listedFinding) is, for every factor and
    innovation, the first carekg.listed.LISTED by IRI of the factor's findings about the innovation
    (api_factor_listed_findings.rq, what a store without them is read by)."""
    store = request.getfixturevalue(data)
    compared = 0
    for iri in factor_rows(store):
        innovations = sorted({row["innovation"]
                              for row in select(store, "api_factor_tallies", factor=iri)})
        if not innovations:
            continue
        every: dict[str, set[str]] = {}
        for row in store.select(bind_in(load_query("api_factor_listed_findings"), "innovation", innovations),
                                {"factor": iri}):
            every.setdefault(row["innovation"], set()).add(row["finding"])
        listed = factors._listed_on_tallies(store, iri, innovations)
        assert listed is not None and set(listed) == set(every) == set(innovations), iri
        for innovation, findings in listed.items():
            assert sorted(findings) == sorted(every[innovation])[:LISTED_ON_TALLIES], (iri, innovation)
            compared += len(findings)
    assert compared > 0


@pytest.mark.parametrize("limit", [1, 3, 7])
def test_the_pages_of_innovations_make_the_whole_order(synthetic_store, limit):
    """A factor's innovations a page at a time (innovations_limit, innovations_offset): the pages, each
    read with only the innovations it needs named, join into the whole order (most findings first,
    then by label), each page says how many are left and links the next, and an innovation lists
    findings by its rank in the whole order, not on its page."""
    id = _busiest_factor(synthetic_store)
    whole = services.factor(synthetic_store, id, findings_per_innovation=CAP,
                            innovations_with_findings=LISTED, innovations_limit=500)
    assert LISTED < len(whole.innovations) == whole.innovation_count and whole.innovations_more == 0
    assert whole.innovations_url is None
    # the order: ties broken by label, and by IRI for equal labels
    order = [(-i.counts.findings, i.innovation.label.lower(), i.innovation.iri) for i in whole.innovations]
    assert order == sorted(order) and len({findings for findings, *_ in order}) < len(order)
    joined, offset = [], 0
    while True:
        page = services.factor(synthetic_store, id, findings_per_innovation=CAP,
                               innovations_with_findings=LISTED, innovations_limit=limit,
                               innovations_offset=offset)
        assert len(page.innovations) <= limit and page.innovations_offset == offset
        assert page.innovations_more == len(whole.innovations) - offset - len(page.innovations)
        assert (page.general_findings, page.general_more) == (whole.general_findings, whole.general_more)
        joined += page.innovations
        if page.innovations_url is None:
            break
        assert page.innovations_url == (f"/factors/{id}?findings_per_innovation={CAP}&innovations_with_"
                                        f"findings={LISTED}&innovations_limit={limit}&innovations_offset="
                                        f"{offset + limit}")
        offset += limit
    assert joined == whole.innovations
    beyond = services.factor(synthetic_store, id, innovations_offset=len(whole.innovations) + 5)
    assert beyond.innovations == [] and beyond.innovations_more == 0 and beyond.innovations_url is None


def test_the_first_page_of_innovations_by_default(synthetic_store):
    """By default a page of services.INNOVATIONS_LIMIT; its next page's link names only the offset."""
    id = _busiest_factor(synthetic_store)
    whole = services.factor(synthetic_store, id, innovations_limit=500).innovations
    few = services.factor(synthetic_store, id, innovations_limit=2)
    assert few.innovations == whole[:2] and few.innovations_more == len(whole) - 2
    first = services.factor(synthetic_store, id)
    assert first.innovations == whole[:services.INNOVATIONS_LIMIT]
    assert first.innovations_limit == services.INNOVATIONS_LIMIT and first.innovations_offset == 0
    next_page = services.factor(synthetic_store, id, innovations_limit=2, innovations_offset=2)
    assert next_page.innovations == whole[2:4]
    assert few.innovations_url == f"/factors/{id}?innovations_limit=2&innovations_offset=2"


@pytest.mark.parametrize("page", [{"innovations_limit": 0}, {"innovations_limit": 501},
                                  {"innovations_offset": -1}])
def test_pages_out_of_range_are_refused(synthetic_store, page):
    with pytest.raises(services.InvalidArgument, match=next(iter(page))):
        services.factor(synthetic_store, _busiest_factor(synthetic_store), **page)
