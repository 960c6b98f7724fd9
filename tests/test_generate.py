"""Synthetic evidence for benchmarks: deterministic for a seed, skewed, and valid against the shapes."""

from collections import Counter

from rdflib import Graph

from carekg import paths
from carekg.check import Report, _shacl
from carekg.generate import generate


def test_same_seed_same_graph(tmp_path):
    a, b, c = tmp_path / "a.nt", tmp_path / "b.nt", tmp_path / "c.nt"
    generate(5000, a, seed=7)
    generate(5000, b, seed=7)
    generate(5000, c, seed=8)
    assert a.read_bytes() == b.read_bytes()
    assert a.read_bytes() != c.read_bytes()


def test_size_skew_and_shapes(tmp_path):
    out = tmp_path / "10k.nt"
    written = generate(10_000, out, seed=42)
    assert 9_000 <= written <= 11_000
    graph = Graph()
    for path in paths.ontology_files():
        graph.parse(path)
    graph.parse(out, format="nt")
    report = Report()
    _shacl(graph, paths.SHAPES_DIR / "data.ttl", {}, "shacl data", report)
    assert report.ok, report.violations[:5]
    about = Counter(str(o) for o in graph.objects(predicate=None) if "/id/innovation/syn-" in str(o))
    counts = sorted(about.values(), reverse=True)
    assert counts[0] > 3 * counts[-1], "a few innovations should carry most findings"
