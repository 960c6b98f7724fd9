"""carekg.services.compare: two to six innovations side by side, grouped into factors shared by all, by
some and unique to one, from queries bound to each innovation (#15)."""

from __future__ import annotations

import pytest

from carekg import services
from carekg.services.evidence import all_evidence
from carekg.services.refs import innovation_rows
from carekg.services.rows import group_by

SIX = ["signs-of-safety", "mockingbird-family-model", "family-drug-and-alcohol-court", "casa", "vipp-fc",
       "sasci"]


def evidence_by_innovation(store) -> dict:
    """The reference: every finding read, grouped by innovation."""
    return group_by(all_evidence(store), lambda e: e.innovation.iri if e.innovation else None)


def test_cells_match_the_whole_table_of_findings(store):
    comparison = services.compare(store, SIX)
    whole = evidence_by_innovation(store)
    for row in comparison.rows:
        for innovation, cell in zip(comparison.innovations, row.cells, strict=True):
            expected = services.Counts.of(e for e in whole.get(innovation.iri, [])
                                          if e.factor.iri == row.factor.iri)
            assert cell.counts == expected, (row.factor.id, innovation.id)
    factors = {e.factor.iri for i in comparison.innovations for e in whole.get(i.iri, [])}
    assert {row.factor.iri for row in comparison.rows} == factors


def test_groups_partition_the_factors(store):
    comparison = services.compare(store, SIX)
    unique = [f for u in comparison.unique for f in u.factors]
    groups = [*comparison.shared_by_all, *comparison.shared_by_some, *unique]
    assert sorted(f.iri for f in groups) == sorted(row.factor.iri for row in comparison.rows)
    assert comparison.shared_by_some and unique


def test_two_innovations_have_no_some_group(store):
    comparison = services.compare(store, SIX[:2])
    assert comparison.shared_by_some == [] and {row.sharing for row in comparison.rows} <= {"all", "one"}


def test_limits(store):
    seven = [*SIX, next(iri.rsplit("/", 1)[1] for iri in innovation_rows(store)
                        if iri.rsplit("/", 1)[1] not in SIX)]
    with pytest.raises(services.InvalidArgument, match="at most 6"):
        services.compare(store, seven)
    with pytest.raises(services.InvalidArgument, match="at least two"):
        services.compare(store, [SIX[0], SIX[0]])
    with pytest.raises(services.NotFound):
        services.compare(store, [SIX[0], "no-such-innovation"])
