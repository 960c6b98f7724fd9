"""carekg.services.overview: the home page's figures, counted by the engine, are those the tables of every
innovation, organisation, study, other source and consensus result give (the curated data has all)."""

from __future__ import annotations

import pytest

from carekg import services
from carekg.services.refs import innovation_rows


@pytest.mark.parametrize("data", ["store", "synthetic_store"])
def test_the_counted_figures_are_the_tables_sizes(request, data):
    store = request.getfixturevalue(data)
    services.answer_cache.clear()
    figures = services.overview(store)
    assert figures.innovations == len(innovation_rows(store)) > 0
    assert figures.organisations == len(services.list_organisations(store))
    assert figures.studies == len(services.list_studies(store, kind="study")) > 0
    assert figures.sources == len(services.list_studies(store, kind="source"))
    assert figures.consensus_results == len(services.consensus(store).results)
    assert figures.ontology_version == services.ontology(store).version is not None
    if data == "store":
        assert figures.organisations > 0 and figures.consensus_results > 0


def _check_cut(every: dict, kept: list, weight, limit: int) -> set[str]:
    """``kept`` is at most ``limit`` of ``every`` (id -> summary), as it describes them, by name, none
    lighter by ``weight`` than one left out; the ids left out."""
    assert len(kept) == min(limit, len(every))
    assert [s.label.lower() for s in kept] == sorted(s.label.lower() for s in kept)
    assert all(every[summary.id] == summary for summary in kept)
    left_out = set(every) - {summary.id for summary in kept}
    assert all(weight(summary) >= weight(every[cut]) for summary in kept for cut in left_out)
    return left_out


@pytest.mark.parametrize("data", ["store", "synthetic_store"])
@pytest.mark.parametrize("limit", [3, 1000])
def test_the_home_page_lists_are_the_heaviest_of_the_full_lists(request, data, limit):
    """The home page's innovations are the ``limit`` with most findings, and its organisations the
    ``limit`` in most innovations, each as the full list describes it and by name; with a limit above
    their number, the full lists themselves."""
    store = request.getfixturevalue(data)
    services.answer_cache.clear()
    innovations_left_out = _check_cut({s.id: s for s in services.list_innovations(store)},
                                      services.most_evidenced_innovations(store, limit),
                                      lambda summary: summary.counts.findings, limit)
    organisations_left_out = _check_cut({s.id: s for s in services.list_organisations(store)},
                                        services.most_involved_organisations(store, limit),
                                        lambda summary: summary.innovation_count, limit)
    if limit > 100:
        assert not innovations_left_out and not organisations_left_out
    else:
        assert innovations_left_out and organisations_left_out
