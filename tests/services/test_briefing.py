"""carekg.services.briefing: a commissioner's page per innovation, counted as the consensus rule counts,
with nothing graded that the graph's rules did not compute (#15)."""

from __future__ import annotations

import pytest

from carekg import services
from carekg.consensus import Evidence
from carekg.ids import slug_of
from carekg.queries import load_query
from carekg.services.briefing import NO_CONSENSUS, SHOWN, _factors, _with_uncounted
from carekg.services.refs import innovation_rows
from carekg.services.rows import select
from carekg.services.strategies import strategies_for_factor

SOS = "signs-of-safety"


def _rule_counts(store, innovation_iri: str) -> dict[tuple[str, str], tuple[int, dict[str, int]]]:
    """Per (factor, direction) of the innovation's findings, the independent studies and the reasons for
    not counting, from the consensus rule's own classification (consensus_evidence.rq)."""
    findings = {row["finding"] for row in select(store, "api_innovation_findings", innovation=innovation_iri)}
    grouped: dict[tuple[str, str], list[Evidence]] = {}
    for row in store.select(load_query("consensus_evidence")):
        if row["finding"] in findings:
            evidence = Evidence.from_row(row)
            grouped.setdefault((row["factor"], services.code(row["direction"])), []).append(evidence)
    counts = {}
    for key, items in grouped.items():
        reasons: dict[str, int] = {}
        for e in items:
            if not e.counted:
                reasons[e.reason] = reasons.get(e.reason, 0) + 1
        counts[key] = (len({e.unit for e in items if e.counted}), reasons)
    return counts


def test_strength_is_counted_as_the_consensus_rule_counts_for_every_innovation(store):
    compared = 0
    for iri in innovation_rows(store):
        expected = _rule_counts(store, iri)
        # every factor asked why, as a briefing asks of the factors it shows
        every = [f for items in _factors(store, iri).values() for f in items]
        got = {(f.factor.iri, f.direction): (f.independent_studies, f.uncounted)
               for f in _with_uncounted(store, iri, every)}
        assert got == expected, slug_of(iri)
        compared += len(got)
    assert compared > 50


def test_strongest_first_and_only_the_shown_number(store):
    briefing = services.briefing(store, SOS)
    everything = _factors(store, briefing.innovation.iri)
    for shown, hidden, all_of_them in (
            (briefing.enablers, briefing.enablers_not_shown, everything["enabler"]),
            (briefing.barriers, briefing.barriers_not_shown, everything["barrier"])):
        assert len(shown) == min(SHOWN, len(all_of_them)) and hidden == len(all_of_them) - len(shown)
        keys = [(-f.independent_studies, -f.sources, -f.findings) for f in all_of_them]
        assert keys == sorted(keys)
        assert [f.factor.iri for f in shown] == [f.factor.iri for f in all_of_them[:SHOWN]]


def test_consensus_is_the_rules_result_or_plainly_none(store):
    results = {(r.factor.iri, r.direction): r for r in services.consensus(store).results
               if r.window == "all-evidence"}
    seen = {True: 0, False: 0}
    for iri in innovation_rows(store):
        for items in _factors(store, iri).values():
            for f in items:
                result = results.get((f.factor.iri, f.direction))
                seen[result is not None] += 1
                if result is None:
                    assert f.consensus is None and f.consensus_note == NO_CONSENSUS
                else:
                    assert f.consensus is not None and f.consensus.iri == result.iri
                    assert f.consensus.independent_study_count == result.independent_study_count
                    assert f.consensus.confidence == (result.confidence.level if result.confidence else None)
                    assert f.consensus_note.startswith("consensus: ")
    assert seen[True] and seen[False], "the curated data has factors with and without consensus"


def test_barriers_carry_their_curated_strategies_and_enablers_none(store):
    briefing = services.briefing(store, SOS)
    assert all(not f.strategies for f in briefing.enablers)
    for barrier in briefing.barriers:
        expected = strategies_for_factor(store, barrier.factor.iri)
        assert [(s.notation, s.basis) for s in barrier.strategies] == \
            [(s["notation"], s["basis"]) for s in expected]
        assert all(not s.evaluated_in_childrens_social_care for s in barrier.strategies)


def test_gaps_are_cq4_for_the_innovation(store):
    briefing = services.briefing(store, "family-drug-and-alcohol-court")
    expected = [row["notation"] for row in select(store, "subdomains_without_evidence",
                                                  innovation=briefing.innovation.iri)]
    assert [g.code for g in briefing.gaps] == expected
    assert briefing.evidenced_subdomains + len(expected) == 23


def test_sources_independence_keeps_unknown_unknown(store):
    seen = set()
    for iri in innovation_rows(store):
        briefing = services.briefing(store, slug_of(iri))
        assert [s.source.iri for s in briefing.sources] == \
            [s.iri for s in services.innovation(store, slug_of(iri)).sources]
        for s in briefing.sources:
            expected = {None: "unknown", True: "developer-authored", False: "independent"}
            assert s.independence == expected[s.source.developer_authored]
            developer = s.source.developer_authored
            assert s.independent is (None if developer is None else not developer)
            seen.add(s.independence)
    assert seen == {"unknown", "developer-authored", "independent"}


def test_dataset_version_and_unknown_innovation(store):
    assert services.briefing(store, SOS).dataset_version == store.dataset_version()
    with pytest.raises(services.NotFound):
        services.briefing(store, "no-such-innovation")
