"""carekg.services.sources.list_studies: the filters, combined, and the values refused."""

from __future__ import annotations

import pytest

from carekg.services import InvalidArgument, list_studies


def test_filters_combine(store):
    every = list_studies(store)
    independent_studies = list_studies(store, "study", developer_authored="false")
    assert independent_studies == [s for s in every if s.kind == "study" and s.developer_authored is False]
    recent = list_studies(store, year_from=2020, year_to=2022, design="mixed-methods-evaluation")
    assert recent and all(2020 <= (s.year or 0) <= 2022 and s.design == "mixed-methods-evaluation"
                          for s in recent)


def test_inclusion_none_is_the_founding_review_and_not_known_is_the_status(store):
    assert [s.id for s in list_studies(store, inclusion="none")] == ["mann-2023-rapid-review"]
    not_known = list_studies(store, inclusion="not-known")
    assert not_known and {s.inclusion_status for s in not_known} == {"not-known"}
    assert {s.inclusion_status_label for s in not_known} == {"not known to be included"}


def test_unknown_developer_flag_is_its_own_value(store):
    unknown = list_studies(store, developer_authored="unknown")
    assert unknown and all(s.developer_authored is None for s in unknown)


@pytest.mark.parametrize(("arguments", "message"), [
    ({"inclusion": "included"}, "inclusion must be one of confirmed, probable, possible, cited-only, "
                                "not-known, none"),
    ({"source_type": "evaluation"}, "source_type must be one of evaluation-report"),
    ({"design": "anecdote"}, "design must be one of"),
    ({"developer_authored": "maybe"}, "developer_authored must be one of true, false, unknown"),
    ({"year_from": 2021, "year_to": 2020}, "must not be after"),
])
def test_bad_values_are_refused_naming_the_allowed(store, arguments, message):
    with pytest.raises(InvalidArgument, match=message):
        list_studies(store, **arguments)
