"""carekg.store.streaming: an iterator advanced in one thread of its own, read from any thread, a
bounded number of items ahead, stopped when the reader goes away."""

from __future__ import annotations

import itertools
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pyoxigraph as ox
import pytest

from carekg.store.streaming import in_own_thread, written_in_own_thread


def _wait_for(condition, seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return condition()


def test_the_items_are_made_in_one_thread_whichever_threads_read_them():
    made_in: set[int] = set()

    def produce():
        for number in range(25):
            made_in.add(threading.get_ident())
            yield number

    items = in_own_thread(produce, batch=3)
    with ThreadPoolExecutor(4) as pool:
        read = [pool.submit(next, items, None).result() for _ in range(30)]
    assert read[:25] == list(range(25)) and read[25:] == [None] * 5
    assert len(made_in) == 1 and threading.get_ident() not in made_in


def test_a_pyoxigraph_result_can_be_read_from_other_threads():
    """Advanced from another thread than its own, pyoxigraph's iterator aborts the process."""
    store = ox.Store()
    for number in range(50):
        store.add(ox.Quad(ox.NamedNode(f"https://example.org/{number}"), ox.NamedNode("https://example.org/p"),
                          ox.Literal(number), ox.DefaultGraph()))
    query = "SELECT ?o WHERE { ?s ?p ?o }"
    values = in_own_thread(lambda: (solution["o"].value for solution in store.query(query)), batch=7)
    with ThreadPoolExecutor(3) as pool:
        read = [pool.submit(next, values, None).result() for _ in range(51)]
    assert sorted(read[:50], key=int) == [str(n) for n in range(50)] and read[50] is None


def test_the_producer_runs_only_a_few_batches_ahead_and_stops_when_the_reader_goes():
    made = itertools.count()
    stopped = threading.Event()

    def produce():
        try:
            while True:
                yield next(made)
        finally:
            stopped.set()

    items = in_own_thread(produce, batch=10, ahead=2)
    assert next(items) == 0
    time.sleep(0.3)
    # one batch read, two queued, one being filled: nowhere near unbounded
    assert next(made) <= 10 * 4 + 1
    items.close()
    assert _wait_for(stopped.is_set)


def test_an_error_of_the_producer_is_raised_to_the_reader_after_the_items_before_it():
    def produce():
        yield 1
        yield 2
        raise LookupError("the store went away")

    items = in_own_thread(produce, batch=1)
    assert [next(items), next(items)] == [1, 2]
    with pytest.raises(LookupError, match="went away"):
        next(items)


def test_the_first_items_are_handed_over_in_a_small_batch():
    """A reader waits for ``first_batch`` items, not a whole batch: the first rows of a download."""
    more = threading.Event()

    def produce():
        yield from range(5)
        more.wait(5)  # the rest of the result is slow to come
        yield from range(5, 1_000)

    items = in_own_thread(produce, batch=500, first_batch=5)
    started = time.monotonic()
    assert [next(items) for _ in range(5)] == [0, 1, 2, 3, 4] and time.monotonic() - started < 4
    more.set()
    assert list(items) == list(range(5, 1_000))


def test_a_graph_export_left_early_drops_the_engines_iterator_in_its_own_thread(monkeypatch):
    """A download the client leaves is closed by another thread than the one that read its first chunk;
    pyoxigraph's iterator must still be dropped where it was made (else pyo3 reports and leaks it)."""
    import gc
    import sys

    from carekg.store.oxigraph_store import OxigraphStore

    reported: list = []
    monkeypatch.setattr(sys, "unraisablehook", reported.append)
    store = OxigraphStore(None)
    graph = "https://example.org/graph"
    store._store.extend([ox.Quad(ox.NamedNode(f"https://example.org/{n}"), ox.NamedNode("https://example.org/p"),
                                 ox.Literal(n), ox.NamedNode(graph)) for n in range(5_000)])
    chunks = store.graph_ntriples(graph)
    with ThreadPoolExecutor(1) as first, ThreadPoolExecutor(1) as other:
        assert first.submit(next, chunks).result().startswith(b"<https://example.org/")
        other.submit(chunks.close).result()
    del chunks
    time.sleep(0.3)  # the producer sees the reader gone at its next poll
    gc.collect()
    assert reported == []


def test_written_bytes_come_in_chunks_that_end_at_a_line_and_a_small_first_one():
    lines = [f"line {number} é\n".encode() for number in range(5_000)]

    def write(writer):
        for start in range(0, len(lines), 7):  # writes that end mid-line, as an engine's buffer does
            data = b"".join(lines[start:start + 7])
            writer.write(data[:20])
            writer.write(data[20:])

    chunks = list(written_in_own_thread(write, chunk_bytes=4_000, first_bytes=200))
    assert b"".join(chunks) == b"".join(lines)
    assert all(chunk.endswith(b"\n") for chunk in chunks)
    assert len(chunks[0]) < 400 and max(map(len, chunks)) < 4_000 + 400 and len(chunks) > 10
    written = b'[' + b','.join(b'{"a":"\xc3\xa9 %d"}' % number for number in range(500)) + b']'

    def write_json(writer):
        for at in range(0, len(written), 9):
            writer.write(written[at:at + 9])

    json_like = list(written_in_own_thread(write_json, ends=b"}", chunk_bytes=1_000, first_bytes=100))
    assert b"".join(json_like) == written and len(json_like) > 5
    assert all(chunk.decode() for chunk in json_like)  # never a chunk ending inside a character


def test_a_writer_stops_when_the_reader_goes_and_its_error_reaches_the_reader():
    stopped = threading.Event()

    def endless(writer):
        try:
            while True:
                writer.write(b"x" * 1_000 + b"\n")
        finally:
            stopped.set()

    chunks = written_in_own_thread(endless, chunk_bytes=10_000, ahead=2)
    assert next(chunks).endswith(b"\n")
    chunks.close()
    assert _wait_for(stopped.is_set)

    def failing(writer):
        writer.write(b"a\n" * 100)
        raise OSError("the store went away")

    failed = written_in_own_thread(failing, chunk_bytes=50, first_bytes=50)
    assert next(failed).startswith(b"a\n")
    with pytest.raises(OSError, match="went away"):
        list(failed)
