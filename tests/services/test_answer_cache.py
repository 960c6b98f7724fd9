"""carekg.services.answer_cache: one computation per (store, version, question), and never another
store's answer (#13)."""

from __future__ import annotations

import gc
import threading

from carekg.services import answer_cache
from carekg.store import get_store

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def _store_with(triples: int, version: str = "v1"):
    store = get_store("memory:")
    for i in range(triples):
        store.update(f"INSERT DATA {{ GRAPH <https://example.org/g> {{ <https://example.org/s{i}> "
                     f"<https://example.org/p> {i} }} }}")
    store.set_version(version)
    return store


def test_a_new_store_never_gets_a_collected_stores_answer():
    """Stores made and dropped one after another (CPython reuses the memory, and so the id(), of a
    collected object): each gets its own answer."""
    calls = []

    @answer_cache.cached
    def size(store) -> int:
        calls.append(1)
        return int(store.select(COUNT)[0]["n"])

    for triples in range(1, 16):
        store = _store_with(triples)
        assert size(store) == store.triple_count(), triples
        del store
        gc.collect()
    assert len(calls) == 15


def test_a_second_caller_never_computes_while_the_answer_is_being_stored(monkeypatch):
    """Between the end of a computation and its answer being cached, a second caller (started at every
    moment the cache's lock is free) waits for or finds the answer: the question is computed once."""
    store = _store_with(1)
    computed = []
    others: list[threading.Thread] = []
    answers = []

    @answer_cache.cached
    def slow(store) -> str:
        computed.append(threading.get_ident())
        return "answer"

    lock = threading.Lock()

    class Probe:
        """The cache's lock; each time it is let go after the first computation, a second caller starts."""

        def __enter__(self):
            lock.acquire()

        def __exit__(self, *exc):
            lock.release()
            if computed and len(others) < 8:
                other = threading.Thread(target=lambda: answers.append(slow(store)))
                others.append(other)
                other.start()
                other.join(timeout=0.2)  # it may wait for the first computation: then it ends later

    monkeypatch.setattr(answer_cache, "_CACHE_LOCK", Probe())
    assert slow(store) == "answer"
    for other in others:
        other.join(timeout=5)
    assert others and answers == ["answer"] * len(others)
    assert len(computed) == 1


def test_refresh_computes_the_answers_of_the_previous_version_again_for_the_new_one():
    """After a write (a new version) the answers readers had asked for are computed again, so the first
    reader of the new version finds its answer; a reader's later call computes nothing."""
    calls = []

    @answer_cache.cached
    def size(store, graph: str) -> int:
        calls.append(graph)
        return store.triple_count(graph)

    store = _store_with(3)
    assert size(store, "https://example.org/g") == 3
    store.update("INSERT DATA { GRAPH <https://example.org/g> { <https://example.org/new> "
                 "<https://example.org/p> 1 } }")
    store.set_version("v2")
    refreshing = answer_cache.Refresh(store)
    assert refreshing.join(60) and refreshing.computed >= 1
    assert calls == ["https://example.org/g"] * 2
    assert size(store, "https://example.org/g") == 4 and len(calls) == 2  # found, not computed


def test_a_refresh_not_done_in_time_goes_on_and_its_reader_waits_for_it_instead_of_computing_again():
    """``join(seconds)`` stops waiting, not computing: the answers go on being computed, and a reader
    of one being computed waits for that computation (COMPUTED counts one per answer)."""
    released = threading.Event()

    @answer_cache.cached
    def slow(store, n: int) -> int:
        released.wait(30)
        return store.triple_count() + n

    answer_cache.clear()  # only this test's answers are refreshed
    store = _store_with(2)
    released.set()
    base = store.triple_count()
    assert [slow(store, n) for n in range(3)] == [base, base + 1, base + 2]
    released.clear()
    store.update("INSERT DATA { GRAPH <https://example.org/g> { <https://example.org/x> "
                 "<https://example.org/p> 9 } }")
    store.set_version("v2")
    computed = answer_cache.COMPUTED["slow"]
    refreshing = answer_cache.Refresh(store, threads=2)
    assert not refreshing.join(0.2)  # both threads wait in ``slow``, on the two most recently used
    reader = threading.Thread(target=lambda: answers.append(slow(store, 2)))
    answers: list[int] = []
    reader.start()
    released.set()
    reader.join(30)
    assert refreshing.join(30) and refreshing.computed == 3 and answers == [store.triple_count() + 2]
    assert answer_cache.COMPUTED["slow"] == computed + 3


def test_a_stopped_refresh_computes_no_more_answers():
    """A later write stops the previous write's refresh: the answers it had not started are left."""
    released = threading.Event()

    @answer_cache.cached
    def held(store, n: int) -> int:
        released.wait(30)
        return n

    answer_cache.clear()
    store = _store_with(1)
    released.set()
    assert [held(store, n) for n in range(4)] == [0, 1, 2, 3]
    released.clear()
    store.set_version("v2")
    computed = answer_cache.COMPUTED["held"]
    refreshing = answer_cache.Refresh(store, threads=1)
    assert not refreshing.join(0.2)  # its one thread waits in the first answer
    refreshing.stop()
    released.set()
    assert refreshing.join(30) and refreshing.computed == 1
    assert answer_cache.COMPUTED["held"] == computed + 1
