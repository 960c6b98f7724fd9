"""The union of an on-disk Oxigraph store's graphs, written once as the default graph of a second store,
for users' SPARQL queries.

carekg's ``/sparql`` answers over the union of its named graphs (data, ontology, inferred, meta and the
submissions). pyoxigraph computes that union triple pattern by triple pattern
(``use_default_graph_as_union``), which cost 1.4-1.7x the same queries over one default graph at 1M
(docs/bench.md, issue 14). So the load, and the server after a write, write the union once into a store
beside the first, ``<store>.sparql/<version>``, and a read-only handle answers a query from it when the
query names no graph (:func:`names_no_graph`) and the request sets no dataset. Everything else, and
every query while the copy of the current version does not exist yet, goes to the store itself.

The copy is published only when it is exact: when no statement is in two graphs (the engine's union
repeats such a statement once per graph, a store holds it once), so an answer is the same from either.
Blank nodes keep their labels (the engine's loaders would rename them), so the statements that have
some are copied term by term; the rest go through the bulk loader.

A load writes the copy beside the store (:class:`Writer`): the graphs read from N-Triples files without
blank nodes (the data, the rules' results) are bulk-loaded into the copy from the same files while the
store derives the rules, and only the other graphs (the ontology, the submissions, the meta graph) are
copied from the store after. A second pass over the whole store (:func:`build`) is what a write, a store
loaded before copies existed, or a load whose copy came out short (a file's statements also in another
graph) uses.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import mmap
import os
import re
import shutil
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pyoxigraph as ox

log = logging.getLogger("carekg.store")

#: Bumped when what a copy holds changes, so an older one is never opened.
FORMAT = 1
#: Words that may bring a named graph into a query (GRAPH, FROM, FROM NAMED) and the escape that could
#: spell one (SPARQL 1.1 §19.2: the parser expands \u before reading). Matched anywhere in the text, in
#: any case: a word inside an IRI, string or comment only sends the query to the slower union.
_NAMES_A_GRAPH = re.compile(r"graph|from|\\u", re.IGNORECASE)


def names_no_graph(query: str) -> bool:
    """Whether ``query`` certainly reads the default graph alone (so the copy answers it exactly)."""
    return _NAMES_A_GRAPH.search(query) is None


def folder(store_path: Path) -> Path:
    return store_path.with_name(f"{store_path.name}.sparql")


def view_path(store_path: Path, version: str) -> Path:
    return folder(store_path) / f"{version}-v{FORMAT}"


def find(store_path: Path, version: str | None) -> Path | None:
    """The published copy of ``store_path`` at ``version``, if there is one."""
    if version is None:
        return None
    path = view_path(store_path, version)
    return path if path.is_dir() else None


@contextlib.contextmanager
def _exclusive(store_path: Path, wait: bool = True) -> Iterator[None]:
    """One builder at a time across processes (several uvicorn workers may finish a write's wait);
    without ``wait``, BlockingIOError when another holds the lock."""
    target = folder(store_path)
    target.mkdir(parents=True, exist_ok=True)
    with (target / ".lock").open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _has_blank_nodes(path: Path) -> bool:
    if path.stat().st_size == 0:
        return False
    with path.open("rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as content:
        return content.find(b"_:") != -1


def _copy_graph(source: ox.Store, graph, target: ox.Store, scratch: Path) -> int:
    """Copy one graph of ``source`` into ``target``'s default graph; returns its statement count."""
    dump = scratch / "graph.nt"
    source.dump(str(dump), format=ox.RdfFormat.N_TRIPLES, from_graph=graph)
    default = ox.DefaultGraph()
    if not _has_blank_nodes(dump):
        with dump.open("rb") as handle:
            statements = sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))
        target.bulk_load(path=str(dump), format=ox.RdfFormat.N_TRIPLES, to_graph=default)
        return statements
    plain = scratch / "plain.nt"
    blank: list[bytes] = []
    statements = 0
    with dump.open("rb") as lines, plain.open("wb") as out:
        for line in lines:
            if not line.strip():
                continue
            statements += 1
            if b"_:" in line:
                blank.append(line)
            else:
                out.write(line)
    target.bulk_load(path=str(plain), format=ox.RdfFormat.N_TRIPLES, to_graph=default)
    target.extend(ox.Quad(t.subject, t.predicate, t.object, default)
                  for t in ox.parse(b"".join(blank), format=ox.RdfFormat.N_TRIPLES, rename_blank_nodes=False))
    return statements


