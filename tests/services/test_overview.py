"""carekg.services.overview: the home page's figures, counted by the engine, are those the tables of every
innovation, organisation and consensus result give (the curated data has all three)."""

from __future__ import annotations

import pytest

from carekg import services
from carekg.services.refs import innovation_rows, organisation_rows


@pytest.mark.parametrize("data", ["store", "synthetic_store"])
def test_the_counted_figures_are_the_tables_sizes(request, data):
    store = request.getfixturevalue(data)
    services.answer_cache.clear()
    figures = services.overview(store)
    assert figures.innovations == len(innovation_rows(store)) > 0
    assert figures.organisations == len(organisation_rows(store))
    assert figures.consensus_results == len(services.consensus(store).results)
    assert figures.ontology_version == services.ontology(store).version is not None
    if data == "store":
        assert figures.organisations > 0 and figures.consensus_results > 0
