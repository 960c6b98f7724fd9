"""The default adapter: an embedded pyoxigraph store, on disk or in memory."""

from __future__ import annotations

import contextlib
import io
import itertools
import mmap
import os
import threading
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from pathlib import Path

import pyoxigraph as ox
from rdflib.namespace import VOID, XSD

from carekg.ids import GRAPH_META
from carekg.namespaces import CKG
from carekg.store import union_view
from carekg.store.base import (
    Dumpable,
    Embedded,
    LoadProgress,
    QuerySyntaxError,
    RawResult,
    Row,
    Serialising,
    StoreError,
    UnionCopy,
    Value,
    Writable,
)
from carekg.store.binding import bind_values
from carekg.store.streaming import in_own_thread, written_in_own_thread

#: Parallel loaders for a large N-Triples file: one per core.
LOAD_THREADS = max(1, min(8, os.cpu_count() or 1))
PARALLEL_MIN_BYTES = 8 * 1024 * 1024
READ_BYTES = 1024 * 1024
PROGRESS_SECONDS = 0.25

_META = ox.NamedNode(str(GRAPH_META))
_VERSION = ox.NamedNode(str(CKG.datasetVersion))
_TRIPLES = ox.NamedNode(str(VOID.triples))
_ENTITIES = ox.NamedNode(str(VOID.entities))
_INTEGER = ox.NamedNode(str(XSD.integer))

_RESULT_FORMATS = {f.media_type.split(";")[0]: f
                   for f in (ox.QueryResultsFormat.JSON, ox.QueryResultsFormat.XML, ox.QueryResultsFormat.CSV,
                             ox.QueryResultsFormat.TSV)}
_GRAPH_FORMATS = {f.media_type: f for f in (ox.RdfFormat.TURTLE, ox.RdfFormat.N_TRIPLES,
                                            ox.RdfFormat.JSON_LD, ox.RdfFormat.RDF_XML, ox.RdfFormat.N_QUADS)}

#: What a streamed graph's chunks end with: a Turtle statement may take several lines.
_CHUNK_ENDS = {ox.RdfFormat.TURTLE: b" .\n", ox.RdfFormat.JSON_LD: b"}"}


def _count(iri: str, predicate: ox.NamedNode, count: int) -> ox.Quad:
    """A count recorded in the meta graph (``set_version``)."""
    return ox.Quad(ox.NamedNode(iri), predicate, ox.Literal(str(count), datatype=_INTEGER), _META)


def _text(term) -> str:
    return term.value if not isinstance(term, ox.BlankNode) else f"_:{term.value}"


class _ByteCounter:
    """Bytes read so far by every loader thread."""

    def __init__(self) -> None:
        self.done = 0
        self._lock = threading.Lock()

    def add(self, count: int) -> None:
        with self._lock:
            self.done += count


class _RangeReader(io.RawIOBase):
    """The bytes ``[start, end)`` of a file, counted as they are read."""

    def __init__(self, path: Path, start: int, end: int, counter: _ByteCounter) -> None:
        super().__init__()
        self._file = path.open("rb")
        self._file.seek(start)
        self._left = end - start
        self._counter = counter

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        size = min(len(buffer), self._left)
        if size <= 0:
            return 0
        data = self._file.read(size)
        buffer[:len(data)] = data
        self._left -= len(data)
        self._counter.add(len(data))
        return len(data)

    def close(self) -> None:
        self._file.close()
        super().close()


