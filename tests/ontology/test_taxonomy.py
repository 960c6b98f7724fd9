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


# --- issue 12 §5: the taxonomy as an implementation scientist reads it ---------------------------------

FACTOR_IRI = "https://w3id.org/carekg/id/factor/"


def placement(store, factor: str) -> str:
    rows = store.select(PREFIX + f"""SELECT ?n {{ <{FACTOR_IRI}{factor}> skos:broader ?s .
        ?s a ckg:NasssSubdomain ; skos:notation ?n }}""")
    assert len(rows) == 1, rows
    return rows[0]["n"]


def test_factor_count(store):
    # 45 factors of 0.1.0, plus 7 in issue 12: funding (grouping), relationship-based practice with families,
    # complexity of families' needs, eligibility, innovation complexity/adaptability, licensing and supply
    # model, elected-member support; none retired
    assert count(store, "ImplementationFactor") == 52


@pytest.mark.parametrize(("factor", "subdomain"), [
    # re-placed in issue 12 (the IRIs stay: a factor is not its placement)
    ("involvement-of-children-families-and-carers", "4B"),
    ("cost-benefit-evidence-and-business-case", "3B"),
    ("multidisciplinary-communication-and-joint-working", "5D"),
    ("complementary-services-for-families", "6E"),
    # added in issue 12
    ("complexity-of-families-needs", "1A"),
    ("eligibility-and-case-selection", "1A"),
    ("innovation-complexity-and-adaptability", "2A"),
    ("innovation-licensing-and-supply-model", "2D"),
    ("elected-member-support", "5C"),
    ("relationship-based-practice-with-families", "4B"),
    ("funding", "5C"),
    # unchanged placements the moves must not disturb
    ("mutual-respect-in-professional-and-carer-relationships", "4C"),
    ("dedicated-national-innovation-funds-and-programmes", "6A"),
])
def test_factor_placement(store, factor, subdomain):
    assert placement(store, factor) == subdomain


def test_domains_1_and_2_now_have_factors(store):
    rows = store.select(PREFIX + """SELECT DISTINCT ?d { ?f a ckg:ImplementationFactor ; skos:broader ?s .
        ?s a ckg:NasssSubdomain ; skos:broader ?dom . ?dom skos:notation ?d }""")
    assert {r["d"] for r in rows} == {"1", "2", "3", "4", "5", "6", "7"}


NEW_FACTORS = ["funding", "relationship-based-practice-with-families", "complexity-of-families-needs",
               "eligibility-and-case-selection", "innovation-complexity-and-adaptability",
               "innovation-licensing-and-supply-model", "elected-member-support"]


@pytest.mark.parametrize("factor", NEW_FACTORS)
def test_new_factors_have_a_definition_and_a_citable_source(store, factor):
    rows = store.select(PREFIX + """PREFIX dcterms: <http://purl.org/dc/terms/>
        SELECT ?d ?s { ?f skos:definition ?d ; dcterms:source ?s }""", {"f": FACTOR_IRI + factor})
    assert len(rows) == 1 and rows[0]["d"]
    cited = ("Greenhalgh et al. 2017", "Damschroder et al. 2022", "seed finding")
    assert any(name in rows[0]["s"] for name in cited)


FUNDING_FACTORS = {"funding-availability-and-continuity", "pooled-and-cross-agency-funding",
                   "dedicated-national-innovation-funds-and-programmes", "mainstreaming-into-core-budgets"}


def test_funding_factors_sit_under_funding(store):
    rows = store.select(PREFIX + f"SELECT ?f {{ ?f skos:broader <{FACTOR_IRI}funding> }}")
    assert {r["f"].rsplit("/", 1)[1] for r in rows} == FUNDING_FACTORS


def test_funding_evidence_rolls_up(store):
    """The roll-up query of ontology/README.md: findings about fac:funding or anything narrower."""
    rolled = store.select(PREFIX + f"""SELECT (COUNT(DISTINCT ?x) AS ?n) {{
        ?x a ckg:Finding ; ckg:aboutFactor ?f . ?f skos:broader* <{FACTOR_IRI}funding> }}""")
    per_factor = store.select(PREFIX + """SELECT ?f (COUNT(DISTINCT ?x) AS ?n) {
        ?x a ckg:Finding ; ckg:aboutFactor ?f } GROUP BY ?f""")
    counts = {r["f"].rsplit("/", 1)[1]: int(r["n"]) for r in per_factor}
    assert "funding" not in counts, "findings are recorded on the narrower funding factors"
    narrower = [counts[f] for f in FUNDING_FACTORS]
    assert int(rolled[0]["n"]) == sum(narrower) > max(narrower)


def test_relationships_with_families_are_apart_from_mutual_respect(store):
    rows = store.select(PREFIX + f"""SELECT ?x {{ ?x a ckg:Finding ;
        ckg:aboutFactor <{FACTOR_IRI}relationship-based-practice-with-families> }}""")
    assert {r["x"].rsplit("/", 1)[1] for r in rows} == {"a-sos-02", "fb019"}
    rows = store.select(PREFIX + f"""SELECT ?x {{ ?x a ckg:Finding ;
        ckg:aboutFactor <{FACTOR_IRI}mutual-respect-in-professional-and-carer-relationships> }}""")
    assert {r["x"].rsplit("/", 1)[1] for r in rows} == {"f02", "fb003", "fb052", "fb098"}
