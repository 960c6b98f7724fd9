"""Strategy suggestions for barrier factors (issue 8), honestly labelled: queryable by factor, every one
says its basis and source, expert opinion only where a read source reports an endorsement (today none)."""

import csv

from carekg import paths
from carekg.ids import FACTOR
from carekg.queries import header
from carekg.services.strategies import strategies_for_factor

TABLE = list(csv.DictReader((paths.CURATION_DIR / "barrier-strategies.csv").open(encoding="utf-8")))


def test_every_barrier_factor_has_suggestions(store):
    rows = store.select("""PREFIX ckg: <https://w3id.org/carekg/def#>
        SELECT DISTINCT ?f { GRAPH <https://w3id.org/carekg/graph/data> {
          ?x a ckg:Finding ; ckg:aboutFactor ?f ; ckg:direction ?d VALUES ?d { ckg:Barrier ckg:Mixed } } }""")
    barrier_factors = {r["f"] for r in rows}
    assert len(barrier_factors) >= 25
    missing = [f for f in sorted(barrier_factors) if not strategies_for_factor(store, f)]
    assert missing == [], "add rows to curation/barrier-strategies.csv for these barrier factors"


def test_suggestions_for_a_factor_say_their_basis_and_source(store):
    items = strategies_for_factor(store, str(FACTOR["funding-availability-and-continuity"]))
    assert {i["notation"] for i in items} >= {"ERIC-01", "ERIC-34"}
    for item in items:
        assert item["basis"] == "curator-judgement"
        assert item["endorsement_percent"] is None and item["endorsement_level"] is None
        assert "curator judgement" in item["source"]
        assert "not evaluated in children's social care" in item["source"]
        assert item["evaluated_in_childrens_social_care"] is False
        assert item["via_notation"] in {"III.J.1", "II.F", "I.H"}
        assert item["cluster_label"] and item["label"] and item["caveat"]


def test_no_suggestion_claims_an_expert_endorsement_no_read_source_reports(store):
    # Waltz et al. 2019's per-barrier figures (issue 12) could not be verified against a citable source,
    # so the rows that quoted them are curator judgements with no endorsement figure
    items = strategies_for_factor(store, str(FACTOR["monitoring-evaluation-and-use-of-data"]))
    assert {i["notation"] for i in items} >= {"ERIC-05", "ERIC-26"}
    assert all(i["basis"] == "curator-judgement" and i["endorsement_percent"] is None for i in items)
    assert [r for r in TABLE if r["basis"] == "expert-opinion"] == []
    assert all(not r["endorsement_percent"] and not r["endorsement_level"] for r in TABLE)


def test_unknown_factor_gives_no_suggestions(store):
    assert strategies_for_factor(store, str(FACTOR["no-such-factor"])) == []


def test_query_is_documented_for_the_api():
    assert header("strategies_for_factor").startswith("API")


def test_the_read_side_names_each_basis_as_the_compiler_writes_it():
    """carekg.build.strategies writes a basis code as a ckg: individual; the service reads it back to the
    same code (one table each side, as the build never runs in the service)."""
    from carekg.build.strategies import BASES
    from carekg.namespaces import CKG
    from carekg.services.strategies import BASIS_CODES

    assert BASIS_CODES == {str(CKG[name]): code for code, name in BASES.items()}