def _mentions_blank_nodes(path: Path) -> bool:
    """Whether ``_:`` occurs anywhere in the file (also inside a literal: then it loads unsplit, which
    is merely slower)."""
    with path.open("rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as content:
        return content.find(b"_:") != -1


def _line_ranges(path: Path, parts: int) -> list[tuple[int, int]]:
    """``parts`` byte ranges of a file that start and end on line boundaries."""
    size = path.stat().st_size
    bounds = [0]
    with path.open("rb") as handle:
        for index in range(1, parts):
            handle.seek(max(size * index // parts, bounds[-1]))
            handle.readline()
            bounds.append(min(handle.tell(), size))
    bounds.append(size)
    return [(start, end) for start, end in itertools.pairwise(bounds) if end > start]


def _lines_with_predicates(path: Path, predicates: frozenset[str]) -> bytes | None:
    """The lines of an N-Triples file whose predicate (a line's second term) is one of ``predicates``,
    picked without parsing each statement in Python (at 1M triples 0.8 s, against 5 s parsed and
    filtered quad by quad, docs/bench.md). None for a file the parser must read: one with blank nodes
    (a store's loader renames them, so two projections of it would not join) or a predicate written
    with escapes."""
    content = path.read_bytes()
    if b"_:" in content:
        return None
    wanted = {f"<{predicate}>".encode() for predicate in predicates}
    kept = []
    for line in content.split(b"\n"):
        terms = line.split(None, 2)
        if len(terms) < 3:
            continue
        if terms[1] in wanted:
            kept.append(line)
        elif b"\\" in terms[1]:
            return None
    return b"\n".join(kept)


class OxigraphStore(Embedded, Dumpable, Writable, UnionCopy, Serialising):
    """A pyoxigraph ``Store``. ``path=None`` keeps it in memory; ``read_only`` lets several
    processes share one on-disk store while another process is not writing it. A read-only handle
    answers users' queries that name no graph from the union copy of its version, if there is one
    (carekg.store.union_view)."""

    name = "oxigraph"

    def __init__(self, path: Path | None = None, *, read_only: bool = False) -> None:
        self.path = path
        self.read_only = read_only
        self._lock = threading.Lock()
        try:
            if path is None:
                self._store = ox.Store()
            elif read_only:
                self._store = ox.Store.read_only(str(path))
            else:
                path.mkdir(parents=True, exist_ok=True)
                self._store = ox.Store(str(path))
        except OSError as error:
            raise StoreError(f"cannot open the store at {path}: {error}") from None
        self._union: ox.Store | None = None
        self._version_read: tuple[str | None] | None = None
        self._entities_read: dict[str, int] | None = None

    def _union_copy(self) -> ox.Store | None:
        """The union copy of this read-only handle's version, opened at the first user query that finds
        it (a handle that never runs one, like the server's own, never opens it). Until it is there, each
        such query looks again: the copy of a write's version may be written after the handle opened
        (in the background), and an in-process runner keeps its handle (CAREKG_QUERY_WORKERS=0)."""
        if self._union is None and self.read_only and self.path is not None:
            found = union_view.find(self.path, self.dataset_version())  # read once by a read-only handle
            if found is not None:
                with contextlib.suppress(OSError):  # removed meanwhile: the union itself answers
                    self._union = ox.Store.read_only(str(found))
        return self._union

    def publish_union_copy(self, wanted: Callable[[], bool] = lambda: True) -> bool:
        version = self.dataset_version()
        if self.path is None or version is None:
            return False
        return union_view.build(self._store, self.path, version, wanted) is not None

    def has_union_copy(self) -> bool:
        return self.path is not None and union_view.find(self.path, self.dataset_version()) is not None

    def statements_in(self, graphs: Collection[str], graph: str,
                      subjects: Collection[str]) -> frozenset[ox.Quad]:
        named = ox.NamedNode(graph)
        return frozenset(itertools.chain(
            *(self._store.quads_for_pattern(None, None, None, ox.NamedNode(g)) for g in graphs),
            *(self._store.quads_for_pattern(ox.NamedNode(s), None, None, named) for s in subjects)))

    def follow_union_copy(self, previous: str, removed: Iterable[ox.Quad], added: Iterable[ox.Quad]) -> bool:
        version = self.dataset_version()
        if self.path is None or version is None:
            return False
        return union_view.follow(self._store, self.path, previous, version, removed, added) is not None

    def begin_union_copy(self, version: str) -> union_view.Writer | None:
        return union_view.Writer(self._store, self.path, version) if self.path is not None else None

    def reader_descriptor(self) -> str | None:
        return f"oxigraph-ro:{self.path}" if self.path is not None else None

    def _query(self, query: str, bindings: Mapping[str, Value] | None):
        try:
            return self._store.query(bind_values(query, bindings), use_default_graph_as_union=True)
        except SyntaxError as error:
            raise QuerySyntaxError(str(error)) from None

    def select(self, query: str, bindings: Mapping[str, Value] | None = None) -> list[Row]:
        return list(self._rows(query, bindings))

    def select_rows(self, query: str, bindings: Mapping[str, Value] | None = None) -> Iterator[Row]:
        return in_own_thread(lambda: self._rows(query, bindings))

    def _rows(self, query: str, bindings: Mapping[str, Value] | None) -> Iterator[Row]:
        solutions = self._query(query, bindings)
        names = [v.value for v in solutions.variables]
        for solution in solutions:
            row: Row = {}
            for name in names:
                term = solution[name]
                if term is not None:
                    row[name] = _text(term)
            yield row

    def select_tuples(self, query: str, bindings: Mapping[str, Value] | None = None
                      ) -> Iterator[tuple[str | None, ...]]:
        for solution in self._query(query, bindings):
            yield tuple([None if term is None else _text(term) for term in solution])

    def ask(self, query: str, bindings: Mapping[str, Value] | None = None) -> bool:
        return bool(self._query(query, bindings))

    def construct(self, query: str, bindings: Mapping[str, Value] | None, media_type: str) -> bytes:
        triples = self._query(query, bindings)
        return triples.serialize(format=_GRAPH_FORMATS[media_type])

    def run(self, query: str, media_type: str, default_graph_uris: Sequence[str] = (),
            named_graph_uris: Sequence[str] = ()) -> RawResult:
        options: dict = {}
        if default_graph_uris:
            options["default_graph"] = [ox.NamedNode(g) for g in default_graph_uris]
        if named_graph_uris:
            options["named_graphs"] = [ox.NamedNode(g) for g in named_graph_uris]
            options.setdefault("default_graph", [])
        union = None if options or not union_view.names_no_graph(query) else self._union_copy()
        try:
            if options:
                result = self._store.query(query, **options)
            elif union is not None:
                result = union.query(query)
            else:
                result = self._store.query(query, use_default_graph_as_union=True)
        except SyntaxError as error:
            raise QuerySyntaxError(str(error)) from None
        except OSError:
            raise StoreError("the store could not evaluate the query") from None
        if isinstance(result, ox.QueryTriples):
            return RawResult(result.serialize(format=_GRAPH_FORMATS[media_type]) or b"", media_type)
        return RawResult(result.serialize(format=_RESULT_FORMATS[media_type]) or b"", media_type)

    def replace_dataset(self, graphs: Mapping[str, Sequence[Path]],
                        progress: LoadProgress | None = None) -> None:
        files = [(graph, Path(file)) for graph, group in graphs.items() for file in group]
        total = sum(file.stat().st_size for _, file in files)
        counter = _ByteCounter()
        with self._lock:
            self._store.clear()
            for graph, file in files:
                target = ox.NamedNode(graph)
                fmt = ox.RdfFormat.from_extension(file.suffix.lstrip("."))
                if fmt == ox.RdfFormat.N_TRIPLES:
                    self._load_lines_in_parallel(file, target, counter, total, progress)
                else:
                    self._store.bulk_load(path=str(file), format=fmt, to_graph=target)
                    counter.add(file.stat().st_size)
                if progress:
                    progress(counter.done, total)
            self._store.flush()

    def _load_lines_in_parallel(self, file: Path, target: ox.NamedNode, counter: _ByteCounter, total: int,
                                progress: LoadProgress | None) -> None:
        """N-Triples is one statement per line, so a file split on line boundaries loads as independent
        parts: one bulk loader per core (oxigraph's loader uses one core per input; docs/bench.md).
        Each loader gives blank nodes fresh names, so a file with blank nodes loads as one part. The
        parts are read through counting readers, so progress can be shown."""
        parallel = file.stat().st_size > PARALLEL_MIN_BYTES and not _mentions_blank_nodes(file)
        parts = _line_ranges(file, LOAD_THREADS if parallel else 1)
        errors: list[BaseException] = []

        def load_part(start: int, end: int) -> None:
            try:
                reader = io.BufferedReader(_RangeReader(file, start, end, counter), READ_BYTES)
                with reader:
                    self._store.bulk_load(input=reader, format=ox.RdfFormat.N_TRIPLES, to_graph=target)
            except BaseException as error:  # re-raised in the calling thread
                errors.append(error)

        threads = [threading.Thread(target=load_part, args=part, daemon=True) for part in parts]
        for thread in threads:
            thread.start()
        for thread in threads:
            while thread.is_alive():
                thread.join(PROGRESS_SECONDS)
                if progress and counter.done < total:  # reading ends before the loaders' last sort
                    progress(counter.done, total)
        if errors:
            raise errors[0]

    def load_graph(self, graph: str, path: Path, predicates: Collection[str] | None = None) -> None:
        fmt = ox.RdfFormat.from_extension(path.suffix.lstrip("."))
        target = ox.NamedNode(graph)
        lines = None
        if predicates is not None and fmt == ox.RdfFormat.N_TRIPLES:
            lines = _lines_with_predicates(path, frozenset(predicates))
        with self._lock:
            if predicates is None:
                self._store.bulk_load(path=str(path), format=fmt, to_graph=target)
            elif lines is not None:
                self._store.bulk_load(input=lines, format=fmt, to_graph=target)
            else:
                keep = frozenset(predicates)
                self._store.bulk_extend(
                    ox.Quad(q.subject, q.predicate, q.object,
                            target if isinstance(q.graph_name, ox.DefaultGraph) else q.graph_name)
                    for q in ox.parse(path=str(path), format=fmt) if q.predicate.value in keep)
            self._store.flush()

    def add_ntriples(self, data: bytes) -> None:
        """Add N-Triples statements to the default graph (a scratch store's input, carekg.incremental)."""
        with self._lock:
            self._store.load(data, format=ox.RdfFormat.N_TRIPLES)

    def graph_ntriples(self, graph: str) -> Iterator[bytes]:
        return self.graph_serialised(graph, "application/n-triples", {})

    def graph_serialised(self, graph: str, media_type: str, prefixes: Mapping[str, str]) -> Iterator[bytes]:
        # Written by the engine's own serialiser (Store.dump), quicker than the quads read and
        # serialised from Python (docs/bench.md), in a thread of its own that the download reads a few
        # chunks at a time. Chunks end at a statement's end (a literal's newline is escaped); JSON-LD
        # comes as one line, cut after a closing brace.
        name, fmt = ox.NamedNode(graph), _GRAPH_FORMATS[media_type]
        return written_in_own_thread(
            lambda writer: self._store.dump(writer, format=fmt, from_graph=name,
                                            prefixes=dict(prefixes) if fmt == ox.RdfFormat.TURTLE else None),
            ends=_CHUNK_ENDS.get(fmt, b"\n"))

    def dump(self, path: Path) -> None:
        with self._lock:
            self._store.dump(str(path), format=ox.RdfFormat.N_QUADS)

    def validate_change(self, shapes: Path, added: Iterable[ox.Triple], replaced_graph: str,
                        graphs: Sequence[str]) -> list[dict]:
        from carekg.shacl import validate_change

        previous = list(self._store.quads_for_pattern(None, None, None, ox.NamedNode(replaced_graph)))
        change = validate_change(self._store, shapes, added=added, removed=previous, graphs=graphs)
        return [result.to_dict() for result in change.results]

    def update(self, sparql: str) -> None:
        with self._lock:
            self._store.update(sparql)
            self._store.flush()

    def optimize(self) -> None:
        # Parallel bulk loading leaves many small files; reads after compaction are 3-4x faster
        # (docs/bench.md).
        if self.path is not None:
            with self._lock:
                self._store.optimize()

    def set_version(self, version: str, graph_triples: Mapping[str, int] | None = None,
                    entities: Mapping[str, int] | None = None,
                    recorded: tuple[Mapping[str, int], Mapping[str, int]] | None = None) -> None:
        with self._lock:
            if recorded is None:
                if self._store.contains_named_graph(_META):
                    self._store.remove_graph(_META)
                recorded = ({}, {})
            else:  # only what changes: a write moves a few of the ~6,000 counts at 10M (all took 0.7-1.3 s)
                for quad in list(self._store.quads_for_pattern(_META, _VERSION, None, _META)):
                    self._store.remove(quad)
            stale, new = [], []
            wanted = (graph_triples or {}, entities or {})
            for predicate, was, now in zip((_TRIPLES, _ENTITIES), recorded, wanted, strict=True):
                stale += [_count(iri, predicate, n) for iri, n in was.items() if now.get(iri) != n]
                new += [_count(iri, predicate, n) for iri, n in now.items() if was.get(iri) != n]
            for quad in stale:
                self._store.remove(quad)
            self._store.extend([*new, ox.Quad(_META, _VERSION, ox.Literal(version), _META)])
            self._store.flush()

    def _recorded(self, predicate: ox.NamedNode) -> dict[str, int]:
        return {quad.subject.value: int(quad.object.value)
                for quad in self._store.quads_for_pattern(None, predicate, None, _META)
                if isinstance(quad.subject, ox.NamedNode) and isinstance(quad.object, ox.Literal)}

    def recorded_triple_counts(self) -> dict[str, int]:
        return self._recorded(_TRIPLES)

    def recorded_entities(self, of: Collection[str] | None = None) -> dict[str, int]:
        if of is not None:
            # Looked up by subject: reading all ~6,000 at 10M took 30 ms for the few a page needs.
            quads = (quad for iri in of
                     for quad in self._store.quads_for_pattern(ox.NamedNode(iri), _ENTITIES, None, _META))
            return {quad.subject.value: int(quad.object.value) for quad in quads
                    if isinstance(quad.subject, ox.NamedNode) and isinstance(quad.object, ox.Literal)}
        # All of them: read once by a read-only handle, as its version (40 ms of CPU a read at 10M; the
        # home page's source counts and organisations each read them all).
        if not (self.read_only and self.path is not None):
            return self._recorded(_ENTITIES)
        if self._entities_read is None:
            self._entities_read = self._recorded(_ENTITIES)
        return dict(self._entities_read)

    def dataset_version(self) -> str | None:
        # A read-only handle sees the store as it was opened (a write is seen through a new handle), so
        # its version is read once: every cached service call asks it (800 times in one CFIR profile).
        fixed = self.read_only and self.path is not None
        if fixed and self._version_read:
            return self._version_read[0]
        version = None
        for quad in self._store.quads_for_pattern(_META, _VERSION, None, _META):
            if isinstance(quad.object, ox.Literal):
                version = quad.object.value
                break
        if fixed:
            self._version_read = (version,)
        return version

    def triple_count(self, graph: str | None = None) -> int:
        if graph is None:
            return len(self._store)
        # Counted by the engine: iterating the quads in Python took ~25x longer (55 s against 2.2 s for
        # the 1M-triple data graph on a busy machine).
        rows = self.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?graph { ?s ?p ?o } }", {"graph": graph})
        return int(rows[0]["n"])

    def close(self) -> None:
        del self._store
        self._union = None

