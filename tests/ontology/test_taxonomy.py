"""The framework taxonomies hold their canonical counts (issue 2: tests lock these counts)."""

import pytest

PREFIX = "PREFIX ckg: <https://w3id.org/carekg/def#>\nPREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"


def count(store, cls: str) -> int:
    rows = store.select(PREFIX + f"SELECT (COUNT(DISTINCT ?c) AS ?n) {{ ?c a ckg:{cls} }}")
    return int(rows[0]["n"])


@pytest.mark.parametrize(
    ("cls", "expected"),
    [("NasssDomain", 7), ("NasssSubdomain", 23), ("CfirDomain", 5), ("CfirConstruct", 48), ("CfirSubconstruct", 19)],
)
def test_framework_counts(store, cls, expected):
    assert count(store, cls) == expected


def test_nasss_subdomains_per_domain(store):
    rows = store.select(PREFIX + """
        SELECT ?d (COUNT(?s) AS ?n) { ?s a ckg:NasssSubdomain ; skos:broader ?dom . ?dom skos:notation ?d }
        GROUP BY ?d""")
    assert {r["d"]: int(r["n"]) for r in rows} == {"1": 2, "2": 4, "3": 2, "4": 3, "5": 5, "6": 5, "7": 2}


def test_review_coverage_marks_exactly_the_abstracts_subdomains(store):
    rows = store.select(PREFIX + "SELECT ?n { ?s a ckg:NasssSubdomain ; skos:notation ?n ; ckg:coveredByReview true }")
    assert {r["n"] for r in rows} == {"4A", "4C", "5A", "5B", "5C", "5D", "5E", "6A", "6B", "6C", "6D"}


def test_every_factor_sits_under_exactly_one_nasss_subdomain(store):
    rows = store.select(PREFIX + """
        SELECT ?f (COUNT(?s) AS ?n) { ?f a ckg:ImplementationFactor .
          OPTIONAL { ?f skos:broader ?s . ?s a ckg:NasssSubdomain } } GROUP BY ?f""")
    assert rows, "no factors loaded"
    assert all(r["n"] == "1" for r in rows), [r for r in rows if r["n"] != "1"]


def test_every_factor_has_a_cfir_crosswalk(store):
    rows = store.select(PREFIX + """
        SELECT ?f { ?f a ckg:ImplementationFactor
          FILTER NOT EXISTS { ?f skos:closeMatch|skos:relatedMatch ?c . ?c skos:inScheme <https://w3id.org/carekg/id/scheme/cfir> } }""")
    assert rows == []


def test_review_consensus_factors_are_canonical(store):
    expected = {
        "training-and-support-for-professional-staff",
        "mutual-respect-in-professional-and-carer-relationships",
        "senior-leadership-buy-in-and-support",
        "multidisciplinary-communication-and-joint-working",
        "compatible-data-systems-for-joint-working",
        "funding-availability-and-continuity",
        "competing-priorities-and-organisational-change",
    }
    rows = store.select(PREFIX + "SELECT ?f { ?x a ckg:ReviewSynthesisFinding ; ckg:aboutFactor ?f }")
    assert {r["f"].rsplit("/", 1)[1] for r in rows} == expected
