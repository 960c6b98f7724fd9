"""carekg.services.findings: the filters, run in SPARQL on the store, give what the whole-table reading of
every finding (services.evidence.all_evidence) and the consensus rule's own evidence query give."""

from __future__ import annotations

import itertools

import pytest

from carekg.queries import load_query
from carekg.services import FindingFilters, InvalidArgument, find_findings, findings
from carekg.services.evidence import all_evidence
from carekg.services.refs import placement_of, source_rows

FDAC = "family-drug-and-alcohol-court"


def _ids(store, **filters) -> list[str]:
    page = find_findings(store, FindingFilters(**filters), limit=10_000)
    assert page.count == len(page.data)
    return [f.id for f in page.data]


def _reference(store, keep) -> list[str]:
    return sorted((e.id for e in all_evidence(store) if keep(e)), key=lambda id: id)


def _by_iri(store) -> dict:
    return {e.iri: e for e in all_evidence(store)}


def _source(store, e) -> dict:
    return source_rows(store).get(e.source.iri, {})


def test_no_filter_is_every_finding_in_iri_order(store):
    assert _ids(store) == [e.id for e in sorted(all_evidence(store), key=lambda e: e.iri)]


PREDICATES = {
    "innovation": (FDAC, lambda s, e: e.innovation is not None and e.innovation.id == FDAC),
    "direction": ("mixed", lambda s, e: e.direction == "mixed"),
    "provenance": ("review-abstract", lambda s, e: e.provenance == "review-abstract"),
    "source_type": ("peer-reviewed-paper",
                    lambda s, e: _source(s, e).get("sourceType", "").endswith("#PeerReviewedPaper")),
    "design": ("mixed-methods-evaluation", lambda s, e: e.source.design == "mixed-methods-evaluation"),
    "year_from": (2018, lambda s, e: (e.source.year or 0) >= 2018),
    "year_to": (2019, lambda s, e: e.source.year is not None and e.source.year <= 2019),
    "nasss": ("3", lambda s, e: placement_of(s, e.factor.iri)[1].code == "3"),
    "review_window": ("after", lambda s, e: _source(s, e).get("relativeToReviewSearch", "")
                      .endswith("#AfterReviewSearch")),
}


@pytest.mark.parametrize("name", sorted(PREDICATES))
def test_each_filter_matches_the_whole_table_reading(store, name):
    value, keep = PREDICATES[name]
    expected = _reference(store, lambda e: keep(store, e))
    assert expected, f"the curated data has no finding for {name}={value}"
    assert _ids(store, **{name: value}) == expected


@pytest.mark.parametrize(("first", "second"), list(itertools.combinations(sorted(PREDICATES), 2)))
def test_two_filters_together_match_both(store, first, second):
    (a, keep_a), (b, keep_b) = PREDICATES[first], PREDICATES[second]
    expected = _reference(store, lambda e: keep_a(store, e) and keep_b(store, e))
    assert _ids(store, **{first: a, second: b}) == expected


def test_independent_with_a_direction_the_rule_counts_is_what_it_counts(store):
    rule = store.select(load_query("consensus_evidence"))
    by_iri = _by_iri(store)
    for direction in ("enabler", "barrier"):
        counted = {by_iri[row["finding"]].id for row in rule
                   if row["counted"] in {"true", "1"} and row["direction"].endswith(direction.title())}
        assert counted and set(_ids(store, independent=True, direction=direction)) == counted
    independent = set(_ids(store, independent=True))
    assert set(_ids(store, independent=False)) == {e.id for e in all_evidence(store)} - independent
    # An empty developer flag is not independent.
    unknown = {e.id for e in all_evidence(store) if e.source.developer_authored is None}
    assert unknown and not unknown & independent


def test_a_mixed_finding_from_an_independent_study_is_independent_though_the_rule_counts_none(store):
    """The filter is the rule's notion of an independent study, without the rule's direction: a mixed
    finding that would count but for its direction passes (docs/api.md says so)."""
    judged_sources = {row["source"] for row in store.select(load_query("consensus_evidence"))
                      if row["counted"] in {"true", "1"}}
    mixed = {e.id: e for e in find_findings(store, FindingFilters(direction="mixed", independent=True),
                                            limit=10_000).data}
    assert mixed, "the curated data has a mixed finding from an independent study"
    assert all(f.independent and f.provenance == "source-study" and f.source.developer_authored is False
               for f in mixed.values())
    assert {f.source.iri for f in mixed.values()} & judged_sources
    others = set(_ids(store, direction="mixed", independent=False))
    assert others and not others & set(mixed)
    assert set(mixed) | others == set(_ids(store, direction="mixed"))


