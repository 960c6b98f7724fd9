"""Synthetic evidence for benchmarks: deterministic for a seed, skewed, and valid against the shapes."""

from collections import Counter

import pyoxigraph as ox
from rdflib import Graph

from carekg import paths, shacl
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
    store = ox.Store()
    for path in paths.ontology_files():
        store.load(path=path, format=ox.RdfFormat.TURTLE)
    store.load(path=out, format=ox.RdfFormat.N_TRIPLES)
    results = shacl.validate(store, paths.SHAPES_DIR / "data.ttl")
    assert not results, results[:5]
    graph = Graph().parse(out, format="nt")
    about = Counter(str(o) for o in graph.objects(predicate=None) if "/id/innovation/syn-" in str(o))
    counts = sorted(about.values(), reverse=True)
    assert counts[0] > 3 * counts[-1], "a few innovations should carry most findings"
