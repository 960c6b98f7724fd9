"""carekg.services.cfir_profile: an innovation's findings by CFIR 2.0 domain and construct, on the curated
dataset and on a small graph with a factor the crosswalk does not map (the curated factors all map)."""

from __future__ import annotations

from collections import Counter

import pytest
from rdflib.namespace import RDFS, SKOS

from carekg import services
from carekg.ids import GRAPH_INFERRED, mint
from carekg.namespaces import CKG
from carekg.rules import rule_inferred
from carekg.services import (
    InvalidArgument,
    NotFound,
    innovation_cfir_profile,
    innovation_profile,
    innovations,
)
from carekg.services.refs import Counts
from carekg.store import get_store


def _findings(profile) -> set[str]:
    mapped = {e.id for d in profile.domains for c in d.constructs for f in c.factors for e in f.findings}
    return mapped | {e.id for f in profile.not_mapped.factors for e in f.findings}


def test_same_findings_as_the_nasss_profile(store):
    nasss = innovation_profile(store, "signs-of-safety")
    cfir = innovation_cfir_profile(store, "signs-of-safety")
    assert cfir.counts == nasss.counts and cfir.factor_count == nasss.factor_count
    assert _findings(cfir) == {e.id for d in nasss.domains for s in d.subdomains for f in s.factors
                               for e in f.findings}
    assert cfir.not_mapped.factors == [], "every curated factor has a CFIR match"


def test_a_construct_counts_each_finding_once(store):
    cfir = innovation_cfir_profile(store, "signs-of-safety")
    for domain in cfir.domains:
        in_domain = {e.id for c in domain.constructs for f in c.factors for e in f.findings}
        assert domain.counts.findings == len(in_domain)
        for construct in domain.constructs:
            assert construct.counts.findings == len({e.id for f in construct.factors for e in f.findings})


def test_sub_construct_matches_sit_under_their_construct(store):
    """Workforce stability is a close match of III.A.3 (Work Infrastructure), under III.A."""
    cfir = innovation_cfir_profile(store, "signs-of-safety", domain="III.A")
    [domain] = cfir.domains
    [construct] = domain.constructs
    assert (domain.code, construct.code) == ("III", "III.A")
    assert {f.concept.code for f in construct.factors} <= {"III.A", "III.A.1", "III.A.2", "III.A.3"}


@pytest.mark.parametrize("domain", ["5", "VI", "III.Q", ""])
def test_unknown_cfir_code_is_refused_naming_the_kinds_allowed(store, domain):
    with pytest.raises(InvalidArgument, match="CFIR 2.0 domain"):
        innovation_cfir_profile(store, "signs-of-safety", domain=domain)


def test_unknown_innovation(store):
    with pytest.raises(NotFound):
        innovation_cfir_profile(store, "no-such-innovation")


