"""Cold first answers of every REST route, and the memory each request takes.

Each route gets a freshly started server (so no cache, response or service, holds anything it needs),
then its first request, then one request per further sampled id (each a URL not asked before, so the
response cache cannot answer it; tables the service keeps from the first request may). Every request
runs with a deadline and a memory cap: a route that gives no answer in time, or grows the server past
the cap, is recorded as such and its server killed, so the bench never hangs nor harms the machine.

Memory per request: before each request the peak-RSS counters (VmHWM) of the server and its children
are reset (``/proc/PID/clear_refs``), so the peak after it is the peak during it; its growth over the
resident memory before the request is what the request cost.
"""

from __future__ import annotations

import http.client
import json
import math
import threading
import time
import urllib.parse
from collections import Counter
from pathlib import Path

from bench.harness import Server, log, tree_pids

JSON, HTML, TURTLE = "application/json", "text/html", "text/turtle"
CAREKG_ID = "https://w3id.org/carekg/id/"

#: (label, the OpenAPI path it exercises, the path asked, Accept, which ids fill {id}). Kinds: an id
#: kind of carekg's IRIs; "pair": two innovations (for /compare); None: the route takes no id.
ROUTES: list[tuple[str, str, str, str, str | None]] = [
    ("home", "/", "/", HTML, None),
    ("innovations list", "/innovations", "/innovations?limit=50", JSON, None),
    ("factors list", "/factors", "/factors?limit=50", JSON, None),
    ("studies list", "/studies", "/studies?limit=50", JSON, None),
    ("organisations list", "/organisations", "/organisations?limit=50", JSON, None),
    ("gaps", "/gaps", "/gaps?limit=50", JSON, None),
    ("findings", "/findings", "/findings?limit=50", JSON, None),
    ("findings of an innovation", "/findings", "/findings?innovation={id}&direction=barrier", JSON,
     "innovation"),
    # independence is a statement the rules materialise (rule_independent_findings.rq), not judged per request
    ("independent barriers", "/findings", "/findings?independent=true&direction=barrier&limit=50", JSON,
     None),
    ("findings not independent", "/findings", "/findings?independent=false&limit=50", JSON, None),
    ("consensus", "/consensus", "/consensus", JSON, None),
    ("taxonomy", "/taxonomy", "/taxonomy", JSON, None),
    # one query text per sample (SEARCH_QUERIES, widest first), so the response cache never answers
    ("search", "/search", "/search?q={id}", JSON, "search"),
    ("search page", "/search", "/search?q={id}", HTML, "search"),
    ("innovation", "/innovations/{id}", "/innovations/{id}", JSON, "innovation"),
    ("innovation as Turtle", "/innovations/{id}", "/innovations/{id}", TURTLE, "innovation"),
    ("profile", "/innovations/{id}/profile", "/innovations/{id}/profile", JSON, "innovation"),
    ("profile, CFIR", "/innovations/{id}/profile", "/innovations/{id}/profile?framework=cfir", JSON,
     "innovation"),
    ("briefing", "/innovations/{id}/briefing", "/innovations/{id}/briefing", JSON, "innovation"),
    ("briefing page", "/innovations/{id}/briefing", "/innovations/{id}/briefing", HTML, "innovation"),
    ("compare", "/compare", "/compare?innovation={id}&innovation={id2}", JSON, "pair"),
    ("compare page", "/compare", "/compare?innovation={id}&innovation={id2}", HTML, "pair"),
    ("factor", "/factors/{id}", "/factors/{id}", JSON, "factor"),
    ("study", "/studies/{id}", "/studies/{id}", JSON, "study"),
    ("organisation", "/organisations/{id}", "/organisations/{id}", JSON, "organisation"),
    *[(f"document {kind}", "/doc/{kind}/{slug}", f"/doc/{kind}/{{id}}", HTML, kind)
      for kind in ("innovation", "factor", "study", "source", "organisation", "finding", "involvement",
                   "nasss", "cfir", "consensus", "eric", "scheme")],
    ("document innovation as Turtle", "/doc/{kind}/{slug}", "/doc/innovation/{id}", TURTLE, "innovation"),
    ("identifier (303)", "/id/{kind}/{slug}", "/id/innovation/{id}", HTML, "innovation"),
    ("ontology document", "/def", "/def", HTML, None),
    ("ontology module (303)", "/def/{module}", "/def/core", HTML, None),
    ("named graph (303)", "/graph/{name}", "/graph/data", HTML, None),
    ("map", "/map", "/map", HTML, None),
    ("map, page 2", "/map", "/map?limit=50&offset=50", HTML, None),
    ("map, CFIR", "/map", "/map?framework=cfir", HTML, None),
    ("map.svg", "/map.svg", "/map.svg", "image/svg+xml", None),
    ("map.png", "/map.png", "/map.png", "image/png", None),
    ("export findings.csv", "/export/findings.csv", "/export/findings.csv", "text/csv", None),
    *[(f"export carekg.{ext}", "/export/carekg.{extension}", f"/export/carekg.{ext}", "*/*", None)
      for ext in ("ttl", "nq", "jsonld", "nt")],
    ("VoID", "/.well-known/void", "/.well-known/void", TURTLE, None),
    ("version", "/version", "/version", JSON, None),
    ("health", "/health", "/health", JSON, None),
    ("JSON-LD context", "/context.jsonld", "/context.jsonld", "application/ld+json", None),
]
#: Whole-dataset downloads, streamed as the store reads them: judged by their first byte (and memory),
#: not their last, which is the size of the dataset over the link's pace (docs/bench.md, Method).
STREAMED = {label for label, *_ in ROUTES if label.startswith("export ")}
#: Measured elsewhere: the SPARQL endpoint by wrk (repeated and new query texts).
ELSEWHERE = {"/sparql"}
#: What /search is asked in the bench, over the synthetic graph (carekg.generate): every finding says
#: "Synthetic finding N for benchmarking", so the first two match every finding (the widest match:
#: past 20,000 of a kind listed by prominence, the count estimated); then narrower ones, a prefix, a
#: phrase, a factor's name, and nothing.
SEARCH_QUERIES = ["synthetic finding", "benchmarking", "wording 42", "organisation 7", "innovation 12",
                  "lead*", '"synthetic study" 2015', "leadership", "funding", "no-such-word-anywhere"]


