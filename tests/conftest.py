"""Shared fixtures: the real dataset loaded once into an in-memory store."""

from __future__ import annotations

import pytest

from carekg.loader import DatasetFiles, load
from carekg.store import get_store


@pytest.fixture(scope="session")
def dataset_files() -> DatasetFiles:
    return DatasetFiles.discover()


@pytest.fixture(scope="session")
def store(dataset_files):
    """The curated dataset (data, ontology, inferred graphs) in an in-memory pyoxigraph store."""
    memory = get_store("memory:")
    load(memory, dataset_files)
    return memory
