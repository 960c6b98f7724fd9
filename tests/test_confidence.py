"""The confidence rule cerqual-style-confidence 1.0.0 (carekg.confidence): each component's thresholds
and the overall level, on tallies chosen to sit either side of each threshold."""

from dataclasses import replace

import pytest

from carekg.confidence import Tally, assess
from carekg.namespaces import CKG

STRONG = Tally(direction="enabler", findings=6, counted_findings=5, studies=4, contrary=0, uk_studies=4,
               before_search_studies=4, whole_window=False)


def concerns(tally):
    return {j.component: j.concern for j in assess(tally).judgements}


def test_four_components_each_with_a_sentence():
    assessment = assess(STRONG)
    assert [j.component for j in assessment.judgements] == [
        CKG.MethodologicalLimitations, CKG.Coherence, CKG.Adequacy, CKG.Relevance]
    assert all(j.reason.endswith(".") and len(j.reason) > 30 for j in assessment.judgements)
    assert assessment.level == CKG.HighConfidence


@pytest.mark.parametrize(("counted", "concern"), [
    (3, CKG.NoOrMinorConcerns), (2, CKG.ModerateConcerns), (1, CKG.SeriousConcerns)])
def test_methodological_limitations_follow_the_share_of_counted_findings(counted, concern):
    tally = replace(STRONG, findings=6, counted_findings=counted)
    assert concerns(tally)[CKG.MethodologicalLimitations] == concern
    assert f"{counted} of 6 findings" in assess(tally).judgements[0].reason


@pytest.mark.parametrize(("contrary", "concern"), [
    (0, CKG.NoOrMinorConcerns), (3, CKG.ModerateConcerns), (4, CKG.SeriousConcerns)])
def test_coherence_follows_contrary_studies(contrary, concern):
    tally = replace(STRONG, contrary=contrary)
    assert concerns(tally)[CKG.Coherence] == concern
    assert ("as a barrier" in assess(tally).judgements[1].reason)


@pytest.mark.parametrize(("studies", "concern"), [
    (2, CKG.SeriousConcerns), (3, CKG.ModerateConcerns), (4, CKG.NoOrMinorConcerns)])
def test_adequacy_follows_independent_studies(studies, concern):
    tally = replace(STRONG, studies=studies, uk_studies=studies, before_search_studies=studies)
    assert concerns(tally)[CKG.Adequacy] == concern


def test_relevance_counts_uk_studies_and_says_when_they_were_published():
    tally = replace(STRONG, uk_studies=2, before_search_studies=1, whole_window=True)
    judgement = assess(tally).judgements[3]
    assert judgement.concern == CKG.ModerateConcerns
    assert "2 of 4 studies are set in the UK" in judgement.reason
    assert "1 of them was published before the review's search" in judgement.reason
    assert "3 after it or undated" in judgement.reason
    assert concerns(replace(STRONG, uk_studies=1))[CKG.Relevance] == CKG.SeriousConcerns


@pytest.mark.parametrize(("tally", "level"), [
    (STRONG, CKG.HighConfidence),
    (replace(STRONG, studies=3, uk_studies=3, before_search_studies=3), CKG.ModerateConfidence),
    (replace(STRONG, studies=2, uk_studies=2, before_search_studies=2), CKG.LowConfidence),
    (replace(STRONG, studies=2, uk_studies=2, before_search_studies=2, counted_findings=2),
     CKG.VeryLowConfidence),
    (replace(STRONG, studies=2, uk_studies=0, contrary=2, counted_findings=1), CKG.VeryLowConfidence),
])
def test_overall_level_drops_one_per_moderate_and_two_per_serious_concern(tally, level):
    assert assess(tally).level == level


def test_methodological_limitations_say_what_the_uncounted_findings_are():
    tally = replace(STRONG, findings=9, counted_findings=3,
                    uncounted=(("grey literature, news or official statements", 4), ("summary pages", 2)))
    reason = assess(tally).judgements[0].reason
    assert reason.startswith("3 of 9 findings")
    assert "4 from grey literature, news or official statements; 2 from summary pages." in reason