def test_the_undetermined_window_takes_sources_without_a_date_relation(store):
    before, after = set(_ids(store, review_window="before")), set(_ids(store, review_window="after"))
    undetermined = set(_ids(store, review_window="undetermined"))
    assert before and after and undetermined
    assert before | after | undetermined == {e.id for e in all_evidence(store)}
    assert not (before & after or before & undetermined or after & undetermined)


def test_a_factor_filter_with_nasss_and_cfir_that_do_not_meet_is_empty(store):
    assert _ids(store, factor="funding", nasss="1") == []
    assert _ids(store, factor="funding", cfir="III.J") != []


def test_every_row_carries_its_labels_and_source(store):
    whole = _by_iri(store)
    for listed in find_findings(store, FindingFilters(innovation=FDAC), limit=500).data:
        e = whole[listed.iri]
        assert (listed.factor, listed.innovation, listed.direction, listed.paraphrase) == \
               (e.factor, e.innovation, e.direction, e.paraphrase)
        assert (listed.source.citation, listed.source.year, listed.source.design) == \
               (e.source.citation, e.source.year, e.source.design)


def test_a_sort_over_too_many_findings_is_refused_and_the_default_is_the_store_order(store, monkeypatch):
    monkeypatch.setattr(findings, "SORT_LIMIT", 10)
    page = find_findings(store, FindingFilters(), limit=5)
    assert page.sort == "stored" and len(page.data) == 5 and page.count > 10
    with pytest.raises(InvalidArgument, match="narrow|add filters"):
        find_findings(store, FindingFilters(), sort="year")
    assert find_findings(store, FindingFilters(innovation="mockingbird-family-model", direction="barrier"),
                         sort="-year").sort == "-year"


@pytest.mark.parametrize(("filters", "message"), [
    (FindingFilters(innovation="nobody"), "/innovations"),
    (FindingFilters(innovation="Not A Slug!"), "/innovations"),
    (FindingFilters(factor="nothing"), "/factors"),
    (FindingFilters(nasss="8"), "5B"),
    (FindingFilters(cfir="VI"), "III.J.1"),
    (FindingFilters(source_type="blog"), "evaluation-report"),
    (FindingFilters(review_window="later"), "undetermined"),
])
def test_bad_values_name_the_allowed_ones(store, filters, message):
    with pytest.raises(InvalidArgument, match=message.replace(".", r"\.")):
        find_findings(store, filters)


@pytest.fixture(scope="module")
def synthetic_store(tmp_path_factory):
    """A generated graph (10k triples): findings skewed across innovations, sources without years or flags."""
    from carekg.generate import generate
    from carekg.loader import DatasetFiles, load
    from carekg.store.oxigraph_store import OxigraphStore

    out = tmp_path_factory.mktemp("synthetic") / "10k.nt"
    generate(10_000, out, seed=11)
    memory = OxigraphStore(None)
    load(memory, DatasetFiles.discover(data=[out]), reasoner=False)
    return memory


@pytest.mark.parametrize("name", ["direction", "year_from", "nasss", "design", "review_window"])
def test_filters_match_the_whole_table_reading_on_a_generated_graph(synthetic_store, name):
    value, keep = PREDICATES[name]
    if name == "review_window":  # every generated source is before the review's search
        value, keep = "before", lambda s, e: _source(s, e).get("relativeToReviewSearch", "") \
            .endswith("#BeforeReviewSearch")
    expected = _reference(synthetic_store, lambda e: keep(synthetic_store, e))
    assert len(expected) > 20
    assert sorted(_ids(synthetic_store, **{name: value})) == expected


def test_pages_in_the_store_order_cover_every_finding_once_on_a_generated_graph(synthetic_store, monkeypatch):
    monkeypatch.setattr(findings, "SORT_LIMIT", 100)
    everything = {e.id for e in all_evidence(synthetic_store)}
    seen: list[str] = []
    for offset in range(0, len(everything), 200):
        page = find_findings(synthetic_store, FindingFilters(), limit=200, offset=offset)
        assert page.sort == "stored" and page.count == len(everything)
        seen += [f.id for f in page.data]
    assert len(seen) == len(set(seen)) and set(seen) == everything


def test_an_innovations_count_from_its_tallies_is_how_many_findings_match(store):
    """Filtered by innovation (and direction, NASSS domain), the count is read from the innovation's
    tallies, not counted: it equals the findings the page lists, for every curated innovation."""
    from carekg.ids import slug_of
    from carekg.services.findings import _tags_and_bindings, _tallied_count
    from carekg.services.refs import innovation_rows

    checked = 0
    for iri in innovation_rows(store):
        for direction, nasss in itertools.product((None, "enabler", "barrier", "mixed"), (None, "5")):
            filters = {name: value for name, value in (("innovation", slug_of(iri)), ("direction", direction),
                                                        ("nasss", nasss)) if value}
            assert _tallied_count(store, *_tags_and_bindings(store, FindingFilters(**filters))) is not None
            checked += len(_ids(store, **filters))
    assert checked > 100
