"""The bound queries and the counts the rules materialised give exactly what the whole-table path gave
(every finding read, then grouped): each innovation's, factor's and source's findings with their
sources, and the counts of the innovation, factor, study and taxonomy lists, on the curated data and
on a synthetic graph."""

from __future__ import annotations

import pytest

from carekg import services
from carekg.ids import slug_of
from carekg.namespaces import CKG
from carekg.services import innovations, refs, vocabulary
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


#: Every source, newest first then by citation, sorted by the engine in one query: what the studies list
#: answered before it was read a year at a time (services.sources).
ALL_SOURCES_SORTED = """PREFIX ckg: <https://w3id.org/carekg/def#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT DISTINCT ?source ?year ?citation WHERE {
  { SELECT DISTINCT ?class WHERE { ?class rdfs:subClassOf* ckg:Source } }
  ?source a ?class .
  OPTIONAL { ?source ckg:publicationYear ?year }
  OPTIONAL { ?source ckg:citation ?citation }
} ORDER BY DESC(COALESCE(?year, 0)) LCASE(COALESCE(?citation, STR(?source))) ?source"""


def _kept(source, kind=None, inclusion=None, source_type=None, design=None, year_from=None, year_to=None,
          developer_authored=None) -> bool:
    """The studies list's filters as they were applied in Python to every source (the reference)."""
    wanted_developer = {"true": True, "false": False, "unknown": None}.get(developer_authored or "")
    return (kind in (None, source.kind)
            and (inclusion is None or source.inclusion_status == (None if inclusion == "none" else inclusion))
            and source_type in (None, source.source_type) and design in (None, source.design)
            and (year_from is None or (source.year is not None and source.year >= year_from))
            and (year_to is None or (source.year is not None and source.year <= year_to))
            and (developer_authored is None or source.developer_authored is wanted_developer))


@pytest.mark.parametrize("data", ["curated", "synthetic"])
def test_the_studies_list_read_a_year_at_a_time_is_the_one_engine_sort(data, store, synthetic_store):
    """Read a publication year at a time, the list is in the order one sort of every source gives, and
    every page (across years, into the undated sources) is the slice of it at its offset."""
    chosen = store if data == "curated" else synthetic_store
    whole = services.list_studies(chosen)
    assert [s.iri for s in whole] == [row["source"] for row in chosen.select(ALL_SOURCES_SORTED)]
    assert len({s.year for s in whole}) > 3
    for limit, offset in ((5, 0), (50, 3), (7, len(whole) // 2), (40, len(whole) - 20), (5, len(whole))):
        assert services.studies_page(chosen, limit, offset) == (whole[offset:offset + limit], len(whole))


@pytest.mark.parametrize("data", ["curated", "synthetic"])
def test_the_studies_filters_in_the_engine_keep_what_the_python_filters_kept(data, store, synthetic_store):
    """Each filter value (and combinations) keeps, in the engine, the sources the Python filters kept, in
    the same order, with the same total, and pages as a slice of it."""
    chosen = store if data == "curated" else synthetic_store
    whole = services.list_studies(chosen)
    years = sorted({s.year for s in whole if s.year is not None})
    cases = [{"kind": kind} for kind in ("study", "source")]
    cases += [{"inclusion": value} for value in (*vocabulary.INCLUSION_STATUSES, "none")]
    cases += [{"source_type": value} for value in vocabulary.SOURCE_TYPES]
    cases += [{"design": value} for value in vocabulary.DESIGNS]
    cases += [{"developer_authored": value} for value in ("true", "false", "unknown")]
    middle = years[len(years) // 2]
    cases += [{"year_from": middle}, {"year_to": middle}, {"year_from": middle, "year_to": middle},
              {"year_from": years[0], "year_to": years[-1], "developer_authored": "false"},
              {"kind": "study", "inclusion": "confirmed", "design": "systematic-review"},
              {"source_type": "evaluation-report", "year_to": middle, "developer_authored": "unknown"}]
    kept_any = 0
    for filters in cases:
        expected = [s for s in whole if _kept(s, **filters)]
        assert services.list_studies(chosen, **filters) == expected, filters
        assert services.studies_page(chosen, 3, 1, **filters) == (expected[1:4], len(expected)), filters
        kept_any += bool(expected)
    assert kept_any > len(cases) // 3


@pytest.mark.parametrize("data", ["store", "synthetic_store"])
@pytest.mark.parametrize("paged, whole", [(services.innovations_page, services.list_innovations),
                                          (services.organisations_page, services.list_organisations)])
def test_a_page_of_innovations_or_organisations_is_the_slice_of_the_whole_list(request, data, paged, whole):
    """A page (the labels sorted, only the page's resources described by queries bound to them) is the
    slice of the whole list at its offset, and the count the whole list's length; the whole list is
    in the engine's order by label."""
    store = request.getfixturevalue(data)
    every = whole(store)
    assert len(every) >= 5
    assert [item.label.lower() for item in every] == sorted(item.label.lower() for item in every)
    if paged is services.innovations_page:  # the engine's ORDER BY LCASE(STR(?label)) of every innovation
        assert [item.iri for item in every] == list(refs.innovation_rows(store))
    for limit, offset in ((1, 0), (3, 2), (50, 0), (7, len(every) - 3), (5, len(every))):
        assert paged(store, limit, offset) == (every[offset:offset + limit], len(every)), (limit, offset)
