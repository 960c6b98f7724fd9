"""The bound queries and the counts the rules materialised give exactly what the whole-table path gave
(every finding read, then grouped): each innovation's, factor's and source's findings with their
sources, and the counts of the innovation, factor, study and taxonomy lists, on the curated data and
on a synthetic graph."""

from __future__ import annotations

import pytest

from carekg import services
from carekg.ids import slug_of
from carekg.namespaces import CKG
from carekg.services import innovations, refs
from carekg.services.evidence import all_evidence, evidence_about
from carekg.services.rows import as_bool, group_by, select


def evidence_by_innovation(store) -> dict:
    return group_by(all_evidence(store), lambda e: e.innovation.iri if e.innovation else None)


def _same_evidence(store) -> int:
    compared = 0
    whole = evidence_by_innovation(store)
    for iri, row in refs.innovation_rows(store).items():
        bound = innovations.innovation_evidence(store, iri, row["label"])
        assert bound == whole.get(iri, []), iri
        assert innovations.one_innovation_row(store, slug_of(iri)) == (iri, row)
        compared += len(bound)
    return compared


def test_bound_profile_queries_match_the_tables_on_curated_data(store):
    assert _same_evidence(store) > 0


def test_bound_profile_queries_match_the_tables_on_synthetic_data(synthetic_store):
    assert _same_evidence(synthetic_store) > 500


def test_unknown_innovation_is_not_found(synthetic_store):
    with pytest.raises(services.NotFound):
        services.innovation_profile(synthetic_store, "syn-innovation-999999")


def _same_gaps(store) -> int:
    compared = 0
    total = sum(1 for row in refs.concept_rows(store).values() if row["level"].endswith("#NasssSubdomain"))
    for answer in services.gaps(store):
        rows = select(store, "subdomains_without_evidence", innovation=answer.innovation.iri)
        expected = [services.SubdomainGap(slug_of(r["subdomain"]), r["subdomain"], r["notation"],
                                          r["label"], as_bool(r.get("coveredByReview"))) for r in rows]
        assert answer.missing == expected, answer.innovation.id
        assert answer.evidenced_subdomains == total - len(expected)
        compared += 1
    return compared


def test_gaps_match_the_competency_query_on_curated_data(store):
    assert _same_gaps(store) > 0


def test_gaps_match_the_competency_query_on_synthetic_data(synthetic_store):
    assert _same_gaps(synthetic_store) > 0


def _same_innovation_counts(store) -> int:
    whole = evidence_by_innovation(store)
    listed = services.list_innovations(store)
    for summary in listed:
        evidence = whole.get(summary.iri, [])
        assert summary.counts == services.Counts.of(evidence), summary.id
        assert summary.factor_count == len({e.factor.iri for e in evidence}), summary.id
    return sum(summary.counts.findings for summary in listed)


def test_innovation_list_counts_match_the_tables_on_curated_data(store):
    assert _same_innovation_counts(store) > 100


def test_innovation_list_counts_match_the_tables_on_synthetic_data(synthetic_store):
    assert _same_innovation_counts(synthetic_store) > 500


def _same_factor_and_source_evidence(store) -> int:
    """Factors' and sources' findings (bound queries) and their list counts (materialised), against
    the whole table."""
    evidence = all_evidence(store)
    by_factor = group_by(evidence, lambda e: e.factor.iri)
    by_source = group_by(evidence, lambda e: e.source.iri)
    factors = services.list_factors(store)
    for summary in factors:
        found = by_factor.get(summary.iri, [])
        assert evidence_about(store, summary.iri) == found, summary.id
        assert summary.counts == services.Counts.of(found), summary.id
        assert summary.innovation_count == len({e.innovation.iri for e in found if e.innovation}), summary.id
    studies = services.list_studies(store)
    assert len(studies) == len(refs.source_rows(store))
    for source in studies:
        found = by_source.get(source.iri, [])
        assert evidence_about(store, source.iri) == found, source.id
        assert source.counts == services.Counts.of(found), source.id
    return sum(len(found) for found in by_factor.values())


def test_factor_and_source_evidence_match_the_tables_on_curated_data(store):
    assert _same_factor_and_source_evidence(store) > 100


def test_factor_and_source_evidence_match_the_tables_on_synthetic_data(synthetic_store):
    assert _same_factor_and_source_evidence(synthetic_store) > 500


def _same_taxonomy_counts(store) -> int:
    """Each concept's counts (materialised) against its factors' findings, read whole: a concept counts
    the distinct findings whose factor sits under it or under one of its descendants."""
    evidence = all_evidence(store)
    by_factor = group_by(evidence, lambda e: e.factor.iri)
    concepts = refs.concept_rows(store)
    under: dict[str, dict[str, object]] = {}
    for factor_iri, mappings in refs.factor_mappings(store).items():
        for _, concept in mappings:
            ancestor = concept
            while ancestor in concepts:
                under.setdefault(ancestor, {}).update({e.iri: e for e in by_factor.get(factor_iri, [])})
                ancestor = concepts[ancestor].get("broader")
    taxonomy = services.taxonomy(store)
    nodes = [*taxonomy.nasss, *taxonomy.cfir]
    checked = 0
    while nodes:
        node = nodes.pop()
        nodes.extend(node.children)
        assert node.counts == services.Counts.of(under.get(node.iri, {}).values()), node.id
        checked += node.counts.findings
    return checked


def test_taxonomy_counts_match_the_tables_on_curated_data(store):
    assert _same_taxonomy_counts(store) > 100


def test_taxonomy_counts_match_the_tables_on_synthetic_data(synthetic_store):
    assert _same_taxonomy_counts(synthetic_store) > 500


def test_the_studies_list_pages_in_the_engine(store):
    """A page of the studies list is the same slice of the whole list, for each kind."""
    for kind in (None, "study", "source"):
        whole = services.list_studies(store, kind)
        assert services.studies_page(store, 5, 3, kind) == (whole[3:8], len(whole))
        assert services.studies_page(store, 5, len(whole), kind) == ([], len(whole))
    assert {s.kind for s in services.list_studies(store, "source")} == {"source"}
    chosen = services.list_studies(store, design="systematic-review")
    assert services.studies_page(store, 2, 1, design="systematic-review") == (chosen[1:3], len(chosen))


def test_counts_are_materialised_per_resource(store):
    """The rules put the counts in the inferred graph: each innovation with findings has its
    ckg:findingCount, and no other innovation has one."""
    listed = {s.iri: s.counts.findings for s in services.list_innovations(store) if s.counts.findings}
    rows = select(store, "api_evidence_counts", kind=str(CKG.Innovation))
    assert {row["subject"]: int(row["findings"]) for row in rows} == listed


@pytest.mark.parametrize("data", ["curated", "synthetic"])
def test_a_gaps_page_is_the_same_slice_of_every_gap(data, store, synthetic_store):
    """GET /gaps pages in the engine: each page is the slice of the whole list at its offset."""
    chosen = store if data == "curated" else synthetic_store
    whole = services.gaps(chosen)
    for limit, offset in ((5, 0), (5, 5), (3, len(whole) - 2), (50, len(whole))):
        assert services.gaps_page(chosen, limit, offset) == (whole[offset:offset + limit], len(whole))
