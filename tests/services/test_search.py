"""carekg.services.search on the curated dataset (the session's in-memory store): what is found, how it
is ranked and marked, the kind filter and paging, and every bad question refused with its reason."""

from __future__ import annotations

import pytest

from carekg.services import InvalidArgument
from carekg.services.search import KINDS, MAX_QUERY_LENGTH, search


def test_a_finding_is_found_by_its_paraphrase_and_its_words_are_marked(store):
    results = search(store, "liaison workers", kind="finding")
    assert results.count == len(results.data) > 0
    for result in results.data:
        assert result.kind == "finding" and result.highlights
        marked = {result.snippet[start:end].lower() for start, end in result.highlights}
        # stemmed: "workers" finds "worker" too
        assert any(word.startswith("liaison") for word in marked)
        assert any(word.startswith("worker") for word in marked)


def test_each_kind_is_searched_in_its_own_texts(store):
    expected = {
        "factor": ("running costs", "affordability-of-innovation-costs"),  # the factor's definition
        "innovation": ("FDAC", "family-drug-and-alcohol-court"),  # its abbreviation
        "organisation": ("Department for Education", "department-for-education"),
        "source": ("Sustaining FDACs austerity", "kershaw-2017-sustaining-fdacs-austerity"),  # citation
    }
    for kind, (words, id) in expected.items():
        assert id in [r.id for r in search(store, words, kind=kind).data], kind


def test_a_factor_s_label_outranks_a_mention_in_prose(store):
    results = search(store, "Shared understanding of the innovation").data
    assert (results[0].kind, results[0].id) == ("factor", "shared-understanding-of-the-innovation")
    assert [r.score for r in results] == sorted((r.score for r in results), reverse=True)


def test_counts_per_kind_add_up_and_the_kind_filter_keeps_its_count(store):
    everything = search(store, "leadership", limit=500)
    assert everything.count == sum(everything.counts.values()) == len(everything.data)
    assert list(everything.counts) == [k for k in KINDS if k in everything.counts]
    findings = search(store, "leadership", kind="finding", limit=500)
    assert findings.count == everything.counts["finding"] == len(findings.data)


def test_pages_are_slices_of_one_order(store):
    everything = search(store, "evaluation", limit=500).data
    assert len(everything) > 4
    assert search(store, "evaluation", limit=3, offset=2).data == everything[2:5]


def test_words_all_must_match_and_a_phrase_keeps_its_order(store):
    assert search(store, "liaison xylophone").count == 0
    phrase = search(store, '"understanding shared"').count
    assert phrase < search(store, "understanding shared").count


@pytest.mark.parametrize("words", ['"', "*", "-", "AND(", "OR", "NEAR(a b, 2)", "a\"b\"c", "col:word",
                                   "^start", "{x y}", "+", "\x02", "santé", "日本語", "\U0001F600"])
def test_query_syntax_is_text_never_an_error(store, words):
    results = search(store, words)
    assert results.query == words.strip() and results.count >= len(results.data)


@pytest.mark.parametrize(("words", "reason"), [
    ("", "empty"), ("  \n\t", "empty"), ("x" * (MAX_QUERY_LENGTH + 1), f"at most {MAX_QUERY_LENGTH}"),
])
def test_an_empty_or_long_query_is_refused(store, words, reason):
    with pytest.raises(InvalidArgument, match=reason):
        search(store, words)


def test_a_query_of_the_longest_length_is_taken(store):
    assert search(store, "a" * MAX_QUERY_LENGTH).count == 0


def test_an_unknown_kind_is_refused_naming_the_kinds(store):
    with pytest.raises(InvalidArgument, match="finding, factor, innovation, source, organisation"):
        search(store, "leadership", kind="study")


def test_an_ordinary_query_is_ranked_by_relevance_with_exact_counts(store):
    results = search(store, "leadership")
    assert results.ranking == "relevance" and results.count_exact and results.data[0].score is not None


def test_a_broad_query_is_listed_by_prominence_with_estimated_counts(synthetic_store, monkeypatch):
    """On a generated graph every finding says "benchmarking" (and every innovation "benchmarks"): past
    the threshold (lowered to the generated size's scale) the page is names first, then findings, no
    score, and the findings' count an estimate; a kind under the threshold is still ranked by BM25."""
    from carekg import search as index

    exact = search(synthetic_store, "benchmarking", limit=500)
    assert exact.ranking == "relevance" and exact.count_exact and exact.counts["finding"] > 400
    monkeypatch.setattr(index, "BROAD", 100)
    broad = search(synthetic_store, "benchmarking", limit=500)
    assert broad.ranking == "prominence" and not broad.count_exact
    assert broad.counts["innovation"] == exact.counts["innovation"] <= 100  # under the threshold: exact
    assert abs(broad.counts["finding"] - exact.counts["finding"]) <= exact.counts["finding"] * 0.2
    kinds = [r.kind for r in broad.data]
    assert kinds == sorted(kinds, key=("innovation", "finding").index) and kinds[0] == "innovation"
    assert {r.score for r in broad.data} == {None} and all(r.highlights for r in broad.data)
    assert search(synthetic_store, "benchmarking", limit=5, offset=3).data == broad.data[3:8]
    innovations = search(synthetic_store, "benchmarking", kind="innovation")
    assert innovations.ranking == "relevance" and innovations.data[0].score is not None
