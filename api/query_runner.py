"""Running users' SPARQL queries with a hard deadline.

A pyoxigraph query holds the GIL and cannot be cancelled (oxigraph#1926), so a runaway query would
stall the server. With an on-disk store, user queries therefore run in a small pool of worker
processes that open the store read-only; a query that overruns its deadline has its worker killed
and replaced. A worker answers with the bytes the engine serialised, framed, over a socket pair. When a
worker is idle, the event loop talks to it itself: the request wakes the worker, the answer wakes the
loop, and no thread comes between them (each wake-up is a wait for a core on a busy machine;
docs/bench.md, issue 14). When every worker is busy, the request waits for one in a thread, as before.
An in-memory store handed in by a caller (tests, embedding) is dumped once to an N-Quads snapshot that
each worker loads, so the same deadline holds; ``reopen()`` (after a write) makes every worker reopen
the store, or reload a fresh snapshot, before its next query. Only a store object that is neither (a
test double) runs in a thread, without a hard deadline. Answers larger than ``max_result_bytes`` are
refused (ResultTooLarge) instead of being sent.
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import pickle
import queue
import socket
import struct
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Protocol

from starlette.concurrency import run_in_threadpool

from carekg.ids import GRAPH_DATA
from carekg.store import Dumpable, GraphStore, QuerySyntaxError, RawResult, StoreError, get_store


class QueryTimeout(StoreError):
    """The query ran out of time (or no worker became free in time)."""


class ResultTooLarge(StoreError):
    """The serialised answer is larger than the configured cap."""


def _too_large(limit: int) -> str:
    return f"the result is larger than {limit} bytes; narrow the query or add LIMIT"


class QueryRunner(Protocol):
    async def answer(self, query: str, media_type: str, default_graph_uris: Sequence[str] = (),
                     named_graph_uris: Sequence[str] = ()) -> RawResult:
        """Run a checked, read-only query; raises QuerySyntaxError, QueryTimeout, ResultTooLarge or
        StoreError."""

    def reopen(self, store: GraphStore | None = None) -> None:
        """The store changed: answer later queries from ``store`` (or the reopened store)."""

    def close(self) -> None:
        """Stop any workers."""


class InProcessRunner:
    """Runs queries on the given store in a thread of the pool."""

    def __init__(self, store: GraphStore, max_result_bytes: int | None = None) -> None:
        self.store = store
        self.max_result_bytes = max_result_bytes

    def _run(self, query: str, media_type: str, default_graph_uris: Sequence[str],
             named_graph_uris: Sequence[str]) -> RawResult:
        result = self.store.run(query, media_type, default_graph_uris, named_graph_uris)
        if self.max_result_bytes is not None and len(result.body) > self.max_result_bytes:
            raise ResultTooLarge(_too_large(self.max_result_bytes))
        return result

    async def answer(self, query: str, media_type: str, default_graph_uris: Sequence[str] = (),
                     named_graph_uris: Sequence[str] = ()) -> RawResult:
        return await run_in_threadpool(self._run, query, media_type, default_graph_uris, named_graph_uris)

    def reopen(self, store: GraphStore | None = None) -> None:
        self.store = store or self.store

    def close(self) -> None:
        pass


_GENERIC_FAILURE = "the store could not evaluate the query"

#: A frame: its length, then that many bytes. An answer's frame holds its status (below) and the length
#: of its label (the media type, or the refusal's message), then the label, then the body.
_LENGTH = struct.Struct("!Q")
_ANSWER = struct.Struct("!BI")
_OK, _SYNTAX, _TOO_LARGE, _FAILED = range(4)


def _open(descriptor: str, snapshot: str | None) -> GraphStore:
    if snapshot is None:
        return get_store(descriptor, read_only=True)
    store = get_store("memory:")
    store.load_graph(str(GRAPH_DATA), Path(snapshot))  # N-Quads: each statement keeps its graph
    return store


def _read_exactly(channel: socket.socket, size: int, deadline: float | None = None) -> bytes:
    """``size`` bytes from a blocking ``channel``; TimeoutError once past ``deadline`` (monotonic)."""
    buffer = bytearray(size)
    view, got = memoryview(buffer), 0
    while got < size:
        if deadline is not None:
            channel.settimeout(max(deadline - time.monotonic(), 1e-6))
        count = channel.recv_into(view[got:])
        if count == 0:
            raise EOFError
        got += count
    return bytes(buffer)


def _answer_frame(status: int, label: str, body: bytes = b"") -> bytes:
    encoded = label.encode()
    size = _ANSWER.size + len(encoded) + len(body)
    return b"".join((_LENGTH.pack(size), _ANSWER.pack(status, len(encoded)), encoded, body))


def _answer(frame: bytes | bytearray) -> tuple[int, str, bytes]:
    view = memoryview(frame)
    status, label_length = _ANSWER.unpack(view[:_ANSWER.size])
    label_end = _ANSWER.size + label_length
    return status, bytes(view[_ANSWER.size:label_end]).decode(), bytes(view[label_end:])


def _serve(descriptor: str, channel: socket.socket, snapshot: str | None = None,
           max_result_bytes: int | None = None) -> None:
    """A worker's loop: open the store read-only, answer requests until the socket closes."""
    channel.setblocking(True)
    store = _open(descriptor, snapshot)
    while True:
        try:
            (size,) = _LENGTH.unpack(_read_exactly(channel, _LENGTH.size))
            query, media_type, default_graphs, named_graphs = pickle.loads(_read_exactly(channel, size))
        except (EOFError, OSError):
            return
        try:
            result = store.run(query, media_type, default_graphs, named_graphs)
            if max_result_bytes is not None and len(result.body) > max_result_bytes:
                frame = _answer_frame(_TOO_LARGE, _too_large(max_result_bytes))
            else:
                frame = _answer_frame(_OK, result.media_type, result.body)
        except QuerySyntaxError as error:
            frame = _answer_frame(_SYNTAX, str(error))
        except Exception:  # noqa: BLE001 - engine errors may echo remote content; never pass them on
            frame = _answer_frame(_FAILED, _GENERIC_FAILURE)
        try:
            channel.sendall(frame)
        except OSError:
            return


