"""Shared fixtures: the real dataset loaded once into an in-memory store."""

from __future__ import annotations

import pytest

from carekg.generate import generate
from carekg.loader import DatasetFiles, load
from carekg.store import get_store
from carekg.store.oxigraph_store import OxigraphStore


@pytest.fixture(scope="session")
def dataset_files() -> DatasetFiles:
    return DatasetFiles.discover()


@pytest.fixture(scope="session")
def store(dataset_files):
    """The curated dataset (data, ontology, inferred graphs) in an in-memory pyoxigraph store."""
    memory = get_store("memory:")
    load(memory, dataset_files)
    return memory


@pytest.fixture(scope="session")
def synthetic_store(tmp_path_factory):
    """A generated graph of 10,000 triples (seed 7), skewed as `carekg generate` skews findings, in an
    in-memory store without the reasoner."""
    out = tmp_path_factory.mktemp("synthetic") / "10k.nt"
    generate(10_000, out, seed=7)
    memory = OxigraphStore(None)
    load(memory, DatasetFiles.discover(data=[out]), reasoner=False)
    return memory


@pytest.fixture(scope="session")
def generated(tmp_path_factory):
    """A generated graph of 20,000 triples (seed 7) as an N-Triples file, for tests that load it and
    write to it (tests/test_incremental.py, tests/test_tallies.py)."""
    path = tmp_path_factory.mktemp("generated") / "20k.nt"
    generate(20_000, path, seed=7)
    return path
