"""Handing an engine's results to whichever thread reads them, a bounded batch at a time.

pyoxigraph's result iterators must stay in the thread that made them: advancing one from another
thread aborts the whole process (pyo3's "unsendable" check). A streaming HTTP response advances its
iterator from whichever pool thread is free, chunk by chunk. So :func:`in_own_thread` runs the
iteration in one thread of its own and passes the items over through a queue a few batches long:
memory stays bounded by ``batch * ahead`` items, whatever the size of the result. The first batch is
small, so the reader's first items wait for no more of the result than they need.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator
from typing import TypeVar

Item = TypeVar("Item")

#: Items handed over at a time, and batches the producer may run ahead of the reader.
BATCH = 2_000
AHEAD = 2
#: Items in the first batch: a streamed download sends its first bytes when these are in (at 1M
#: triples, 2,000 rows of the findings CSV took ~0.9 s on a loaded machine, their first 100 ~0.1 s).
FIRST_BATCH = 100
_DONE = object()
#: Seconds between the producer's checks that the reader is still there.
_POLL = 0.1


def in_own_thread(produce: Callable[[], Iterator[Item]], batch: int = BATCH,
                  ahead: int = AHEAD, first_batch: int = FIRST_BATCH) -> Iterator[Item]:
    """The items of ``produce()``, which is called and iterated in a thread of its own, handed over
    ``min(first_batch, batch)`` items first, then ``batch`` at a time. An error it
    raises is raised to the reader, at the item it would have given. Closing the returned iterator
    early (a client that goes away) stops the producer at its next batch."""
    handover: queue.Queue = queue.Queue(maxsize=ahead)
    stop = threading.Event()

    def put(item: object) -> bool:
        while not stop.is_set():
            try:
                handover.put(item, timeout=_POLL)
                return True
            except queue.Full:
                continue
        return False

    def run() -> None:
        try:
            items: list = []
            size = min(first_batch, batch)
            for item in produce():
                items.append(item)
                if len(items) == size:
                    if not put(items):
                        return
                    items, size = [], batch
            if (not items or put(items)) and put(_DONE):
                return
        except BaseException as error:  # noqa: BLE001 - every error goes to the reader
            put(error)

    thread = threading.Thread(target=run, name="carekg-results", daemon=True)
    thread.start()
    try:
        while True:
            got = handover.get()
            if got is _DONE:
                return
            if isinstance(got, BaseException):
                raise got
            yield from got
    finally:
        stop.set()