def sample_ids(store_dir: Path, innovations: list[str], count: int) -> dict[str, list[str]]:
    """Up to ``count`` ids of each kind, evenly spread. ``innovations``: IRIs from most findings to
    fewest, so the sample starts with the heaviest; other kinds in IRI order."""
    import pyoxigraph as ox

    store = ox.Store.read_only(str(store_dir))
    kinds: dict[str, set[str]] = {}
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    for quad in store.quads_for_pattern(None, rdf_type, None, None):
        iri = quad.subject.value if isinstance(quad.subject, ox.NamedNode) else ""
        if iri.startswith(CAREKG_ID) and iri.count("/") == CAREKG_ID.count("/") + 1:
            kind, slug = iri[len(CAREKG_ID):].split("/")
            kinds.setdefault(kind, set()).add(slug)
    del store
    ids = {kind: _spread(sorted(slugs), count) for kind, slugs in kinds.items()}
    ids["innovation"] = _spread([iri.rsplit("/", 1)[1] for iri in innovations], count)
    chosen = ids["innovation"]
    ids["pair"] = [f"{a}|{b}" for a, b in zip(chosen, chosen[1:] + chosen[:1],
                                              strict=True)] if len(chosen) > 1 else []
    ids["search"] = [urllib.parse.quote_plus(words) for words in SEARCH_QUERIES[:max(1, count)]]
    return ids


def _spread(items: list[str], count: int) -> list[str]:
    if len(items) <= count:
        return items
    if count <= 1:
        return items[:1]
    return [items[round(k * (len(items) - 1) / (count - 1))] for k in range(count)]


