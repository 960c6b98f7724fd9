"""GET /studies (api/routes/studies.py): every filter against the curators' table (curation/sources.csv),
combined, and each bad value a 422 naming the allowed ones."""

from __future__ import annotations

import csv

import pytest

from carekg import paths

#: the curation's codes where the API answers the vocabulary term's code instead
_SOURCE_TYPE = {"evaluation": "evaluation-report", "systematic-review": "systematic-review-report"}
_INCLUSION = {"not-known-included": "not-known", "": "none"}


def _curated() -> list[dict[str, str]]:
    with (paths.ROOT / "curation" / "sources.csv").open(encoding="utf-8") as table:
        return list(csv.DictReader(table))


def _expected(**wanted) -> set[str]:
    def keep(row: dict[str, str]) -> bool:
        year = int(row["year"]) if row["year"] else None
        checks = {
            "kind": lambda v: row["entity"] == v,
            "inclusion": lambda v: _INCLUSION.get(row["inclusion_status"], row["inclusion_status"]) == v,
            "source_type": lambda v: _SOURCE_TYPE.get(row["source_type"], row["source_type"]) == v,
            "design": lambda v: row["design_category"] == v,
            "year_from": lambda v: year is not None and year >= v,
            "year_to": lambda v: year is not None and year <= v,
            "developer_authored": lambda v: (row["developer_authored"] or "unknown") == v,
        }
        return all(checks[name](value) for name, value in wanted.items())

    return {row["id"] for row in _curated() if keep(row)}


def _ids(client, **params) -> set[str]:
    response = client.get("/studies", params={"limit": 500, **params})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["count"] == len(body["data"])
    return {s["id"] for s in body["data"]}


def test_studies_filter_by_kind(client):
    studies = client.get("/studies", params={"kind": "study", "limit": 500}).json()
    assert studies["data"] and {s["kind"] for s in studies["data"]} == {"study"}
    assert client.get("/studies", params={"kind": "rumour"}).status_code == 422


def test_each_source_says_its_inclusion_type_design_year(client):
    rows = client.get("/studies", params={"limit": 500}).json()["data"]
    assert len(rows) == len(_curated())
    review = next(s for s in rows if s["id"] == "mann-2023-rapid-review")
    assert review["inclusion_status"] is None, "the founding review has no inclusion status"
    confirmed = [s for s in rows if s["inclusion_status"] == "confirmed"]
    assert confirmed and all(s["inclusion_status_label"] == "confirmed" for s in confirmed)
    assert {"source_type", "design", "year", "developer_authored"} <= set(rows[0])


@pytest.mark.parametrize("params", [
    {"inclusion": "confirmed"}, {"inclusion": "probable"}, {"inclusion": "possible"},
    {"inclusion": "not-known"}, {"inclusion": "none"}, {"inclusion": "cited-only"},
    {"source_type": "evaluation-report"}, {"source_type": "news-or-grey-literature"},
    {"design": "mixed-methods-evaluation"}, {"design": "unknown"},
    {"year_from": 2020}, {"year_to": 2015}, {"year_from": 2016, "year_to": 2018},
    {"developer_authored": "true"}, {"developer_authored": "false"}, {"developer_authored": "unknown"},
    {"kind": "study", "inclusion": "probable", "developer_authored": "false"},
    {"source_type": "peer-reviewed-paper", "year_from": 2018},
])
def test_filters_match_the_curated_table(client, params):
    assert _ids(client, **params) == _expected(**params)


def test_only_confirmed_studies(client):
    """The review's confirmed inclusions: a strict subset of the sources, all with the status."""
    confirmed = _ids(client, inclusion="confirmed")
    assert confirmed and confirmed < _ids(client)
    detail = client.get(f"/studies/{next(iter(confirmed))}").json()
    assert detail["inclusion_status"] == "confirmed"


@pytest.mark.parametrize(("params", "allowed"), [
    ({"inclusion": "included"}, "'confirmed', 'probable', 'possible', 'cited-only', 'not-known' or 'none'"),
    ({"source_type": "blog"}, "'news-or-grey-literature'"),
    ({"design": "anecdote"}, "'mixed-methods-evaluation'"),
    ({"developer_authored": "yes"}, "'true', 'false' or 'unknown'"),
    ({"year_from": "recent"}, "integer"),
    ({"year_to": 99999}, "9999"),
    ({"year_from": 2020, "year_to": 2010}, "year_from (2020) must not be after year_to (2010)"),
    ({"kind": "rumour"}, "'study' or 'source'"),
])
def test_bad_filter_is_422_naming_the_allowed(client, params, allowed):
    response = client.get("/studies", params=params)
    assert response.status_code == 422
    assert allowed in str(response.json()["detail"])
