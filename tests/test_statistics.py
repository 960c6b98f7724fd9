"""The statistics a load records (carekg.statistics: resources per class, sources per kind, innovations
per organisation) stay exact on writes: after writes that add a study with a finding, an organisation
and an innovation with an involvement (a blank node), and amendments that take them back, the recorded
figures equal a count from scratch on the written store and a full load's (the whole meta graph too), on
the curated data and on a generated graph. VoID, the home page's counts and its organisations in most
innovations read them."""

from __future__ import annotations

import contextlib

import pytest

from carekg import statistics
from carekg.ids import (
    FINDING,
    GRAPH_META,
    INNOVATION,
    ORGANISATION,
    STUDY,
    independent_findings_count,
    organisation_innovations_count,
    source_kind_count,
)
from carekg.loader import DatasetFiles, load
from carekg.namespaces import CKG
from carekg.services.findings import FindingFilters, find_findings
from carekg.services.organisations import most_involved_organisations
from carekg.services.overview import overview
from carekg.services.rows import select
from carekg.services.sources import source_counts
from carekg.services.void import void_description
from carekg.store import get_store
from carekg.writes import EvidenceWriter

PREFIXES = f"@prefix ckg: <{CKG}> .\n@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n" \
           "@prefix dcterms: <http://purl.org/dc/terms/> .\n"
NEW_STUDY, NEW_INNOVATION = STUDY["t-stats-2026"], INNOVATION["t-stats"]
NEW_ORGANISATION = ORGANISATION["t-stats"]


def study(kind: str) -> str:
    return f"""<{NEW_STUDY}> a ckg:{kind} ; ckg:citation "A test study citation." ;
    ckg:sourceType ckg:EvaluationReport ; ckg:designCategory ckg:UnknownDesign ;
    ckg:relativeToReviewSearch ckg:AfterReviewSearch ; ckg:inclusionStatus ckg:NotKnownIncluded ;
    ckg:developerAuthored false .
"""


def finding(factor: str, innovation: str) -> str:
    return f"""<{FINDING["t-stats-1"]}> a ckg:Finding ; ckg:aboutFactor <{factor}> ;
    ckg:aboutInnovation <{innovation}> ; ckg:direction ckg:Enabler ; ckg:paraphrase "A test finding."@en ;
    ckg:provenanceKind ckg:SourceStudyClaim ; ckg:reportedIn <{NEW_STUDY}> .
"""


ORGANISATION_BODY = f"""<{NEW_ORGANISATION}> a ckg:Organisation ; rdfs:label "A test organisation"@en ;
    ckg:organisationType ckg:University .
"""
INNOVATION_BODY = f"""<{NEW_INNOVATION}> a ckg:Innovation ; rdfs:label "A test innovation"@en ;
    ckg:innovationKind ckg:ServiceModel ; dcterms:description "A test innovation."@en ;
    ckg:involvement [ a ckg:Involvement ; ckg:organisation <{NEW_ORGANISATION}> ; ckg:role ckg:DeveloperRole ;
                      ckg:basis "A test basis."@en ; ckg:claimKind ckg:CuratorInferenceClaim ] .
"""


def meta_graph(store) -> set[bytes]:
    return set(b"".join(store.graph_ntriples(str(GRAPH_META))).splitlines())


def _independent_counts_agree(store) -> None:
    for direction in (None, "enabler", "barrier", "mixed"):
        filters = FindingFilters(independent=True, direction=direction)
        recorded = find_findings(store, filters, limit=500)
        assert statistics.recorded_independent_findings(
            store, None if direction is None else f"{CKG}{direction.capitalize()}") == recorded.count
        counted = store.select(
            "SELECT (COUNT(?f) AS ?n) WHERE { ?f <" + f"{CKG}fromIndependentStudy> true ; "
            + ("" if direction is None else f"<{CKG}direction> <{CKG}{direction.capitalize()}> ; ")
            + f"a <{CKG}Finding> }}")
        assert recorded.count == int(counted[0]["n"]), direction
        assert len(recorded.data) == min(recorded.count, 500)


