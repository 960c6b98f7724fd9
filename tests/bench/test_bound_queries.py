"""The bound and aggregate queries (api_innovation*.rq) give exactly what the whole-table path gave:
every innovation's findings, with their sources, on the curated data and on a synthetic graph."""

from __future__ import annotations

import pytest

from carekg import services
from carekg.generate import generate
from carekg.ids import slug_of
from carekg.loader import DatasetFiles, load
from carekg.services import innovations, refs
from carekg.services.evidence import evidence_by_innovation
from carekg.services.rows import as_bool, select
from carekg.store.oxigraph_store import OxigraphStore


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


@pytest.fixture(scope="module")
def synthetic_store(tmp_path_factory):
    out = tmp_path_factory.mktemp("synthetic") / "10k.nt"
    generate(10_000, out, seed=7)
    memory = OxigraphStore(None)
    load(memory, DatasetFiles.discover(data=[out]), reasoner=False)
    return memory


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