class Writer:
    """The copy of ``source`` (the store at ``store_path``) at ``version``, written while the load
    fills the store. Files go into the copy on a thread of its own (the engine's bulk loader holds no
    Python lock, so the copy loads beside the rules); :meth:`publish` adds the graphs no file gave."""

    def __init__(self, source: ox.Store, store_path: Path, version: str) -> None:
        self._source, self._store_path, self._version = source, store_path, version
        folder(store_path).mkdir(parents=True, exist_ok=True)
        self._partial = folder(store_path) / f"{version}.{os.getpid()}.partial"
        shutil.rmtree(self._partial, ignore_errors=True)
        self._target = ox.Store(str(self._partial))
        self._from_files: set[str] = set()
        self._from_store: set[str] = set()
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="carekg-union-copy")
        self._loads: list[Future[None]] = []

    def add_files(self, graph: str, files: Sequence[Path]) -> None:
        """Bulk-load files ``graph`` was loaded from into the copy, in the background, when they are
        N-Triples without blank nodes (read twice they would get two labels); a graph may be given its
        files in several calls (the rules' results come in parts). Otherwise the graph is copied from the
        store when published (what its files already put in the copy is the same statements)."""
        if graph in self._from_store or not all(f.suffix == ".nt" and not _has_blank_nodes(f) for f in files):
            self._from_files.discard(graph)
            self._from_store.add(graph)
            return
        self._from_files.add(graph)
        for file in files:
            self._loads.append(self._pool.submit(self._target.bulk_load, path=str(file),
                                                 format=ox.RdfFormat.N_TRIPLES, to_graph=ox.DefaultGraph()))

    def publish(self) -> Path | None:
        """Copy the graphs no file gave, then publish the copy if it holds one statement for every one
        of the store (each statement of the copy is one of the store's, so then they are the same set,
        and no statement is in two graphs). A short copy falls back to :func:`build` from the store,
        which tells two graphs sharing a statement from a graph given more than its files."""
        try:
            for load in self._loads:
                load.result()
            scratch = self._partial.with_suffix(".scratch")
            scratch.mkdir(parents=True, exist_ok=True)
            try:
                others = [g for g in [ox.DefaultGraph(), *self._source.named_graphs()]
                          if not (isinstance(g, ox.NamedNode) and g.value in self._from_files)]
                for graph in others:
                    _copy_graph(self._source, graph, self._target, scratch)
            finally:
                shutil.rmtree(scratch, ignore_errors=True)
            exact = len(self._target) == len(self._source)
            if exact:
                # Compacted after the small graphs, not before: compacted before them, their few small
                # files made each query of the copy ~11 % slower at 1M (docs/bench.md).
                self._target.optimize()
                self._target.flush()
        finally:
            self._pool.shutdown()
            del self._target
        if not exact:
            shutil.rmtree(self._partial, ignore_errors=True)
            log.info("the union copy of dataset %s read from its files is short: copied from the store",
                     self._version)
            return build(self._source, self._store_path, self._version)
        with _exclusive(self._store_path):
            path = view_path(self._store_path, self._version)
            if path.is_dir():  # a forced reload of the same files: the same copy, perhaps open in a reader
                shutil.rmtree(self._partial, ignore_errors=True)
                return path
            os.replace(self._partial, path)
            _remove_older(path)
        return path

    def discard(self) -> None:
        """The load failed: wait for the copy's loads and remove it."""
        for load in self._loads:
            load.exception()
        self._pool.shutdown()
        del self._target
        shutil.rmtree(self._partial, ignore_errors=True)


