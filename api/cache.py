"""The hot path: whole responses remembered per dataset version, answered before FastAPI routing.

Every answer of the service is a pure function of the dataset version and the request (its method,
path, query string, ``Accept`` and the host it was asked of), so a response that said so (status 200,
an ``ETag`` or a ``/sparql`` result, at most ``Vary: Accept``, no cookie) is kept and replayed byte for
byte to the next identical request, and a matching ``If-None-Match`` gets the same 304 the routes
give. The key holds the dataset version: a reload makes old entries unreachable (they age out of the
LRU). A read-only store cannot change under the server, so its version is read once at startup;
any other store is asked on every request.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from urllib.parse import unquote_to_bytes

from carekg.store import StoreError

#: Entries and bytes kept at most; a single body larger than MAX_ENTRY_BYTES is never kept.
MAX_ENTRIES = 4096
MAX_BYTES = 128 * 1024 * 1024
MAX_ENTRY_BYTES = 4 * 1024 * 1024
#: Request headers that make a request unlike another: its answer may depend on them.
_KEY_HEADERS = (b"accept", b"host")
#: Request headers that keep a request off the cache entirely.
_BYPASS_HEADERS = (b"cookie", b"authorization", b"range", b"if-match", b"if-modified-since", b"if-range",
                   b"if-unmodified-since", b"cache-control", b"pragma")
_REPLAYED_304 = (b"etag", b"cache-control", b"vary")


def _matches(header: bytes, etag: bytes) -> bool:
    candidates = {candidate.strip().removeprefix(b"W/") for candidate in header.split(b",")}
    return b"*" in candidates or etag in candidates


#: A call of a SPARQL function whose answer differs between calls (RAND, NOW, UUID, STRUUID, BNODE):
#: a query making one is never replayed. Matched as a call, not a substring, so "known" or "?uuids"
#: do not keep a query off the cache; a string or comment that looks like a call merely bypasses it.
_VOLATILE = re.compile(rb"(?<![\w?$])(?:rand|now|uuid|struuid|bnode)\s*\(", re.IGNORECASE)


def _volatile(query_string: bytes) -> bool:
    return _VOLATILE.search(unquote_to_bytes(query_string.replace(b"+", b" "))) is not None


class ResponseCache:
    """ASGI middleware: replays remembered GET responses; ``version()`` names the dataset version
    (None: the store is empty or being loaded, and nothing is cached)."""

    def __init__(self, app, version: Callable[[], str | None], fixed: bool = False) -> None:
        self.app = app
        self._version = version
        self._fixed_version = version() if fixed else None
        self._fixed = fixed
        self._entries: OrderedDict[tuple, tuple[int, list, bytes, bytes | None]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = 0

    def version(self) -> str | None:
        if self._fixed:
            return self._fixed_version
        try:
            return self._version()
        except StoreError:
            # A store that cannot be reached: nothing is cached, and the route answers 503.
            return None

    def _key(self, scope, version: str) -> tuple | None:
        picked: dict[bytes, bytes] = {}
        if_none_match = None
        for name, value in scope["headers"]:
            if name in _BYPASS_HEADERS:
                return None
            if name == b"if-none-match":
                if_none_match = value
            elif name in _KEY_HEADERS:
                if name in picked:
                    return None
                picked[name] = value
        key = (version, scope.get("scheme"), scope.get("root_path", ""), scope["path"], scope["query_string"],
               picked.get(b"accept"), picked.get(b"host"))
        return key, if_none_match

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET":
            return await self.app(scope, receive, send)
        version = self.version()
        keyed = self._key(scope, version) if version is not None else None
        if keyed is None or (scope["path"] == "/sparql" and _volatile(scope["query_string"])):
            return await self.app(scope, receive, send)
        key, if_none_match = keyed
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
        if entry is not None:
            self.hits += 1
            status, headers, body, etag = entry
            if if_none_match is not None and etag is not None and _matches(if_none_match, etag):
                kept = [(n, v) for n, v in headers if n in _REPLAYED_304]
                await send({"type": "http.response.start", "status": 304, "headers": kept})
                await send({"type": "http.response.body", "body": b""})
                return
            await send({"type": "http.response.start", "status": status, "headers": headers})
            await send({"type": "http.response.body", "body": body})
            return
        if if_none_match is not None:
            # Only complete 200 answers are remembered; a conditional request is passed on as it is.
            return await self.app(scope, receive, send)
        await self._remember(key, scope, receive, send)

    async def _remember(self, key: tuple, scope, receive, send) -> None:
        start: dict | None = None
        chunks: list[bytes] = []
        keep = True

        async def recording_send(message) -> None:
            nonlocal start, keep
            if message["type"] == "http.response.start":
                start = message
            elif message["type"] == "http.response.body" and keep:
                chunks.append(message.get("body", b""))
                if sum(map(len, chunks)) > MAX_ENTRY_BYTES:
                    keep = False
                    chunks.clear()
            await send(message)

        await self.app(scope, receive, recording_send)
        if not keep or start is None or start["status"] != 200:
            return
        headers = [(bytes(n).lower(), bytes(v)) for n, v in start.get("headers", [])]
        names = {n: v for n, v in headers}
        vary = {part.strip().lower() for part in names.get(b"vary", b"").split(b",") if part.strip()}
        etag = names.get(b"etag")
        if b"set-cookie" in names or not vary <= {b"accept"} or (etag is None and scope["path"] != "/sparql"):
            return
        body = b"".join(chunks)
        with self._lock:
            if key not in self._entries:
                self._entries[key] = (200, list(start.get("headers", [])), body, etag)
                self._bytes += len(body)
            while len(self._entries) > MAX_ENTRIES or self._bytes > MAX_BYTES:
                _, (_, _, dropped, _) = self._entries.popitem(last=False)
                self._bytes -= len(dropped)
