"""The consensus rule (consensus-two-independent-studies 1.0.0, queries/consensus.rq) against the
review's own consensus claims: five enablers and two barriers in its abstract.

The rule counts independent studies only: the review's own synthesis, developer- or purveyor-authored
sources and curator inferences do not count, and sources summarising one study count once. On the
evidence carekg holds, the rule reproduces five of the review's seven claims. The two it cannot
reproduce are listed below with the reason; the data is not bent to pass.
"""

import pytest

from carekg.ids import FACTOR
from carekg.namespaces import CKG
from carekg.queries import load_query

REVIEW_CLAIMS = {
    ("training-and-support-for-professional-staff", "enabler"),
    ("mutual-respect-in-professional-and-carer-relationships", "enabler"),
    ("senior-leadership-buy-in-and-support", "enabler"),
    ("multidisciplinary-communication-and-joint-working", "enabler"),
    ("compatible-data-systems-for-joint-working", "enabler"),
    ("funding-availability-and-continuity", "barrier"),
    ("competing-priorities-and-organisational-change", "barrier"),
}

NOT_REPRODUCED = {
    ("compatible-data-systems-for-joint-working", "enabler"):
        "every finding on data systems that carekg holds is a barrier (IT not aligned with Signs of Safety, "
        "delays obtaining local-authority data for VIPP-FC), and both come from developer-authored sources; "
        "no independent source states compatible data systems as an enabler",
    ("competing-priorities-and-organisational-change", "barrier"):
        "one independent study reports it (Sebba et al. 2017, Systemic conditions); the other reports are "
        "Munro, Turnell & Murphy's own statements about Signs of Safety, which the rule does not count",
}


@pytest.fixture(scope="module")
def consensus(store):
    rows = store.select(load_query("consensus"))
    return {(r["factor"].rsplit("/", 1)[1], "enabler" if r["direction"] == str(CKG.Enabler) else "barrier"): r
            for r in rows}


@pytest.mark.parametrize("claim", sorted(REVIEW_CLAIMS), ids=lambda c: f"{c[0]}-{c[1]}")
def test_review_consensus_claim(consensus, claim):
    if claim in NOT_REPRODUCED:
        assert claim not in consensus, "now reproduced: update NOT_REPRODUCED and the issue note"
        pytest.xfail(NOT_REPRODUCED[claim])
    assert claim in consensus
    assert int(consensus[claim]["studies"]) >= 2


def test_rule_never_counts_the_review_or_developer_sources(store, consensus):
    rows = store.select("""PREFIX ckg: <https://w3id.org/carekg/def#>
        SELECT (COUNT(*) AS ?n) { ?f a ckg:ReviewSynthesisFinding ; ckg:reportedIn ?r . ?r ckg:isFoundingReview true }""")
    assert int(rows[0]["n"]) == 7
    training = consensus[("training-and-support-for-professional-staff", "enabler")]
    assert int(training["studies"]) <= int(training["findings"])


def test_consensus_results_are_materialised_with_the_rule(store, consensus):
    rows = store.select("""PREFIX ckg: <https://w3id.org/carekg/def#>
        SELECT ?factor ?n { GRAPH <https://w3id.org/carekg/graph/inferred> {
          ?c a ckg:ConsensusResult ; ckg:consensusFactor ?factor ; ckg:independentStudyCount ?n ;
             ckg:byRule <https://w3id.org/carekg/id/rule/consensus-two-independent-studies> } }""")
    assert len(rows) == len(consensus)
    assert str(FACTOR["senior-leadership-buy-in-and-support"]) in {r["factor"] for r in rows}
