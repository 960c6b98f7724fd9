"""Running users' SPARQL queries with a hard deadline.

A pyoxigraph query holds the GIL and cannot be cancelled (oxigraph#1926), so a runaway query would
stall the server. With an on-disk store, user queries therefore run in a small pool of worker
processes that open the store read-only; a query that overruns its deadline has its worker killed
and replaced. A store object handed in by a caller (an in-memory store in tests) cannot be shared
with other processes, so its queries run in the calling thread, without a hard deadline.
"""

from __future__ import annotations

import multiprocessing
import queue
import threading
from collections.abc import Sequence
from multiprocessing.connection import Connection
from typing import Protocol

from carekg.store import GraphStore, QuerySyntaxError, RawResult, StoreError, get_store


class QueryTimeout(StoreError):
    """The query ran out of time (or no worker became free in time)."""


class QueryRunner(Protocol):
    def run(self, query: str, media_type: str, default_graph_uris: Sequence[str] = (),
            named_graph_uris: Sequence[str] = ()) -> RawResult:
        """Run a checked, read-only query; raises QuerySyntaxError, QueryTimeout or StoreError."""

    def close(self) -> None:
        """Stop any workers."""


class InProcessRunner:
    """Runs queries on the given store in the calling thread."""

    def __init__(self, store: GraphStore) -> None:
        self.store = store

    def run(self, query: str, media_type: str, default_graph_uris: Sequence[str] = (),
            named_graph_uris: Sequence[str] = ()) -> RawResult:
        return self.store.run(query, media_type, default_graph_uris, named_graph_uris)

    def close(self) -> None:
        pass


_GENERIC_FAILURE = "the store could not evaluate the query"


def _serve(descriptor: str, connection: Connection) -> None:
    """A worker's loop: open the store read-only, answer requests until the pipe closes."""
    store = get_store(descriptor, read_only=True)
    while True:
        try:
            query, media_type, default_graphs, named_graphs = connection.recv()
        except (EOFError, OSError):
            return
        try:
            result = store.run(query, media_type, default_graphs, named_graphs)
            connection.send(("ok", result.body, result.media_type))
        except QuerySyntaxError as error:
            connection.send(("syntax", str(error), ""))
        except Exception:  # noqa: BLE001 - engine errors may echo remote content; never pass them on
            connection.send(("failed", _GENERIC_FAILURE, ""))


class _Worker:
    def __init__(self, context, descriptor: str) -> None:
        self.connection, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(descriptor, child), daemon=True,
                                       name="carekg-query-worker")
        self.process.start()
        child.close()

    def stop(self) -> None:
        self.connection.close()
        self.process.kill()
        self.process.join(timeout=5)


class WorkerPoolRunner:
    """A fixed pool of worker processes over a store on disk; each query gets ``timeout`` seconds."""

    def __init__(self, descriptor: str, workers: int, timeout: float) -> None:
        # spawn, not fork: the server process runs threads, and forking them is unsafe
        self._context = multiprocessing.get_context("spawn")
        self._descriptor = descriptor
        self._timeout = timeout
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        for _ in range(workers):
            self._idle.put(self._start())

    def _start(self) -> _Worker:
        worker = _Worker(self._context, self._descriptor)
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
        raise StoreError(payload)

    def close(self) -> None:
        with self._lock:
            workers, self._all = self._all, set()
        for worker in workers:
            worker.stop()
