"""carekg.services.innovations: a profile lists at most findings_per_factor findings per factor, counts
them all, and links the GET /findings query that gives every one, on a generated graph whose skewed
innovations hold far more findings per factor than the cap."""

from __future__ import annotations

from collections import Counter

import pytest

from carekg import services
from carekg.ids import slug_of
from carekg.services import innovations
from carekg.services.refs import Counts

CAP = 3


def _largest_innovation(store) -> str:
    return max(services.list_innovations(store), key=lambda i: i.counts.findings).id


def _factors(profile):
    return [f for d in profile.domains for s in d.subdomains for f in s.factors]


def _query_of(url: str) -> dict[str, str]:
    path, _, query = url.partition("?")
    assert path == "/findings"
    return dict(part.split("=", 1) for part in query.split("&"))


@pytest.mark.parametrize("filters", [{}, {"direction": "barrier"}, {"domain": "5"}])
def test_the_cap_holds_and_the_counts_cover_every_finding(synthetic_store, filters):
    id = _largest_innovation(synthetic_store)
    iri, row = innovations.one_innovation_row(synthetic_store, id)
    every = [e for e in innovations.innovation_evidence(synthetic_store, iri, row["label"])
             if filters.get("direction") in (None, e.direction)]
    by_factor = Counter(e.factor.iri for e in every)
    profile = services.innovation_profile(synthetic_store, id, **filters, findings_per_factor=CAP)
    factors = _factors(profile)
    assert max(f.counts.findings for f in factors) > CAP, "the graph must exceed the cap"
    for f in factors:
        assert len(f.findings) == min(CAP, f.counts.findings)
        assert f.more == f.counts.findings - len(f.findings)
        assert f.counts == Counts.of(e for e in every if e.factor.iri == f.factor.iri)
        assert f.counts.findings == by_factor[f.factor.iri]
        assert [e.iri for e in f.findings] == sorted(e.iri for e in f.findings)
        assert all(e.factor.iri == f.factor.iri for e in f.findings)
    if not filters:
        assert profile.counts == Counts.of(every)
        uncapped = services.innovation_profile(synthetic_store, id, findings_per_factor=500)
        whole = {e.iri: e for e in every}
        for f in _factors(uncapped):
            assert f.more == 0
            assert all(whole[e.iri] == e for e in f.findings)


def test_the_findings_url_gives_every_finding_of_the_factor(synthetic_store):
    id = _largest_innovation(synthetic_store)
    profile = services.innovation_profile(synthetic_store, id, direction="enabler", findings_per_factor=CAP)
    cut = [f for f in _factors(profile) if f.more]
    assert cut
    for f in cut[:5]:
        query = _query_of(f.findings_url or "")
        assert query == {"innovation": id, "direction": "enabler", "factor": f.factor.id}
        page = services.find_findings(synthetic_store, services.FindingFilters(**query), limit=500)
        assert page.count == f.counts.findings == len(f.findings) + f.more
        listed = {e.iri for e in page.data}
        assert {e.iri for e in f.findings} <= listed
        assert {slug_of(e.factor.iri) for e in page.data} == {f.factor.id}


def test_no_findings_listed_still_counts(synthetic_store):
    id = _largest_innovation(synthetic_store)
    profile = services.innovation_profile(synthetic_store, id, findings_per_factor=0)
    assert all(not f.findings and f.more == f.counts.findings for f in _factors(profile))
    assert profile.counts == services.innovation_profile(synthetic_store, id).counts


@pytest.mark.parametrize("value", [-1, 501])
def test_findings_per_factor_out_of_range_is_refused(synthetic_store, value):
    with pytest.raises(services.InvalidArgument, match="findings_per_factor"):
        services.innovation_profile(synthetic_store, _largest_innovation(synthetic_store),
                                    findings_per_factor=value)


def test_a_light_and_a_heavy_start_list_the_same_findings(synthetic_store, monkeypatch):
    """The per-factor pages start from the innovation's findings when it has few, from the factor's
    otherwise: the same counts and, uncut, the same findings either way."""
    id = _largest_innovation(synthetic_store)

    def pages(light_below: int) -> dict:
        monkeypatch.setattr(innovations, "LIGHT_INNOVATION", light_below)
        found = innovations.factor_pages(synthetic_store, id, lambda factor_iri: True, None, None, None, None,
                                         500)
        return {factor_iri: found.listed(factor_iri) for factor_iri in found.counts}

    light, heavy = pages(10**9), pages(0)
    assert light == heavy and any(f.findings for f in light.values())


@pytest.mark.parametrize("listed", [1, 5, 500])
def test_a_heavy_innovation_lists_the_newest_sources_year_by_year(synthetic_store, monkeypatch, listed):
    """An innovation above LIGHT_INNOVATION has its newest sources read a year at a time: the same years
    (and, uncut, the same sources) as the one sorted query a light innovation takes, undated last."""
    id = _largest_innovation(synthetic_store)

    def newest(light_below: int) -> list:
        monkeypatch.setattr(innovations, "LIGHT_INNOVATION", light_below)
        services.answer_cache.clear()
        return innovations.innovation(synthetic_store, id, sources_listed=listed).sources

    light, heavy = newest(10**9), newest(0)
    assert len(heavy) == len(light) == min(listed, innovations.innovation(synthetic_store, id).counts.sources)
    assert [s.year for s in heavy] == [s.year for s in light]
    if listed == 500:
        assert heavy == light


def test_the_year_walk_ends_with_the_undated_sources(store, monkeypatch):
    """On the curated data (some sources have no year), the year-by-year walk lists what the sorted query
    lists, for every innovation."""
    def every(light_below: int) -> dict:
        monkeypatch.setattr(innovations, "LIGHT_INNOVATION", light_below)
        services.answer_cache.clear()
        return {i.id: innovations.innovation(store, i.id).sources for i in services.list_innovations(store)}

    light, heavy = every(10**9), every(-1)
    assert heavy == light and any(s.year is None for listed in heavy.values() for s in listed)


@pytest.mark.parametrize("cap", [CAP, innovations.FINDINGS_PER_FACTOR])
def test_unfiltered_the_first_findings_by_iri_are_listed(synthetic_store, cap):
    """Read from the tallies' listed findings (carekg.listed): each factor's first ``cap`` by IRI."""
    id = _largest_innovation(synthetic_store)
    iri, row = innovations.one_innovation_row(synthetic_store, id)
    every: dict[str, list[str]] = {}
    for e in innovations.innovation_evidence(synthetic_store, iri, row["label"]):
        every.setdefault(e.factor.iri, []).append(e.iri)
    factors = _factors(services.innovation_profile(synthetic_store, id, findings_per_factor=cap))
    assert any(f.more for f in factors)
    for f in factors:
        assert [e.iri for e in f.findings] == sorted(every[f.factor.iri])[:cap]


def test_findings_described_in_two_halves_are_those_described_whole(synthetic_store, monkeypatch):
    id = _largest_innovation(synthetic_store)
    iri, row = innovations.one_innovation_row(synthetic_store, id)
    listed = tuple(sorted(e.iri for e in innovations.innovation_evidence(synthetic_store, iri, row["label"])))
    assert len(listed) > 2

    def described(whole_up_to: int) -> list:
        monkeypatch.setattr(innovations, "DESCRIBED_WHOLE", whole_up_to)
        return innovations._listed_evidence(synthetic_store, iri, row["label"], listed)

    whole, halves = described(10**9), described(0)
    assert halves == whole and [e.iri for e in whole] == list(listed)