def _writes_keep_the_statistics(store, files_of, writer, reasoner: bool) -> None:
    factor, innovation = (store.select(f"SELECT ?x WHERE {{ ?x a <{CKG}{kind}> }} ORDER BY ?x LIMIT 1")
                          [0]["x"] for kind in ("ImplementationFactor", "Innovation"))
    loaded = store.recorded_entities()
    assert loaded == statistics.counted(store)
    submissions = [
        ("stats-study", study("PrimaryStudy") + finding(factor, innovation)),
        ("stats-organisation", ORGANISATION_BODY + INNOVATION_BODY),
        ("stats-study", study("SecondaryStudy")),  # amended: the finding goes, the study changes class
        ("stats-organisation", ORGANISATION_BODY),  # amended: the innovation and its involvement go
    ]
    seen = []
    for name, body in submissions:
        writer.submit(name, (PREFIXES + body).encode(), "text/turtle", "tester")
        full = get_store("memory:")
        load(full, files_of(), reasoner=reasoner)
        recorded = store.recorded_entities()
        assert recorded == statistics.counted(store) == full.recorded_entities(), name
        # the whole meta graph as a load writes it (a write rewrites only the counts that change)
        assert meta_graph(store) == meta_graph(full), name
        # GET /findings?independent=true (with a direction or not) counts from the recorded figures what
        # the engine counts
        _independent_counts_agree(store)
        # /version's innovations and organisations, read from the recorded classes: the labelled ones
        counted = overview(store)
        assert (counted.innovations, counted.organisations) == tuple(
            int(select(store, query)[0]["count"])
            for query in ("api_innovation_count", "api_organisation_count"))
        seen.append(recorded)
    classes = f"{CKG}Finding", f"{CKG}Innovation", f"{CKG}Organisation", f"{CKG}Involvement"
    finding_, innovation_, organisation_, involvement_ = (loaded.get(c, 0) for c in classes)
    study_key = str(source_kind_count("study"))
    assert seen[0][study_key] == loaded[study_key] + 1 and seen[0][f"{CKG}Finding"] == finding_ + 1
    assert (seen[1][f"{CKG}Innovation"], seen[1][f"{CKG}Organisation"], seen[1][f"{CKG}Involvement"]) == (
        innovation_ + 1, organisation_ + 1, involvement_ + 1)
    assert seen[2][f"{CKG}Finding"] == finding_ and seen[2][study_key] == loaded[study_key] + 1
    # the finding is an independent study's (a primary study's own statement, not developer-authored)
    independent = [str(independent_findings_count(d)) for d in (None, str(CKG.Enabler), str(CKG.Barrier))]
    assert [seen[0][key] for key in independent] == [loaded[independent[0]] + 1, loaded[independent[1]] + 1,
                                                     loaded[independent[2]]]
    assert [seen[2][key] for key in independent] == [loaded[key] for key in independent]
    assert (seen[3][f"{CKG}Innovation"], seen[3][f"{CKG}Involvement"]) == (innovation_, involvement_)
    involved = str(organisation_innovations_count(str(NEW_ORGANISATION)))
    assert involved not in loaded and seen[1][involved] == 1 and involved not in seen[3]
    assert statistics.innovations_per_organisation(seen[1])[str(NEW_ORGANISATION)] == 1


def test_writes_keep_the_statistics_on_the_curated_data(tmp_path):
    folder = tmp_path / "submissions"
    files = lambda: DatasetFiles.discover(submissions_dir=folder)  # noqa: E731
    store = get_store("memory:")
    load(store, files(), reasoner=True)  # HermiT: cached
    writer = EvidenceWriter(lambda: contextlib.nullcontext(store), folder, reasoner=True)
    _writes_keep_the_statistics(store, files, writer, True)


