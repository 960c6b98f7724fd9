"""The store port: what carekg needs from a triple store, whatever the engine behind it.

Rows leave a store as plain ``dict[str, str]`` (IRIs and literal lexical forms as strings), so no
engine type crosses into the services or the API.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

Row = dict[str, str]
#: Called while loading with (bytes done, bytes in all).
LoadProgress = Callable[[int, int], None]


class StoreError(Exception):
    """A store could not answer; the message is safe to show to a user."""


class StoreUnavailable(StoreError):
    """A remote store is down, did not answer in time, or answered with a server error; retry later
    (the API answers 503)."""


class QuerySyntaxError(StoreError):
    """The query is not valid SPARQL 1.1; the message is the parser's."""


@dataclass(frozen=True)
class RawResult:
    """A query answer already serialised for an HTTP client."""

    body: bytes
    media_type: str


class GraphStore(Protocol):
    """A read-mostly SPARQL store holding carekg's named graphs (data, ontology, inferred, meta)."""

    name: str

    def select(self, query: str, bindings: Mapping[str, str] | None = None) -> list[Row]:
        """Run a SELECT over the union of the graphs; ``bindings`` maps variable names to IRIs."""

    def ask(self, query: str, bindings: Mapping[str, str] | None = None) -> bool:
        """Run an ASK over the union of the graphs."""

    def construct(self, query: str, bindings: Mapping[str, str] | None, media_type: str) -> bytes:
        """Run a CONSTRUCT or DESCRIBE and serialise the graph as ``media_type``."""

    def run(
        self,
        query: str,
        media_type: str,
        default_graph_uris: Sequence[str] = (),
        named_graph_uris: Sequence[str] = (),
    ) -> RawResult:
        """Run a user's query as the SPARQL protocol says, serialised as ``media_type``."""

    def replace_dataset(self, graphs: Mapping[str, Sequence[Path]], progress: LoadProgress | None = None) -> None:
        """Empty the store and load each named graph from Turtle/N-Triples files.
        The store has no dataset version until ``set_version`` is called, so a reader never takes a
        half-loaded store for a complete one."""

    def load_graph(self, graph: str, path: Path) -> None:
        """Add the triples of one Turtle/N-Triples file to a named graph."""

    def optimize(self) -> None:
        """Make the loaded data fast to read (compaction after a bulk load); a no-op where the server
        manages its own storage."""

    def set_version(self, version: str) -> None:
        """Record the loaded dataset's version (last step of a load)."""

    def dataset_version(self) -> str | None:
        """The version of the loaded dataset, or None for an empty store."""

    def triple_count(self, graph: str | None = None) -> int:
        """How many triples a named graph (or the whole store) holds."""

    def close(self) -> None:
        """Release the store."""
