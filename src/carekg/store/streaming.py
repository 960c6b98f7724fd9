"""Handing an engine's results to whichever thread reads them, a bounded amount at a time.

pyoxigraph's result iterators must stay in the thread that made them: advancing one from another
thread aborts the whole process (pyo3's "unsendable" check). A streaming HTTP response advances its
iterator from whichever pool thread is free, chunk by chunk. So :func:`in_own_thread` runs the
iteration in one thread of its own and passes the items over through a queue a few batches long:
memory stays bounded by ``batch * ahead`` items, whatever the size of the result. The first batch is
small, so the reader's first items wait for no more of the result than they need.

:func:`written_in_own_thread` does the same for a writer that pushes bytes (pyoxigraph's
``Store.dump``, which serialises a whole graph in Rust, several times quicker than serialising its
quads from Python): the bytes are handed over in chunks that end at a line's end, a few chunks ahead.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator
from typing import BinaryIO, TypeVar, cast

Item = TypeVar("Item")

#: Items handed over at a time, and batches the producer may run ahead of the reader.
BATCH = 2_000
AHEAD = 2
#: Items in the first batch: a streamed download sends its first bytes when these are in (at 1M
#: triples, 2,000 rows of the findings CSV took ~0.9 s on a loaded machine, their first 100 ~0.1 s).
FIRST_BATCH = 100
#: Bytes in a written chunk, and in the first one (a download's first bytes wait for no more).
CHUNK_BYTES = 1 << 20
FIRST_CHUNK_BYTES = 64 << 10
_DONE = object()
#: Seconds between the producer's checks that the reader is still there.
_POLL = 0.1


class _ReaderGone(Exception):
    """Raised in the writer's ``write`` once the reader has gone, to stop the writing."""


class _Handover:
    """A queue ``ahead`` items long from one producer thread to the reader, which the producer stops
    feeding once the reader has gone (``stop``)."""

    def __init__(self, ahead: int) -> None:
        self.queue: queue.Queue = queue.Queue(maxsize=ahead)
        self.stop = threading.Event()

    def put(self, item: object) -> bool:
        while not self.stop.is_set():
            try:
                self.queue.put(item, timeout=_POLL)
                return True
            except queue.Full:
                continue
        return False

    def read(self, run: Callable[[], None]) -> Iterator:
        """The items ``run`` puts, run in a thread of its own; each handed-over list is read item by
        item, an error put is raised."""
        thread = threading.Thread(target=run, name="carekg-results", daemon=True)
        thread.start()
        try:
            while True:
                got = self.queue.get()
                if got is _DONE:
                    return
                if isinstance(got, BaseException):
                    raise got
                yield from got
        finally:
            self.stop.set()


def in_own_thread(produce: Callable[[], Iterator[Item]], batch: int = BATCH,
                  ahead: int = AHEAD, first_batch: int = FIRST_BATCH) -> Iterator[Item]:
    """The items of ``produce()``, which is called and iterated in a thread of its own, handed over
    ``min(first_batch, batch)`` items first, then ``batch`` at a time. An error it
    raises is raised to the reader, at the item it would have given. Closing the returned iterator
    early (a client that goes away) stops the producer at its next batch."""
    handover = _Handover(ahead)

    def run() -> None:
        try:
            items: list = []
            size = min(first_batch, batch)
            for item in produce():
                items.append(item)
                if len(items) == size:
                    if not handover.put(items):
                        return
                    items, size = [], batch
            if (not items or handover.put(items)) and handover.put(_DONE):
                return
        except BaseException as error:  # noqa: BLE001 - every error goes to the reader
            handover.put(error)

    return handover.read(run)


class _Chunks:
    """A binary writer that hands what it is given over in chunks ending with ``ends``."""

    def __init__(self, handover: _Handover, ends: bytes, first_bytes: int, chunk_bytes: int) -> None:
        self.handover, self.ends, self.chunk_bytes = handover, ends, chunk_bytes
        self.wanted = min(first_bytes, chunk_bytes)
        self.held = bytearray()

    def write(self, data: bytes) -> int:
        self.held += data
        if len(self.held) >= self.wanted:
            end = self.held.rfind(self.ends) + len(self.ends)
            if end >= len(self.ends):
                self.hand_over(end)
                self.wanted = self.chunk_bytes
        return len(data)

    def flush(self) -> None:
        """Nothing to do: pyoxigraph flushes its writer, chunks are handed over as they fill."""

    def hand_over(self, end: int) -> None:
        if not self.handover.put([bytes(self.held[:end])]):
            raise _ReaderGone
        del self.held[:end]


def written_in_own_thread(write: Callable[[BinaryIO], object], ends: bytes = b"\n",
                          chunk_bytes: int | None = None, first_bytes: int | None = None,
                          ahead: int = AHEAD) -> Iterator[bytes]:
    """The bytes ``write(writer)`` writes, called in a thread of its own, handed over in chunks that
    end with ``ends`` (a line's end; ASCII, so no chunk splits a UTF-8 character):
    the first once ``first_bytes`` are written, then about ``chunk_bytes`` at a time (defaults
    FIRST_CHUNK_BYTES and CHUNK_BYTES). An error it raises is raised to the reader after the chunks
    before it. Closing the returned iterator early stops the writer at its next write."""
    handover = _Handover(ahead)

    def run() -> None:
        writer = _Chunks(handover, ends, first_bytes or FIRST_CHUNK_BYTES, chunk_bytes or CHUNK_BYTES)
        try:
            write(cast(BinaryIO, writer))  # a writer as pyoxigraph uses one: write and flush
            if writer.held:
                writer.hand_over(len(writer.held))
            handover.put(_DONE)
        except BaseException as error:  # noqa: BLE001 - every error goes to the reader
            if not handover.stop.is_set():
                handover.put(error)

    return handover.read(run)