def test_writes_keep_the_statistics_on_a_generated_graph(tmp_path, generated):
    folder = tmp_path / "submissions"
    files = lambda: DatasetFiles.discover(data=[generated], submissions_dir=folder)  # noqa: E731
    store = get_store("memory:")
    load(store, files(), reasoner=False)
    writer = EvidenceWriter(lambda: contextlib.nullcontext(store), folder, data=[generated], reasoner=False)
    _writes_keep_the_statistics(store, files, writer, False)


def test_void_and_source_counts_are_the_same_from_the_recorded_figures_and_without_them(store, dataset_files):
    """A store without the statistics (loaded by an older carekg) counts them per request: the same
    answers as from the recorded figures, which a load records."""
    bare = get_store("memory:")
    load(bare, dataset_files)
    bare.set_version(bare.dataset_version() or "", bare.recorded_triple_counts())  # no statistics
    assert store.recorded_entities() and not bare.recorded_entities()
    for media_type in ("text/turtle", "application/ld+json"):
        assert (void_description(store, "https://example.org/d", "https://example.org/sparql", media_type)
                == void_description(bare, "https://example.org/d", "https://example.org/sparql", media_type))
    assert source_counts(store) == source_counts(bare) == {"study": 13, "source": 91, "other": 0}
    assert overview(store) == overview(bare)
    assert statistics.recorded_counts(bare, [f"{CKG}Innovation"]) is None


def test_the_recorded_figures_are_read_by_iri(store):
    """Only the figures asked for are read (a page needs a few of ~6,000 at 10M); an IRI with none
    recorded is left out, and a class of no resource counts zero."""
    recorded = store.recorded_entities()
    wanted = [f"{CKG}Innovation", str(source_kind_count("other")), f"{CKG}NoSuchClass"]
    assert store.recorded_entities(of=wanted) == {iri: recorded[iri] for iri in wanted[:2]}
    assert statistics.recorded_counts(store, [f"{CKG}Innovation", f"{CKG}NoSuchClass"]) == {
        f"{CKG}Innovation": recorded[f"{CKG}Innovation"], f"{CKG}NoSuchClass": 0,
        "study": 13, "source": 91, "other": 0}


@pytest.mark.parametrize("limit", [1, 5, 91, 100])
def test_the_organisations_in_most_innovations_are_the_same_from_the_recorded_figures_and_without_them(
        store, dataset_files, limit):
    """Picked from the recorded innovations per organisation, or counted by the engine over every
    involvement (a store an older carekg loaded): the same organisations, counts and roles, also past
    those involved in any innovation (the curated data has 96 organisations, 91 of them involved)."""
    bare = get_store("memory:")
    load(bare, dataset_files)
    bare.set_version(bare.dataset_version() or "", bare.recorded_triple_counts())  # no statistics
    assert len(statistics.innovations_per_organisation(store.recorded_entities())) == 91
    picked = most_involved_organisations(store, limit)
    assert picked == most_involved_organisations(bare, limit)
    assert len(picked) == min(limit, 96) and any(o.innovation_count > 1 for o in picked)


def test_a_write_on_a_store_recorded_without_the_organisations_counts_them_all(tmp_path):
    """A store an older carekg loaded records classes and kinds but no organisation's innovations: a
    write then counts every organisation's, not only those it reaches (a partial record would list the
    wrong organisations on the home page)."""
    folder = tmp_path / "submissions"
    store = get_store("memory:")
    load(store, DatasetFiles.discover(submissions_dir=folder), reasoner=False)
    older = {iri: n for iri, n in store.recorded_entities().items()
             if not statistics.innovations_per_organisation({iri: n})}
    store.set_version(store.dataset_version() or "", store.recorded_triple_counts(), older)
    writer = EvidenceWriter(lambda: contextlib.nullcontext(store), folder, reasoner=False)
    writer.submit("stats-organisation", (PREFIXES + ORGANISATION_BODY + INNOVATION_BODY).encode(),
                  "text/turtle", "tester")
    recorded = statistics.innovations_per_organisation(store.recorded_entities())
    assert len(recorded) == 92
    assert recorded == statistics.innovations_per_organisation(statistics.counted(store))