def _tiny_store():
    """One innovation with two findings: one on a factor with a close CFIR match, one on a factor with
    only a NASSS placement; with the rules' results, as loaded."""
    innovation, source = mint("innovation", "tiny"), mint("source", "tiny-report")
    mapped, unmapped = mint("factor", "mapped-factor"), mint("factor", "unmapped-factor")
    domain, construct, subdomain = mint("cfir", "iii"), mint("cfir", "iii-k"), mint("nasss", "5a")
    triples = f"""
        <{innovation}> a <{CKG.Innovation}> ; <{RDFS.label}> "Tiny" .
        <{source}> a <{CKG.Source}> ; <{CKG.citation}> "Tiny report" .
        <{domain}> a <{CKG.CfirDomain}> ; <{SKOS.prefLabel}> "Inner Setting" ; <{SKOS.notation}> "III" .
        <{construct}> a <{CKG.CfirConstruct}> ; <{SKOS.prefLabel}> "Access" ; <{SKOS.notation}> "III.K" ;
            <{SKOS.broader}> <{domain}> .
        <{subdomain}> a <{CKG.NasssSubdomain}> ; <{SKOS.prefLabel}> "Staff" ; <{SKOS.notation}> "5A" .
        <{mapped}> a <{CKG.ImplementationFactor}> ; <{SKOS.prefLabel}> "Mapped" ;
            <{SKOS.broader}> <{subdomain}> ; <{SKOS.closeMatch}> <{construct}> .
        <{unmapped}> a <{CKG.ImplementationFactor}> ; <{SKOS.prefLabel}> "Unmapped" ;
            <{SKOS.broader}> <{subdomain}> .
    """
    for name, factor, direction in (("f1", mapped, CKG.Enabler), ("f2", unmapped, CKG.Barrier)):
        triples += (f"<{mint('finding', name)}> a <{CKG.Finding}> ; <{CKG.aboutInnovation}> <{innovation}> ; "
                    f"<{CKG.aboutFactor}> <{factor}> ; <{CKG.direction}> <{direction}> ; "
                    f"<{CKG.reportedIn}> <{source}> .\n")
    store = get_store("memory:")
    store.update(f"INSERT DATA {{ GRAPH <{mint('source', 'test-graph')}> {{ {triples} }} }}")
    # what a load adds: the rules' results (the profile reads the innovation's tallies)
    inferred = rule_inferred(store).serialize(format="nt")
    store.update(f"INSERT DATA {{ GRAPH <{GRAPH_INFERRED}> {{ {inferred} }} }}")
    store.set_version("tiny-1")
    return store


def test_a_factor_without_a_cfir_match_is_listed_not_dropped():
    profile = innovation_cfir_profile(_tiny_store(), "tiny")
    assert [(d.code, [c.code for c in d.constructs]) for d in profile.domains] == [("III", ["III.K"])]
    [mapping] = profile.domains[0].constructs[0].factors
    assert (mapping.factor.id, mapping.match, mapping.concept.code) == ("mapped-factor", "close", "III.K")
    assert [f.factor.id for f in profile.not_mapped.factors] == ["unmapped-factor"]
    assert profile.not_mapped.counts.barrier == 1 and profile.counts.findings == 2


def test_a_cfir_domain_filter_leaves_unmapped_factors_out():
    profile = innovation_cfir_profile(_tiny_store(), "tiny", domain="iii")
    assert profile.not_mapped.factors == [] and profile.counts.findings == 1


@pytest.mark.parametrize("filters", [{}, {"direction": "barrier"}, {"domain": "III"}])
def test_the_cap_holds_on_a_generated_graph(synthetic_store, filters):
    """The skewed innovation of a generated graph has more findings per factor than the cap: each factor
    lists at most the cap, counts them all, and ``more`` is the rest; a construct and the whole profile
    count each finding once, as the uncut findings say."""
    cap = 3
    id = max(services.list_innovations(synthetic_store), key=lambda i: i.counts.findings).id
    iri, row = innovations.one_innovation_row(synthetic_store, id)
    every = [e for e in innovations.innovation_evidence(synthetic_store, iri, row["label"])
             if filters.get("direction") in (None, e.direction)]
    by_factor = Counter(e.factor.iri for e in every)
    profile = innovation_cfir_profile(synthetic_store, id, **filters, findings_per_factor=cap)
    assert profile.findings_per_factor == cap
    mapped = [f for d in profile.domains for c in d.constructs for f in c.factors]
    factors = mapped + profile.not_mapped.factors
    assert max(f.counts.findings for f in factors) > cap, "the graph must exceed the cap"
    for f in factors:
        assert len(f.findings) == min(cap, f.counts.findings)
        assert f.more == f.counts.findings - len(f.findings) == by_factor[f.factor.iri] - len(f.findings)
        assert all(e.factor.iri == f.factor.iri for e in f.findings)
        assert f.findings_url and f"factor={f.factor.id}" in f.findings_url
    for construct in (c for d in profile.domains for c in d.constructs):
        kept = {f.factor.iri for f in construct.factors}
        assert construct.counts == Counts.of(e for e in every if e.factor.iri in kept)
    if not filters:
        assert profile.counts == Counts.of(every)
        assert profile.counts == innovation_profile(synthetic_store, id, findings_per_factor=cap).counts
