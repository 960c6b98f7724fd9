"""Loading at scale: N-Triples split across parallel loaders gives the same graph as one loader, and the
rules computed from the files' projection equal the rules run on the loaded store (issue 4)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pyoxigraph as ox
import pytest

from carekg.generate import generate
from carekg.ids import GRAPH_DATA
from carekg.loader import DatasetFiles, load
from carekg.rules import rule_inferred, rule_inferred_from_files, rule_predicates
from carekg.store import oxigraph_store
from carekg.store.oxigraph_store import OxigraphStore


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    path = tmp_path_factory.mktemp("synthetic") / "5k.nt"
    generate(5000, path, seed=3)
    return path


def _quads(store: OxigraphStore) -> set[str]:
    with tempfile.TemporaryDirectory() as folder:
        dump = Path(folder) / "dump.nq"
        store.dump(dump)
        return set(dump.read_text(encoding="utf-8").splitlines())


def _split_and_single(source, tmp_path, monkeypatch):
    graphs = {str(GRAPH_DATA): [source]}
    one = OxigraphStore(tmp_path / "one")
    one.replace_dataset(graphs)
    monkeypatch.setattr(oxigraph_store, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(oxigraph_store, "LOAD_THREADS", 7)
    seen: list[tuple[int, int]] = []
    split = OxigraphStore(tmp_path / "split")
    split.replace_dataset(graphs, lambda done, total: seen.append((done, total)))
    return one, split, seen


def test_split_loading_gives_the_same_graph_as_one_loader(synthetic, tmp_path, monkeypatch):
    one, split, seen = _split_and_single(synthetic, tmp_path, monkeypatch)
    assert split.triple_count() == one.triple_count() > 4000
    assert _quads(split) == _quads(one)
    size = synthetic.stat().st_size
    assert seen[-1] == (size, size)
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)


def test_a_file_with_blank_nodes_loads_unsplit_so_labels_stay_one_node(synthetic, tmp_path, monkeypatch):
    # each loader renames blank nodes: statements about _:shared placed across every split point
    lines = synthetic.read_bytes().splitlines(keepends=True)
    shared = [f'_:shared <https://example.org/p> "{i}" .\n'.encode() for i in range(len(lines) // 50)]
    mixed = tmp_path / "mixed.nt"
    interleaved = b"".join(line for pair in zip(lines[::50], shared, strict=False) for line in pair)
    mixed.write_bytes(interleaved + b"".join(lines))
    one, split, _ = _split_and_single(mixed, tmp_path, monkeypatch)
    assert split.triple_count() == one.triple_count()
    shared_nodes = split.select("SELECT (COUNT(DISTINCT ?b) AS ?n) WHERE { ?b <https://example.org/p> ?o }")
    assert shared_nodes == [{"n": "1"}]


def test_a_syntax_error_in_one_part_fails_the_load(tmp_path, monkeypatch, synthetic):
    broken = tmp_path / "broken.nt"
    broken.write_bytes(synthetic.read_bytes() + b"<https://example.org/s> <https://example.org/p> oops .\n")
    monkeypatch.setattr(oxigraph_store, "PARALLEL_MIN_BYTES", 0)
    store = OxigraphStore(tmp_path / "store")
    with pytest.raises(SyntaxError):
        store.replace_dataset({str(GRAPH_DATA): [broken]})
    assert store.dataset_version() is None


@pytest.mark.parametrize("which", ["curated", "synthetic"])
def test_rules_from_the_files_equal_rules_on_the_loaded_store(which, synthetic):
    files = DatasetFiles.discover([synthetic] if which == "synthetic" else None,
                                  submissions_dir=synthetic.parent)
    store = OxigraphStore(None)
    load(store, files, reasoner=False)
    from_store, from_files = rule_inferred(store), rule_inferred_from_files(files.paths)
    assert len(from_files) > 10
    assert set(from_files) == set(from_store)


def test_the_projection_keeps_only_what_the_rules_can_match(synthetic):
    files = DatasetFiles.discover([synthetic], submissions_dir=synthetic.parent)
    total = sum(1 for _ in ox.parse(path=str(synthetic), format=ox.RdfFormat.N_TRIPLES))
    kept = sum(1 for quad in ox.parse(path=str(synthetic), format=ox.RdfFormat.N_TRIPLES)
               if quad.predicate.value in rule_predicates())
    assert 0 < kept < total * 0.8
    assert "https://w3id.org/carekg/def#developerAuthored" in rule_predicates()
    assert files.data == (synthetic,)


def test_an_ntriples_projection_picked_by_lines_equals_one_parsed_quad_by_quad(tmp_path, synthetic):
    """The projection reads an N-Triples file's predicate as its second term, without parsing: tabs,
    several spaces, comments and a predicate written with an escape give what the parser gives."""
    odd = (b"# <https://w3id.org/carekg/def#direction> a comment\n"
           b"<https://example.org/s>\t<https://w3id.org/carekg/def#direction>   <https://example.org/o> .\n"
           b"<https://example.org/s> <https://w3id.org/carekg/def#dir\\u0065ction>"
           b" <https://example.org/e> .\r\n")
    for name, content in (("synthetic.nt", synthetic.read_bytes()), ("odd.nt", odd)):
        path = tmp_path / name
        path.write_bytes(content)
        store = OxigraphStore(None)
        store.load_graph(str(GRAPH_DATA), path, predicates=rule_predicates())
        parsed = {(q.subject.value, q.predicate.value, q.object.value)
                  for q in ox.parse(path=str(path), format=ox.RdfFormat.N_TRIPLES)
                  if q.predicate.value in rule_predicates()}
        loaded = {(r["s"], r["p"], r["o"]) for r in store.select("SELECT ?s ?p ?o WHERE { ?s ?p ?o }")}
        assert loaded == parsed and parsed
