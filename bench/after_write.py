"""The first reader after a write (issue 14: "the first reader after a write does not pay a cold page").

A carekg server that takes writes (``CAREKG_STORE=oxigraph:DIR``, a write token, ``CAREKG_DATA`` naming
the synthetic data file the store was loaded from) over the store the bench loaded. A few pages a reader
of the written innovation would open (its profile and its page, the factor the write is about, /gaps)
are asked cold (the server's first request for each) and again (warm: the response cache replays
them). Then, one round per page: a three-finding submission through ``POST /evidence/{name}`` (the
bench's write body, steps.WRITE_FINDING, new finding IRIs each round), and the moment its 201 returns
that page is asked once: the first reader after the write. Every page is asked again after each round,
so each round's write starts from warm pages, as on a server in use. Each request is timed to its first
and its last byte, with its memory (cold.timed_request).

Before a write answers, the server computes on the new version the answers readers asked before it
(carekg.services.answer_cache.Refresh, the 64 most recently used), until CAREKG_WRITE_SECONDS after the
write opened the store, and goes on after; search takes the write's delta inside the write. What this
measures is whether a reader's page is done by the time the reader comes.
"""

from __future__ import annotations

import http.client
import secrets
import time
import urllib.parse
from pathlib import Path

from bench import cold
from bench.harness import Server, log
from bench.steps import WRITE_FINDING

#: (label, path, Accept): the pages read around each write; {id} the written innovation, {factor} its factor.
PAGES = [
    ("profile", "/innovations/{id}/profile", cold.JSON),
    ("innovation page", "/doc/innovation/{id}", cold.HTML),
    ("factor", "/factors/{factor}", cold.JSON),
    ("gaps", "/gaps?limit=50", cold.JSON),
]


def submission(round_number: int, innovation: str, factor: str, source: str) -> bytes:
    """Three findings about ``innovation`` and ``factor``, with IRIs of this round's own."""
    return "".join(WRITE_FINDING.format(n=f"after-{round_number}-{n}", factor=factor, innovation=innovation,
                                        source=source, direction="Enabler") for n in range(3)).encode()


def post(server: Server, path: str, body: bytes, token: str, timeout: float) -> dict:
    """One POST of Turtle with the bearer token: its status and seconds to the complete answer."""
    url = urllib.parse.urlsplit(server.url)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=timeout)
    start = time.perf_counter()
    try:
        connection.request("POST", path, body=body, headers={"Content-Type": "text/turtle",
                                                             "Authorization": f"Bearer {token}"})
        response = connection.getresponse()
        text = response.read().decode(errors="replace")
        return {"status": response.status, "seconds": round(time.perf_counter() - start, 3),
                **({} if response.status == 201 else {"answer": text[:500]})}
    finally:
        connection.close()


def first_reads_after_writes(server: Server, token: str, innovation: str, factor: str, source: str,
                             timeout: float, cap_mb: float, start_timeout: float) -> dict:
    """The workload on ``server`` (not started; writable_server's, with its ``token``)."""
    paths = {label: (template.format(id=innovation.rsplit("/", 1)[1], factor=factor.rsplit("/", 1)[1]),
                     accept)
             for label, template, accept in PAGES}

    def read(label: str) -> dict:
        path, accept = paths[label]
        request = cold.timed_request(server, path, accept, timeout, cap_mb)
        if not request["answered"] or request["status"] != 200:
            raise RuntimeError(f"{label} {path}: {request.get('reason') or request.get('status')}")
        return {k: request[k] for k in ("ms", "first_byte_ms", "bytes", "peak_growth_mb")}

    pages: dict[str, dict] = {label: {"path": path} for label, (path, _) in paths.items()}
    writes = []
    try:
        started = server.start(start_timeout, probe="/health")
        for label in paths:
            pages[label]["cold"] = read(label)
            pages[label]["warm"] = read(label)
        for number, label in enumerate(paths, 1):
            write = post(server, f"/evidence/bench-after-write-{number}", submission(number, innovation,
                                                                                     factor,
                                                                                     source), token, 3600)
            writes.append({"page": label, **write})
            if write["status"] != 201:
                raise RuntimeError(f"the write was refused: {write}")
            pages[label]["first_after_write"] = read(label)
            for other in paths:  # every page warm again before the next round's write
                read(other)
            log(f"  after write {number} ({write['seconds']} s): {label} first read "
                f"{pages[label]['first_after_write']['ms']} ms (cold {pages[label]['cold']['ms']} ms, "
                f"warm {pages[label]['warm']['ms']} ms)")
    except RuntimeError as error:
        return {"measured": False, "reason": str(error), "pages": pages, "writes": writes}
    finally:
        server.stop()
    after = [page["first_after_write"]["ms"] for page in pages.values()]
    return {"measured": True, "server_start_seconds": round(started, 2), "pages": pages, "writes": writes,
            "worst_first_after_write_ms": max(after),
            "method": "cold: the server's first request for the page; warm: the same request again (the "
                      "response cache replays it); first_after_write: asked the moment POST /evidence "
                      "answered 201, one round (a three-finding write) per page, every page warm before each "
                      "write"}


def a_source(store_dir: Path) -> str:
    """A source some finding is reported in, for the submissions to cite."""
    import pyoxigraph as ox

    store = ox.Store.read_only(str(store_dir))
    query = "SELECT ?s WHERE { ?f <https://w3id.org/carekg/def#reportedIn> ?s } LIMIT 1"
    source = next(iter(store.query(query, use_default_graph_as_union=True)))["s"].value
    del store
    return source


def writable_server(base: Server, store_dir: Path, data: Path, submissions: Path) -> tuple[Server, str]:
    """A copy of the bench's carekg server (``base``, read-only) that takes writes, and its token: the
    store opened read-write for each write, the data file the store was loaded from."""
    token = secrets.token_urlsafe(24)
    env = {"CAREKG_STORE": f"oxigraph:{store_dir}", "CAREKG_WRITE_TOKEN": f"bench={token}",
           "CAREKG_SUBMISSIONS": str(submissions), "CAREKG_DATA": str(data), "CAREKG_REASONER": "0"}
    server = Server("carekg-writes", base.command, base.url, "/health", base.logs, env={**base.env, **env},
                    cwd=base.cwd)
    return server, token
