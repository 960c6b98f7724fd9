"""The store port: what carekg needs from a triple store, whatever the engine behind it.

Every adapter is a :class:`GraphStore` (read, load, version). What only some engines can do is a
*capability*: an abstract base class the adapter lists among its bases, tested by callers with
``isinstance`` (as oaklib's interfaces are). A capability is claimed by declaring it, never inferred
from attribute look-ups, so a wrapper that forwards attributes (a test double) claims none.

- :class:`Embedded`: the engine runs inside this process (a query holds the GIL and cannot be
  cancelled, so the service runs users' queries in worker processes);
- :class:`Dumpable`: every graph can be written out as N-Quads (a snapshot ``load_graph`` reads back);
- :class:`Writable`: a change can be SHACL-validated before it is made, then applied as one
  transaction (what carekg.writes needs);
- :class:`UnionCopy`: the union of the graphs can be written once as another store's default graph,
  which then answers users' queries that name no graph (carekg.store.union_view);
- :class:`Serialising`: the engine writes a graph out as Turtle or JSON-LD itself (the exports).

Rows leave a store as plain ``dict[str, str]`` (IRIs and literal lexical forms as strings), so no
engine type crosses into the services or the API.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import pyoxigraph

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


#: What a query variable may be bound to: an IRI (as text), an integer (an integer literal, e.g. a
#: year), or in a SELECT a tuple of IRIs or of integers (the variable takes each; carekg.store.binding).
Value = str | int | tuple[str, ...] | tuple[int, ...]


class GraphStore(Protocol):
    """A read-mostly SPARQL store holding carekg's named graphs (data, ontology, inferred, meta)."""

    name: str

    def select(self, query: str, bindings: Mapping[str, Value] | None = None) -> list[Row]:
        """Run a SELECT over the union of the graphs; ``bindings`` maps variable names to IRIs."""

    def select_rows(self, query: str, bindings: Mapping[str, Value] | None = None) -> Iterator[Row]:
        """As ``select``, with the rows read from the engine as they are iterated, a bounded batch at a
        time (whole-dataset exports: never every row in memory). Any thread may iterate them."""

    def select_tuples(self, query: str, bindings: Mapping[str, Value] | None = None
                      ) -> Iterator[tuple[str | None, ...]]:
        """As ``select``, each row a tuple of the query's variables in their order (None when unbound):
        fewer objects per row, for a load's pass over every finding (carekg.count_pass)."""

    def ask(self, query: str, bindings: Mapping[str, Value] | None = None) -> bool:
        """Run an ASK over the union of the graphs."""

    def construct(self, query: str, bindings: Mapping[str, Value] | None, media_type: str) -> bytes:
        """Run a CONSTRUCT or DESCRIBE and serialise the graph as ``media_type``."""

    def run(
        self,
        query: str,
        media_type: str,
        default_graph_uris: Sequence[str] = (),
        named_graph_uris: Sequence[str] = (),
    ) -> RawResult:
        """Run a user's query as the SPARQL protocol says, serialised as ``media_type``."""

    def replace_dataset(self, graphs: Mapping[str, Sequence[Path]],
                        progress: LoadProgress | None = None) -> None:
        """Empty the store and load each named graph from Turtle/N-Triples files.
        The store has no dataset version until ``set_version`` is called, so a reader never takes a
        half-loaded store for a complete one."""

    def load_graph(self, graph: str, path: Path, predicates: Collection[str] | None = None) -> None:
        """Add the statements of one file to the store: a Turtle/N-Triples file's triples go to
        ``graph``; a TriG/N-Quads file's quads keep the graphs they name (those in its default graph go
        to ``graph``). With ``predicates``, only statements whose predicate is one of those IRIs are
        added (a projection, e.g. of what the SPARQL rules can match)."""

    def optimize(self) -> None:
        """Make the loaded data fast to read (compaction after a bulk load); a no-op where the server
        manages its own storage."""

    def set_version(self, version: str, graph_triples: Mapping[str, int] | None = None,
                    entities: Mapping[str, int] | None = None,
                    recorded: tuple[Mapping[str, int], Mapping[str, int]] | None = None) -> None:
        """Record the loaded dataset's version (last step of a load), replacing the meta graph; with
        ``graph_triples``, also how many triples each named graph holds (``void:triples``), and with
        ``entities`` how many resources each IRI stands for (``void:entities``: carekg.statistics), so
        pages read them instead of counting millions of triples per request. ``recorded``: the two as
        the meta graph holds them now (a write's), so that a store may write only the counts that
        change."""

    def recorded_triple_counts(self) -> dict[str, int]:
        """The triples per named graph recorded with the version (``set_version``), graph IRI -> count;
        empty when none were recorded (a store loaded by an older carekg)."""

    def recorded_entities(self, of: Collection[str] | None = None) -> dict[str, int]:
        """The ``entities`` recorded with the version (``set_version``), IRI -> count; empty when none
        were recorded. ``of``: only those of these IRIs (an IRI with none recorded is left out)."""

    def dataset_version(self) -> str | None:
        """The version of the loaded dataset, or None for an empty store."""

    def triple_count(self, graph: str | None = None) -> int:
        """How many triples a named graph (or the whole store) holds."""

    def graph_ntriples(self, graph: str) -> Iterator[bytes]:
        """Every statement of a named graph as N-Triples, in chunks of whole lines read from the store as
        they are sent (exports: never the whole graph in memory)."""

    def close(self) -> None:
        """Release the store."""