def _percentile(values: list[float], share: float) -> float | None:
    """Nearest-rank percentile."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def _reset_peaks(pid: int) -> None:
    for process in tree_pids(pid):
        try:
            Path(f"/proc/{process}/clear_refs").write_text("5")
        except OSError:
            pass


def timed_request(server: Server, path: str, accept: str, timeout: float, cap_mb: float,
                  stream_timeout: float | None = None) -> dict:
    """One GET (redirects not followed) with a deadline and a memory cap, and what it cost in memory.
    The deadline is ``timeout`` for the first byte of the body, then ``stream_timeout`` (default: the
    same) for the last: a whole-dataset download streams for minutes at 10M once it has started. On a
    deadline or the cap the server is killed and the request recorded as unanswered."""
    stream_timeout = max(timeout, stream_timeout or timeout)
    url = urllib.parse.urlsplit(server.url)
    _reset_peaks(server.process.pid)
    before = server.memory()
    answer: dict = {}

    def call() -> None:
        connection = http.client.HTTPConnection(url.hostname, url.port, timeout=timeout + 30)
        start = time.perf_counter()
        try:
            connection.request("GET", path, headers={"Accept": accept})
            response = connection.getresponse()
            # The first byte of the body (a streamed answer sends its headers before it has any).
            size = len(response.read(1))
            first_byte = time.perf_counter()
            answer["first_byte_ms"] = round((first_byte - start) * 1000, 2)
            while chunk := response.read(1 << 16):
                size += len(chunk)
            seconds = time.perf_counter() - start
            answer.update(ms=round(seconds * 1000, 2), status=response.status, bytes=size,
                          bytes_per_second=round(size / seconds))
        except (OSError, http.client.HTTPException) as error:
            answer.update(error=type(error).__name__)
        finally:
            connection.close()

    worker = threading.Thread(target=call, daemon=True)
    start = time.perf_counter()
    worker.start()
    seen, stopped = before["rss_mb"], None
    while worker.is_alive():
        worker.join(0.1)
        if not worker.is_alive():
            break
        elapsed = time.perf_counter() - start
        rss = server.memory()["rss_mb"]
        seen = max(seen, rss)
        if rss > cap_mb:
            stopped = f"stopped at {rss:,.0f} MB RSS (cap {cap_mb:,.0f} MB) after {elapsed:.1f} s"
        elif "first_byte_ms" not in answer and elapsed > timeout:
            stopped = f"no answer in {timeout:.0f} s ({rss:,.0f} MB RSS then)"
        elif elapsed > stream_timeout:
            stopped = (f"no last byte in {stream_timeout:.0f} s, the first after "
                       f"{answer['first_byte_ms']:,.0f} ms ({rss:,.0f} MB RSS then)")
        if stopped:
            server.stop(force=True)
            worker.join(10)
            return {"path": path, "answered": False, "reason": stopped, "rss_before_mb": before["rss_mb"],
                    **({"first_byte_ms": answer["first_byte_ms"]} if "first_byte_ms" in answer else {}),
                    "rss_seen_mb": seen, "peak_growth_mb": round(seen - before["rss_mb"], 1)}
    after = server.memory()
    if "error" in answer:
        return {"path": path, "answered": False, "reason": f"connection failed: {answer['error']}",
                "rss_before_mb": before["rss_mb"]}
    return {"path": path, "answered": True, **answer, "rss_before_mb": before["rss_mb"],
            "rss_after_mb": after["rss_mb"],
            "growth_mb": round(after["rss_mb"] - before["rss_mb"], 1),
            "peak_growth_mb": round(max(after["peak_rss_mb"], seen) - before["rss_mb"], 1)}


def _paths(template: str, kind: str | None, ids: dict[str, list[str]]) -> list[str]:
    if kind is None:
        return [template]
    if kind == "pair":
        return [template.format(id=pair.split("|")[0], id2=pair.split("|")[1]) for pair in ids.get("pair",
                                                                                                   [])]
    return [template.format(id=slug) for slug in ids.get(kind, [])]


def cold_routes(server: Server, ids: dict[str, list[str]], timeout: float, cap_mb: float, flag_mb: float,
                start_timeout: float, restart: bool = True, routes: list = ROUTES,
                stream_timeout: float | None = None) -> dict:
    """Every route's cold answers: its first request, then the further ids (until the route has used
    ``timeout`` seconds in all). ``restart``: a fresh server for every route; otherwise one for all (a
    quick smoke run), started again only after a route had to kill it."""
    results, covered, openapi = [], set(ELSEWHERE), []
    try:
        for label, api_path, template, accept, kind in routes:
            covered.add(api_path)
            entry: dict = {"route": label, "openapi_path": api_path, "path": template, "accept": accept}
            paths = _paths(template, kind, ids)
            if not paths:
                results.append({**entry, "measured": False, "reason": f"the data holds no {kind}"})
                continue
            started = None
            if restart or server.process is None or server.process.poll() is not None:
                started = round(server.start(start_timeout, probe="/health"), 2)
            if not openapi:
                document = json.loads(server.get("/openapi.json", JSON))
                openapi = [p for p, ops in document["paths"].items() if "get" in ops]
            requests, spent = [], 0.0
            for path in paths:
                request = timed_request(server, path, accept, timeout, cap_mb, stream_timeout)
                requests.append(request)
                spent += request.get("ms", timeout * 1000) / 1000
                if not request["answered"] or spent > timeout:
                    break
            if restart:
                server.stop()
            summary = {**entry, "measured": True, "server_start_seconds": started,
                       **summarise(requests, flag_mb, streamed=label in STREAMED)}
            results.append(summary)
            log(f"  cold {label:30} first {summary['first_ms']} ms (first byte {summary['first_byte_ms']} "
                f"ms)  p95 {summary['p95_ms']} ms  n={summary['samples']}  peak growth "
                f"{summary['peak_growth_mb_max']} MB  {summary.get('reason', '')}")
    finally:
        server.stop()
    return {"routes": results, "not_measured": sorted(set(openapi) - covered),
            "method": {"timeout_seconds": timeout, "stream_timeout_seconds": max(timeout,
                                                                                 stream_timeout or timeout),
                       "rss_cap_mb": cap_mb, "memory_flag_mb": flag_mb,
                       "restart": "every route" if restart else "once",
                       "ids_per_route": max((len(v) for v in ids.values()), default=0)}}

def summarise(requests: list[dict], flag_mb: float, streamed: bool = False) -> dict:
    """A route's figures over its requests. ``streamed``: a whole-dataset download, judged by the time
    to its first byte; any other route by the time to its complete answer."""
    answered = [r for r in requests if r["answered"]]
    times = [r["ms"] for r in answered]
    first_bytes = [r["first_byte_ms"] for r in answered]
    growth = [r["peak_growth_mb"] for r in requests if r.get("peak_growth_mb") is not None]
    unanswered = next((r for r in requests if not r["answered"]), None)
    summary = {
        "samples": len(requests), "answered": len(answered),
        "first_ms": requests[0].get("ms") if requests[0]["answered"] else None,
        "p50_ms": _percentile(times, 0.5), "p95_ms": _percentile(times, 0.95), "max_ms": max(times,
                                                                                             default=None),
        # The figure a target is judged on: the worse of the first answer and the p95 over ids; none
        # when any request went unanswered.
        "cold_ms": None if unanswered else max(requests[0]["ms"], _percentile(times, 0.95)),
        "first_byte_ms": requests[0].get("first_byte_ms") if requests[0]["answered"] else None,
        "first_byte_p95_ms": _percentile(first_bytes, 0.95),
        "cold_first_byte_ms": None if unanswered else max(requests[0]["first_byte_ms"],
                                                          _percentile(first_bytes, 0.95)),
        "bytes_per_second": min((r["bytes_per_second"] for r in answered), default=None),
        "judged_on": "first byte" if streamed else "complete answer",
        "statuses": dict(Counter(str(r["status"]) for r in answered)),
        "unexpected_statuses": sorted({r["status"] for r in answered} - {200, 303}),
        "bytes_max": max((r["bytes"] for r in answered), default=None),
        "peak_growth_mb_max": max(growth, default=None),
        "retained_growth_mb": round(answered[-1]["rss_after_mb"] - requests[0]["rss_before_mb"],
                                    1) if answered
        and not unanswered else None,
        "rss_before_mb": requests[0]["rss_before_mb"],
        "requests": [{k: r.get(k) for k in ("path", "ms", "first_byte_ms", "bytes", "status",
                                            "peak_growth_mb", "reason")
                      if r.get(k) is not None}
                     for r in requests],
    }
    summary["judged_ms"] = summary["cold_first_byte_ms" if streamed else "cold_ms"]
    if unanswered:
        summary["reason"] = unanswered["reason"]
    peak = summary["peak_growth_mb_max"]
    summary["over_memory_flag"] = bool(peak and peak > flag_mb)
    return summary
