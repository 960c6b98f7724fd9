"""A part of a store copied into an in-memory Oxigraph store, where a rule runs unchanged on only that
part: bound on the store itself, a rule with a per-source table (the counting fragment's) would read every
source of the graph (carekg.tallies, carekg.incremental, carekg.innovation_delta)."""

from __future__ import annotations

from collections.abc import Iterable

from carekg.store.base import GraphStore
from carekg.store.oxigraph_store import OxigraphStore


def scratch_copy(store: GraphStore, constructs: Iterable[str]) -> OxigraphStore:
    """A new in-memory store holding the statements the CONSTRUCT queries ``constructs`` give on ``store``."""
    scratch = OxigraphStore()
    for query in constructs:
        scratch.add_ntriples(store.run(query, "application/n-triples").body)
    return scratch
