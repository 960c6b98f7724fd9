"""Running users' SPARQL queries with a hard deadline.

A pyoxigraph query holds the GIL and cannot be cancelled (oxigraph#1926), so a runaway query would
stall the server. With an on-disk store, user queries therefore run in a small pool of worker
processes that open the store read-only; a query that overruns its deadline has its worker killed
and replaced. An in-memory store handed in by a caller (tests, embedding) is dumped once to an
N-Quads snapshot that each worker loads, so the same deadline holds; ``reopen()`` (after a write)
makes every worker reopen the store, or reload a fresh snapshot, before its next query. Only a store
object that is neither (a test double) runs in the calling thread, without a hard deadline.
Answers larger than ``max_result_bytes`` are refused (ResultTooLarge) instead of being sent.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import queue
import threading
from collections.abc import Sequence
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Protocol

from carekg.ids import GRAPH_DATA
from carekg.store import Dumpable, GraphStore, QuerySyntaxError, RawResult, StoreError, get_store


class QueryTimeout(StoreError):
    """The query ran out of time (or no worker became free in time)."""


class ResultTooLarge(StoreError):
    """The serialised answer is larger than the configured cap."""


def _too_large(limit: int) -> str:
    return f"the result is larger than {limit} bytes; narrow the query or add LIMIT"


class QueryRunner(Protocol):
    def run(self, query: str, media_type: str, default_graph_uris: Sequence[str] = (),
            named_graph_uris: Sequence[str] = ()) -> RawResult:
        """Run a checked, read-only query; raises QuerySyntaxError, QueryTimeout, ResultTooLarge or
        StoreError."""

    def reopen(self, store: GraphStore | None = None) -> None:
        """The store changed: answer later queries from ``store`` (or the reopened store)."""

    def close(self) -> None:
        """Stop any workers."""


class InProcessRunner:
    """Runs queries on the given store in the calling thread."""

    def __init__(self, store: GraphStore, max_result_bytes: int | None = None) -> None:
        self.store = store
        self.max_result_bytes = max_result_bytes

    def run(self, query: str, media_type: str, default_graph_uris: Sequence[str] = (),
            named_graph_uris: Sequence[str] = ()) -> RawResult:
        result = self.store.run(query, media_type, default_graph_uris, named_graph_uris)
        if self.max_result_bytes is not None and len(result.body) > self.max_result_bytes:
            raise ResultTooLarge(_too_large(self.max_result_bytes))
        return result

    def reopen(self, store: GraphStore | None = None) -> None:
        self.store = store or self.store

    def close(self) -> None:
        pass


_GENERIC_FAILURE = "the store could not evaluate the query"


def _open(descriptor: str, snapshot: str | None) -> GraphStore:
    if snapshot is None:
        return get_store(descriptor, read_only=True)
    store = get_store("memory:")
    store.load_graph(str(GRAPH_DATA), Path(snapshot))  # N-Quads: each statement keeps its graph
    return store


def _serve(descriptor: str, connection: Connection, snapshot: str | None = None,
           max_result_bytes: int | None = None) -> None:
    """A worker's loop: open the store read-only, answer requests until the pipe closes."""
    store = _open(descriptor, snapshot)
    while True:
        try:
            query, media_type, default_graphs, named_graphs = connection.recv()
        except (EOFError, OSError):
            return
        try:
            result = store.run(query, media_type, default_graphs, named_graphs)
            if max_result_bytes is not None and len(result.body) > max_result_bytes:
                connection.send(("too_large", _too_large(max_result_bytes), ""))
                continue
            connection.send(("ok", result.body, result.media_type))
        except QuerySyntaxError as error:
            connection.send(("syntax", str(error), ""))
        except Exception:  # noqa: BLE001 - engine errors may echo remote content; never pass them on
            connection.send(("failed", _GENERIC_FAILURE, ""))


class _Worker:
    def __init__(self, context, descriptor: str, snapshot: str | None = None,
                 max_result_bytes: int | None = None, generation: int = 0) -> None:
        self.generation = generation
        self.connection, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(descriptor, child, snapshot, max_result_bytes),
                                       daemon=True, name="carekg-query-worker")
        self.process.start()
        child.close()

    def stop(self) -> None:
        self.connection.close()
        self.process.kill()
        self.process.join(timeout=5)


class WorkerPoolRunner:
    """A fixed pool of worker processes over a store on disk; each query gets ``timeout`` seconds."""

    def __init__(self, descriptor: str, workers: int, timeout: float, *, snapshot_of: Dumpable | None = None,
                 max_result_bytes: int | None = None) -> None:
        # spawn, not fork: the server process runs threads, and forking them is unsafe
        self._context = multiprocessing.get_context("spawn")
        self._descriptor = descriptor
        self._timeout = timeout
        self._max_result_bytes = max_result_bytes
        self._snapshot_of = snapshot_of
        self._snapshot: str | None = None
        self._generation = 0
        self._take_snapshot()
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        for _ in range(workers):
            self._idle.put(self._start())

    def _take_snapshot(self) -> None:
        """Dump an in-memory store to an N-Quads file the workers load (replacing the previous one)."""
        if self._snapshot_of is None:
            return
        import os
        import tempfile

        handle, path = tempfile.mkstemp(prefix="carekg-snapshot-", suffix=".nq")
        os.close(handle)
        self._snapshot_of.dump(Path(path))
        old, self._snapshot = self._snapshot, path
        if old:
            os.unlink(old)  # workers loaded it already; the file is only read at start

    def reopen(self, store: GraphStore | None = None) -> None:
        """The store changed (a write): each worker is replaced before its next query."""
        with self._lock:
            if self._snapshot_of is not None:
                self._take_snapshot()
            self._generation += 1

    def _start(self) -> _Worker:
        worker = _Worker(self._context, self._descriptor, self._snapshot, self._max_result_bytes,
                         self._generation)
        with self._lock:
            self._all.add(worker)
        return worker

    def _replace(self, worker: _Worker) -> _Worker:
        with self._lock:
            self._all.discard(worker)
        worker.stop()
        return self._start()

    def run(self, query: str, media_type: str, default_graph_uris: Sequence[str] = (),
            named_graph_uris: Sequence[str] = ()) -> RawResult:
        try:
            worker = self._idle.get(timeout=self._timeout)
        except queue.Empty:
            raise QueryTimeout("every query worker is busy; try again later") from None
        if worker.generation != self._generation:
            worker = self._replace(worker)
        try:
            worker.connection.send((query, media_type, tuple(default_graph_uris), tuple(named_graph_uris)))
            if not worker.connection.poll(self._timeout):
                worker = self._replace(worker)
                raise QueryTimeout(f"the query did not finish within {self._timeout:g} seconds")
            status, payload, answered_type = worker.connection.recv()
        except (EOFError, OSError):
            worker = self._replace(worker)
            raise StoreError(_GENERIC_FAILURE) from None
        finally:
            self._idle.put(worker)
        if status == "ok":
            return RawResult(payload, answered_type)
        if status == "syntax":
            raise QuerySyntaxError(payload)
        if status == "too_large":
            raise ResultTooLarge(payload)
        raise StoreError(payload)

    def close(self) -> None:
        with self._lock:
            workers, self._all = self._all, set()
        for worker in workers:
            worker.stop()
        if self._snapshot:
            import os

            with contextlib.suppress(OSError):
                os.unlink(self._snapshot)
