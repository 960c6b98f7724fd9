"""Load: 64 concurrent clients for 60 s (CAREKG_LOAD_SECONDS) on loopback against a real uvicorn server
over a 1M-triple on-disk store. Zero errors, p50/p99 reported in tests/output/load.json, and memory
flat: the server's RSS (with its query workers) at the end within 1.3x of its RSS after a 30 s warm-up.

The synthetic graph and its store are cached under .carekg/loadtest/ (git-ignored): the first run
generates (~15 s) and loads (~1-2 min) them, later runs reuse them."""

from __future__ import annotations

import asyncio
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

import httpx
import served_api

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / ".carekg" / "loadtest"
OUTPUT = ROOT / "tests" / "output" / "load.json"
CLIENTS = 64
SECONDS = float(os.environ.get("CAREKG_LOAD_SECONDS") or 60)
# Pages compute their answers per resource (no whole tables at start), so the answer cache (512 answers)
# and the store's block cache fill while the mix runs: sampled every 10 s over 180 s at 1M on 2026-12-07,
# the server grew 200 -> 784 MB in the first 30 s, then stayed at 807-810 MB from 40 s to 180 s.
# Warm-up covers that filling, so the ratio below measures growth after it (a leak), not the fill.
WARM_UP = 30.0
CKG = "https://w3id.org/carekg/def#"


def _store() -> str:
    data, store = CACHE / "1m.nt", CACHE / "store-1m"
    CACHE.mkdir(parents=True, exist_ok=True)
    cli = [sys.executable, "-m", "carekg.cli", "-q"]
    if not data.exists():
        subprocess.run([*cli, "generate", "--triples", "1000000", "--out", str(data.with_suffix(".tmp")),
                        "--seed", "42"], check=True, cwd=ROOT)
        data.with_suffix(".tmp").replace(data)
    subprocess.run([*cli, "load", "--data", str(data), "--no-reasoner", "--store", f"oxigraph:{store}"],
                   check=True, cwd=ROOT)  # skipped when the store already holds this version
    return f"oxigraph:{store}"


def _rss(pid: int) -> int:
    """Resident bytes of a process and all its descendants (the query workers)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        todo.extend(children.get(current, []))
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
        except OSError:
            pass
    return total


def _requests(factors: list[str], innovations: list[str]):
    """The mix: the SPARQL endpoint (the public surface this issue hardens; distinct OFFSETs, so
    uncached and answered by the query workers), factor pages, the factor list, the innovation list,
    and innovations' pages and profiles (queries bound to the innovation, issue 4)."""
    rng = random.Random(64)

    def pick():
        roll = rng.random()
        if roll < 0.15:
            return "GET", f"/factors/{rng.choice(factors)}", None
        if roll < 0.20:
            return "GET", "/factors", {"limit": str(rng.choice((10, 50, 100)))}
        if roll < 0.35:
            return "GET", f"/innovations/{rng.choice(innovations)}/profile", None
        if roll < 0.40:
            return "GET", f"/innovations/{rng.choice(innovations)}", None
        if roll < 0.45:
            return "GET", "/innovations", {"limit": str(rng.choice((10, 50, 100)))}
        query = (f"SELECT ?i ?label WHERE {{ ?i a <{CKG}Innovation> ; "
                 "<http://www.w3.org/2000/01/rdf-schema#label> ?label } "
                 f"LIMIT 20 OFFSET {rng.randint(0, 2000)}")
        if roll < 0.80:
            return "GET", "/sparql", {"query": query}
        return "POST", "/sparql", {"query": query}

    return pick


async def _client(http: httpx.AsyncClient, pick, until: float, latencies: list[float],
                  errors: list[str]) -> None:
    while time.monotonic() < until:
        method, path, params = pick()
        start = time.perf_counter()
        try:
            if method == "GET":
                response = await http.get(path, params=params, headers={"Accept": "application/json"})
            else:
                response = await http.post(path, data=params,
                                           headers={"Accept": "application/sparql-results+json"})
            if response.status_code != 200:
                errors.append(f"{method} {path}: {response.status_code} {response.text[:200]}")
        except httpx.HTTPError as error:
            errors.append(f"{method} {path}: {type(error).__name__} {error}")
        latencies.append(time.perf_counter() - start)


async def _run(base: str, pick, seconds: float) -> tuple[list[float], list[str], float]:
    latencies: list[float] = []
    errors: list[str] = []
    limits = httpx.Limits(max_connections=CLIENTS, max_keepalive_connections=CLIENTS)
    async with httpx.AsyncClient(base_url=base, timeout=30, limits=limits) as http:
        start = time.monotonic()
        await asyncio.gather(*(_client(http, pick, start + seconds, latencies, errors)
                               for _ in range(CLIENTS)))
        return latencies, errors, time.monotonic() - start


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def test_64_clients_for_60_seconds_on_a_million_triples():
    descriptor = _store()
    env = {"CAREKG_STORE": descriptor, "CAREKG_QUERY_WORKERS": "2", "CAREKG_WRITE_TOKEN": ""}
    server, base = served_api.start(env)
    try:
        served_api.wait_until_up(server, base)
        listed_factors = httpx.get(f"{base}/factors", params={"limit": 500}, timeout=120).json()["data"]
        factors = [item["id"] for item in listed_factors]
        assert factors
        # the innovation list reads every innovation's counts: computed once here, as the factors are
        assert httpx.get(f"{base}/innovations", params={"limit": 10}, timeout=120).status_code == 200
        some = f"SELECT ?i WHERE {{ ?i a <{CKG}Innovation> }} LIMIT 100"
        listed = httpx.get(f"{base}/sparql", params={"query": some}, headers={"Accept": "application/json"},
                           timeout=60).json()["results"]["bindings"]
        innovations = [row["i"]["value"].rsplit("/", 1)[1] for row in listed]
        assert innovations
        pick = _requests(factors, innovations)
        _, warm_errors, _ = asyncio.run(_run(base, pick, WARM_UP))
        rss_warm = _rss(server.pid)
        latencies, errors, elapsed = asyncio.run(_run(base, pick, SECONDS))
        rss_end = _rss(server.pid)
    finally:
        served_api.stop(server)
    result = {
        "clients": CLIENTS, "seconds": round(elapsed, 1),
        "store": "1M synthetic triples (carekg generate --seed 42)",
        "requests": len(latencies), "errors": len(errors), "warm_up_errors": len(warm_errors),
        "throughput_rps": round(len(latencies) / elapsed, 1),
        "p50_ms": round(_percentile(latencies, 0.50) * 1000, 1),
        "p99_ms": round(_percentile(latencies, 0.99) * 1000, 1),
        "max_ms": round(max(latencies) * 1000, 1),
        "rss_after_warm_up_mb": round(rss_warm / 2**20, 1), "rss_at_end_mb": round(rss_end / 2**20, 1),
        "rss_ratio": round(rss_end / rss_warm, 3), "first_errors": errors[:5],
    }
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result))
    assert not errors, errors[:5]
    # every client was answered (rates on a shared machine are reported, not asserted)
    assert len(latencies) >= CLIENTS
    assert rss_end <= 1.3 * rss_warm, result