class _Worker:
    def __init__(self, context, descriptor: str, snapshot: str | None = None,
                 max_result_bytes: int | None = None, generation: int = 0) -> None:
        self.generation = generation
        self.channel, child = socket.socketpair()
        self.process = context.Process(target=_serve, args=(descriptor, child, snapshot, max_result_bytes),
                                       daemon=True, name="carekg-query-worker")
        self.process.start()
        child.close()
        self.channel.setblocking(False)  # as the event loop's sock_* calls need it

    async def exchange(self, request: bytes) -> tuple[int, str, bytes]:
        """Send a request and read its answer from the event loop, without blocking it."""
        loop = asyncio.get_running_loop()
        await loop.sock_sendall(self.channel, _LENGTH.pack(len(request)) + request)
        (size,) = _LENGTH.unpack(await self._receive(loop, _LENGTH.size))
        return _answer(await self._receive(loop, size))

    async def _receive(self, loop: asyncio.AbstractEventLoop, size: int) -> bytearray:
        buffer = bytearray(size)
        view, got = memoryview(buffer), 0
        while got < size:
            count = await loop.sock_recv_into(self.channel, view[got:])
            if count == 0:
                raise EOFError
            got += count
        return buffer

    def exchange_blocking(self, request: bytes, timeout: float) -> tuple[int, str, bytes]:
        """The same from a thread; TimeoutError after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        try:
            self.channel.settimeout(timeout)
            self.channel.sendall(_LENGTH.pack(len(request)) + request)
            (size,) = _LENGTH.unpack(_read_exactly(self.channel, _LENGTH.size, deadline))
            return _answer(_read_exactly(self.channel, size, deadline))
        finally:
            self.channel.setblocking(False)

    def stop(self) -> None:
        self.channel.close()
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
        # The most recently used idle worker is taken first: its caches are warm.
        self._idle: queue.LifoQueue[_Worker] = queue.LifoQueue()
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

    def _current(self, worker: _Worker) -> _Worker:
        return worker if worker.generation == self._generation else self._replace(worker)

    async def answer(self, query: str, media_type: str, default_graph_uris: Sequence[str] = (),
                     named_graph_uris: Sequence[str] = ()) -> RawResult:
        request = pickle.dumps((query, media_type, tuple(default_graph_uris), tuple(named_graph_uris)))
        try:
            worker = self._idle.get_nowait()
        except queue.Empty:
            status, label, body = await run_in_threadpool(self._wait_and_run, request)
        else:
            status, label, body = await self._run_here(worker, request)
        if status == _OK:
            return RawResult(body, label)
        if status == _SYNTAX:
            raise QuerySyntaxError(label)
        if status == _TOO_LARGE:
            raise ResultTooLarge(label)
        raise StoreError(label)

    @contextlib.contextmanager
    def _lent(self, worker: _Worker) -> Iterator[_Worker]:
        """``worker`` (replaced first if a write made it stale) for one query, then idle again; one that
        overran, failed or was abandoned mid-query is replaced, so its answer never reaches the next."""
        worker = self._current(worker)
        try:
            yield worker
        except TimeoutError:
            worker = self._replace(worker)
            raise QueryTimeout(f"the query did not finish within {self._timeout:g} seconds") from None
        except (EOFError, OSError):
            worker = self._replace(worker)
            raise StoreError(_GENERIC_FAILURE) from None
        except BaseException:  # cancelled
            worker = self._replace(worker)
            raise
        finally:
            self._idle.put(worker)

    async def _run_here(self, worker: _Worker, request: bytes) -> tuple[int, str, bytes]:
        with self._lent(worker) as current:
            async with asyncio.timeout(self._timeout):
                return await current.exchange(request)

    def _wait_and_run(self, request: bytes) -> tuple[int, str, bytes]:
        try:
            worker = self._idle.get(timeout=self._timeout)
        except queue.Empty:
            raise QueryTimeout("every query worker is busy; try again later") from None
        with self._lent(worker) as current:
            return current.exchange_blocking(request, self._timeout)

    def close(self) -> None:
        with self._lock:
            workers, self._all = self._all, set()
        for worker in workers:
            worker.stop()
        if self._snapshot:
            import os

            with contextlib.suppress(OSError):
                os.unlink(self._snapshot)