class Embedded(ABC):
    """Capability: the engine runs inside this process. Its queries hold the GIL and cannot be
    cancelled (oxigraph#1926), so the service gives users' queries worker processes with a deadline."""

    @abstractmethod
    def reader_descriptor(self) -> str | None:
        """The descriptor another process opens to read this store (read-only), or None when no other
        process can open it (a store in memory: give the workers a dump, see :class:`Dumpable`)."""


class Dumpable(ABC):
    """Capability: the whole store can be written out."""

    @abstractmethod
    def dump(self, path: Path) -> None:
        """Write every graph's statements to ``path`` as N-Quads; ``load_graph`` reads the file back
        into another store, each statement in its graph."""


class Writable(ABC):
    """Capability: what carekg.writes needs to commit a submission. A change is validated first, on
    the store's own graphs without touching them, then applied as one transaction."""

    #: True for a handle opened read-only (``oxigraph-ro:``): the engine can take writes, this handle not.
    read_only: bool = False

    @abstractmethod
    def validate_change(self, shapes: Path, added: Iterable[pyoxigraph.Triple], replaced_graph: str,
                        graphs: Sequence[str]) -> list[dict]:
        """SHACL results (as ``ValidationResult.to_dict()`` gives them) of the merge of ``graphs`` as it
        would be with ``replaced_graph``'s statements replaced by ``added`` (triples as parsed, literals
        as written); only the nodes the change can affect are validated (carekg.shacl.validate_change)."""

    @abstractmethod
    def update(self, sparql: str) -> None:
        """Apply a SPARQL Update as one transaction: all of it or nothing, then made durable. The text
        comes from carekg's own code (built from parsed terms), never from a user."""


class UnionCopyWriter(Protocol):
    """A union copy written while a load fills the store (carekg.store.union_view.Writer)."""

    def add_files(self, graph: str, files: Sequence[Path]) -> None:
        """``graph`` was loaded from ``files`` (and from the files of its other calls, nothing else): the
        copy reads them too, meanwhile."""

    def publish(self) -> Path | None:
        """Once the store holds the version: complete the copy from the store, publish it if exact."""

    def discard(self) -> None:
        """The load failed: remove what was written."""


class UnionCopy(ABC):
    """Capability: users' queries over the union of the graphs can be answered from a copy of that union
    (carekg.store.union_view), written after a load or a write."""

    @abstractmethod
    def has_union_copy(self) -> bool:
        """Whether the copy of the version the store holds is there."""

    @abstractmethod
    def statements_in(self, graphs: Collection[str], graph: str,
                      subjects: Collection[str]) -> frozenset[pyoxigraph.Quad]:
        """Every statement of ``graphs``, and those of ``graph`` about ``subjects`` (IRIs): what a write
        can change, read before and after it for :meth:`follow_union_copy`."""

    @abstractmethod
    def follow_union_copy(self, previous: str, removed: Iterable[pyoxigraph.Quad],
                          added: Iterable[pyoxigraph.Quad]) -> bool:
        """Write the copy of the version the store holds from the copy of ``previous`` and the write's
        own changes (every statement it ``removed`` from a graph or ``added`` to one); whether one is
        there now (none without a copy of ``previous``, or with a statement in two graphs)."""

    @abstractmethod
    def begin_union_copy(self, version: str) -> UnionCopyWriter | None:
        """The copy of ``version``, to be written while a load fills the store (None: no copy for this
        store, as for one in memory)."""

    @abstractmethod
    def publish_union_copy(self, wanted: Callable[[], bool] = lambda: True) -> bool:
        """Write the copy for the dataset version the store holds, unless it exists; whether one is
        there now (none for a store in memory, an empty one, or one with a statement in two graphs).
        ``wanted`` is asked once the builder's turn comes: False (a later write has made this version
        old) writes nothing."""


class Serialising(ABC):
    """Capability: the engine writes a named graph out as Turtle or JSON-LD itself, streamed (several
    times quicker than carekg rewriting the graph's N-Triples in Python; docs/bench.md)."""

    @abstractmethod
    def graph_serialised(self, graph: str, media_type: str, prefixes: Mapping[str, str]) -> Iterator[bytes]:
        """Every statement of a named graph, in chunks as ``graph_ntriples`` gives them: as
        ``text/turtle`` with ``prefixes`` (its ``@prefix`` lines first; nothing for an empty graph),
        or as ``application/ld+json``, one JSON array of expanded node objects (``[]`` when empty)."""