def build(source: ox.Store, store_path: Path, version: str,
          wanted: Callable[[], bool] = lambda: True) -> Path | None:
    """Write and publish the copy of ``source`` (the store at ``store_path``, holding ``version``);
    returns it, or None when it would not be exact (a statement in two graphs) or, asked once this
    builder holds the lock, no longer ``wanted`` (writes in quick succession queue one builder each: only
    the newest version's copy is worth writing). Copies of other versions are removed, but for the
    newest of them (a worker may still be reading it)."""
    with _exclusive(store_path):
        published = find(store_path, version)
        if published is not None:
            return published
        if not wanted():
            return None
        partial = folder(store_path) / f"{version}.{os.getpid()}.partial"
        shutil.rmtree(partial, ignore_errors=True)
        scratch = folder(store_path) / f"{version}.{os.getpid()}.scratch"
        scratch.mkdir(parents=True, exist_ok=True)
        try:
            target = ox.Store(str(partial))
            statements = sum(_copy_graph(source, graph, target, scratch)
                             for graph in [ox.DefaultGraph(), *source.named_graphs()])
            exact = len(target) == statements
            if exact:
                target.optimize()
                target.flush()
            del target
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        if not exact:
            shutil.rmtree(partial, ignore_errors=True)
            log.info("no union copy for dataset %s: a statement is in two graphs", version)
            return None
        path = view_path(store_path, version)
        os.replace(partial, path)
        _remove_older(path)
        return path


def follow(source: ox.Store, store_path: Path, previous: str, version: str,
           removed: Iterable[ox.Quad], added: Iterable[ox.Quad]) -> Path | None:
    """The copy of ``version`` (now in ``source``) made from ``previous``'s by a write's own changes:
    the statements it ``removed`` from a graph and ``added`` to one (every change it made, so the store
    is ``previous`` less the one plus the other). The previous copy is checkpointed (hard links) and the
    changed statements are removed from or added to the checkpoint: a few thousand statements at 1M
    where :func:`build` rewrote them all. None (nothing written) when there is no copy of ``previous``
    or the new version has a statement in two graphs (then there is no exact copy: :func:`build` says
    so), or when a whole copy is being written (a write does not wait minutes for it: the server writes
    this version's copy whole after it)."""
    try:
        with _exclusive(store_path, wait=False):
            return _follow(source, store_path, previous, version, removed, added)
    except BlockingIOError:
        log.info("no union copy of dataset %s from its write: a whole copy is being written", version)
        return None


def _follow(source: ox.Store, store_path: Path, previous: str, version: str,
            removed: Iterable[ox.Quad], added: Iterable[ox.Quad]) -> Path | None:
    """:func:`follow` holding the lock."""
    published = find(store_path, version)
    if published is not None:
        return published
    old = find(store_path, previous)
    if old is None:
        return None
    added = list(added)
    if any(other.graph_name != quad.graph_name for quad in added
           for other in source.quads_for_pattern(quad.subject, quad.predicate, quad.object)):
        log.info("no union copy for dataset %s: a written statement is in two graphs", version)
        return None
    default = ox.DefaultGraph()
    # A statement removed from one graph stays in the union while another graph still has it.
    gone = [ox.Quad(q.subject, q.predicate, q.object, default) for q in removed
            if next(source.quads_for_pattern(q.subject, q.predicate, q.object), None) is None]
    partial = folder(store_path) / f"{version}.{os.getpid()}.partial"
    shutil.rmtree(partial, ignore_errors=True)
    try:
        ox.Store.read_only(str(old)).backup(str(partial))
        target = ox.Store(str(partial))
        for quad in gone:
            target.remove(quad)
        target.extend([ox.Quad(q.subject, q.predicate, q.object, default) for q in added])
        target.flush()
        del target
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    path = view_path(store_path, version)
    os.replace(partial, path)
    _remove_older(path)
    return path


def _remove_older(kept: Path) -> None:
    others = sorted((p for p in kept.parent.iterdir() if p.is_dir() and p != kept),
                    key=lambda p: p.stat().st_mtime, reverse=True)
    for old in others[1:]:
        shutil.rmtree(old, ignore_errors=True)
