"""carekg.search.follow_write: after an accepted write the new version's index is the previous one with
only the submission's documents replaced (never a rebuild), and holds exactly what a rebuild holds:
for a new finding, an amendment (its old text gone, no duplicate), a new innovation, and an
innovation renamed by a later write (the findings another submission made about it are retitled)."""

from __future__ import annotations

import contextlib

import pytest

from carekg.loader import load
from carekg.search import SearchIndex, documents, findings_about, index_file, index_for, match_expression
from carekg.store import get_store
from carekg.writes import EvidenceWriter
from tests.submissions import submitted_finding

CKG = "https://w3id.org/carekg/def#"
ID = "https://w3id.org/carekg/id/"
FACTOR = "Shared understanding of the innovation"


def finding(id: str, paraphrase: str, innovation: str = "family-drug-and-alcohol-court") -> bytes:
    return submitted_finding(id, paraphrase, innovation).encode()


def innovation(id: str, label: str) -> bytes:
    return f"""\
@prefix ckg: <{CKG}> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<{ID}innovation/{id}> a ckg:Innovation ; rdfs:label "{label}"@en ; ckg:innovationKind ckg:ServiceModel ;
    dcterms:description "A test innovation."@en .
""".encode()


@pytest.fixture
def written(tmp_path, dataset_files):
    """An on-disk store with its index built, and a writer on it."""
    store = get_store(f"oxigraph:{tmp_path / 'store'}")
    load(store, dataset_files, reasoner=False)
    index_for(store)
    writer = EvidenceWriter(lambda: contextlib.nullcontext(store), tmp_path / "submissions", reasoner=False)
    yield store, writer
    store.close()


def _submit(store, writer, name: str, body: bytes) -> SearchIndex:
    """Write, and return the new version's index as a reader opens it, checking it was made from the
    previous version's by a delta, and holds exactly the documents a rebuild would."""
    result = writer.submit(name, body, "text/turtle", "tester")
    path = index_file(store, result.version)
    assert path is not None and path.is_file()
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no partial left, older versions gone
    index = SearchIndex.open(path)
    assert index.made() == ("delta", result.previous_version)
    assert index.documents() == SearchIndex.build(documents(store)).documents()
    return index


def _found(index: SearchIndex, words: str) -> list[tuple[str, str]]:
    return [(hit.id, hit.title) for hit in index.match(match_expression(words) or "", None, 50, 0)]


def test_a_new_finding_then_its_amendment_replace_only_their_documents(written):
    store, writer = written
    built = SearchIndex.open(index_file(store, store.dataset_version()))
    assert built.made() == ("build", None)
    size = built.size()
    index = _submit(store, writer, "delta", finding("sub-delta-1", "Magistrates xylophonically agreed."))
    assert _found(index, "xylophonically") == [
        ("sub-delta-1", f"{FACTOR} · Family Drug and Alcohol Court")]
    assert index.size() == size + 1
    index = _submit(store, writer, "delta", finding("sub-delta-1", "Magistrates glockenspielishly agreed."))
    assert _found(index, "xylophonically") == [] and [i for i, _ in _found(index, "glockenspielishly")] == [
        "sub-delta-1"]
    assert index.size() == size + 1  # replaced, not added again
    index = _submit(store, writer, "delta", finding("sub-delta-2", "Another marimbaically worded finding."))
    assert _found(index, "glockenspielishly") == [] and index.size() == size + 1  # sub-delta-1 withdrawn


def test_renaming_an_innovation_retitles_the_findings_another_write_made_about_it(written):
    store, writer = written
    _submit(store, writer, "new-innovation", innovation("kettle-club", "Kettle Club"))
    about = finding("sub-kettle-1", "Tea helped zymurgically.", "kettle-club")
    index = _submit(store, writer, "about-it", about)
    assert _found(index, "zymurgically") == [("sub-kettle-1", f"{FACTOR} · Kettle Club")]
    assert findings_about(store, frozenset([f"{ID}innovation/kettle-club"])) == {f"{ID}finding/sub-kettle-1"}
    index = _submit(store, writer, "new-innovation", innovation("kettle-club", "Teapot Circle"))
    assert _found(index, "zymurgically") == [("sub-kettle-1", f"{FACTOR} · Teapot Circle")]
    assert [i for i, _ in _found(index, "teapot")] == ["kettle-club"] and _found(index, "kettle") == []


def test_an_in_memory_store_gets_its_delta_in_memory(dataset_files, tmp_path):
    store = get_store("memory:")
    load(store, dataset_files, reasoner=False)
    before = index_for(store)
    writer = EvidenceWriter(lambda: contextlib.nullcontext(store), tmp_path / "submissions", reasoner=False)
    body = finding("sub-memory-1", "Kept ocarinally in memory.")
    result = writer.submit("memory", body, "text/turtle", "t")
    index = index_for(store)  # the write's delta, not a build
    assert index is not before and index.made() == ("delta", result.previous_version)
    assert [i for i, _ in _found(index, "ocarinally")] == ["sub-memory-1"]
    assert _found(before, "ocarinally") == []  # the previous index was copied, not changed
    assert index.documents() == SearchIndex.build(documents(store)).documents()


def test_without_an_index_of_the_previous_version_the_write_leaves_it_to_the_first_search(written, tmp_path):
    from carekg import search

    store, writer = written
    index_file(store, store.dataset_version()).unlink()  # as if nobody had searched this version yet
    search._INDEXES.pop(store)[1].close()
    result = writer.submit("unindexed", finding("sub-unindexed-1", "Never indexed."), "text/turtle", "t")
    assert not index_file(store, result.version).exists()
    assert index_for(store).made() == ("build", None)
