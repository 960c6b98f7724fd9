"""The answer cache: one answer per (store, dataset version, question), computed once."""

from __future__ import annotations

import functools
import itertools
import threading
import time
import weakref
from collections import Counter, OrderedDict, deque
from collections.abc import Callable
from typing import TypeVar, cast

from carekg.store.base import GraphStore

_CACHE: OrderedDict[tuple, object] = OrderedDict()
_CACHE_SIZE = 512
_CACHE_LOCK = threading.Lock()
_COMPUTING: dict[tuple, threading.Lock] = {}
#: A number per live store, never given again: id(store) can be a new store's once the old one is
#: collected, and the new store would then get the old one's answers.
_STORES: weakref.WeakKeyDictionary[GraphStore, int] = weakref.WeakKeyDictionary()
_NUMBERS = itertools.count()
#: Each cached function's wrapper, so :func:`refresh` can compute an answer again under a new version.
_WRAPPERS: dict[Callable, Callable] = {}
#: The most recently used answers computed again after a write (each may take a second at 1M triples).
REFRESH_MAX = 64
#: Threads computing them: the store answers queries on both cores of the machine the service is sized for.
REFRESH_THREADS = 2
#: How many times each cached function was computed (not found): a reader's page that was computed
#: before it came shows here as no computation.
COMPUTED: Counter[str] = Counter()
Result = TypeVar("Result")


def _number(store: GraphStore) -> int:
    with _CACHE_LOCK:
        number = _STORES.get(store)
        if number is None:
            number = _STORES[store] = next(_NUMBERS)
        return number


def cached(function: Callable[..., Result]) -> Callable[..., Result]:
    """Remember answers per (store, dataset version, arguments); a new version makes old keys unused.
    A store without a version (empty, or being loaded) is never cached."""

    @functools.wraps(function)
    def wrapper(store: GraphStore, *args, **kwargs) -> Result:
        version = store.dataset_version()
        if version is None:
            return function(store, *args, **kwargs)
        key = (_number(store), version, function, args, tuple(sorted(kwargs.items())))
        with _CACHE_LOCK:
            if key in _CACHE:
                _CACHE.move_to_end(key)
                return cast(Result, _CACHE[key])
            computing = _COMPUTING.setdefault(key, threading.Lock())
        # One computation per key: concurrent requests for a cold answer wait for it instead of
        # repeating it (at 1M triples a whole-table answer takes seconds, and 64 clients would
        # otherwise each start one).
        with computing:
            with _CACHE_LOCK:
                if key in _CACHE:
                    return cast(Result, _CACHE[key])
            try:
                value = function(store, *args, **kwargs)
            except BaseException:
                with _CACHE_LOCK:
                    _COMPUTING.pop(key, None)
                raise
            # The answer is stored and the marker removed in one step: a caller coming in between
            # would otherwise find neither and compute the answer again.
            with _CACHE_LOCK:
                _CACHE[key] = value
                _COMPUTING.pop(key, None)
                COMPUTED[function.__name__] += 1
                while len(_CACHE) > _CACHE_SIZE:
                    _CACHE.popitem(last=False)
        return value

    _WRAPPERS[function] = wrapper
    return wrapper


class Refresh:
    """Computes again, for ``store``'s current version, the answers last kept for other versions (most
    recently used first, at most REFRESH_MAX) on REFRESH_THREADS threads, from the moment it is made:
    after a write (a new version makes every kept answer unreachable) the first reader of a page asked
    before finds its answer. It does not know which answers the write changed, so it computes each
    again. ``join(seconds)`` waits for them; those not done by then go on in the background, and a reader
    of an answer being computed waits for it (one computation per key) instead of repeating it."""

    def __init__(self, store: GraphStore, threads: int = REFRESH_THREADS) -> None:
        self.store = store
        self.version = store.dataset_version()
        self.computed = 0
        with _CACHE_LOCK:
            wanted = list(dict.fromkeys((k[2], k[3], k[4]) for k in reversed(_CACHE) if k[1] != self.version))
        self._wanted = deque(wanted[:REFRESH_MAX] if self.version is not None else ())
        self._lock = threading.Lock()
        self._stopped = threading.Event()
        self._threads = [threading.Thread(target=self._work, name=f"carekg-answer-refresh-{n}", daemon=True)
                         for n in range(min(threads, len(self._wanted)))]
        for thread in self._threads:
            thread.start()

    def _work(self) -> None:
        while True:
            try:
                function, args, kwargs = self._wanted.popleft()
            except IndexError:
                return
            if self._stopped.is_set() or self.store.dataset_version() != self.version:
                return  # another write came in: its own refresh takes over
            try:
                _WRAPPERS[function](self.store, *args, **dict(kwargs))
            except Exception:  # noqa: BLE001 - an answer that fails now fails again for its reader, uncached
                continue
            with self._lock:
                self.computed += 1

    def stop(self) -> None:
        """Compute no more answers (those being computed are finished): a later version came."""
        self._stopped.set()

    def join(self, seconds: float | None = None) -> bool:
        """Wait up to ``seconds`` (None: until done) for the answers; True when every one is done."""
        deadline = None if seconds is None else time.monotonic() + seconds
        for thread in self._threads:
            thread.join(None if deadline is None else max(0.0, deadline - time.monotonic()))
        return not any(thread.is_alive() for thread in self._threads)


def clear(function_name: str | None = None) -> None:
    """Forget every cached answer, or only those of the service function named ``function_name``
    (for measuring cold answers)."""
    with _CACHE_LOCK:
        for key in [k for k in _CACHE if function_name in (None, k[2].__name__)]:
            del _CACHE[key]
