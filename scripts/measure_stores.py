"""Load time and profile latency of carekg on its three store back-ends, measured the same way in one run.

    .venv/bin/python scripts/measure_stores.py [--sizes curated,100k] [--repeat 15] [--out FILE.json]

Back-ends: the embedded on-disk store (``oxigraph:DIR``), an Oxigraph server and Virtuoso, both
started on loopback on free ports by scripts/oxigraph-server.sh and scripts/virtuoso.sh and stopped at
the end. Data sets: ``curated`` (data/ with HermiT's classification, cached on disk) and synthetic
graphs (``10k``, ``100k``, ``1m``: ``carekg generate --seed 42``, reused from bench/data/ when there).

Method (docs/deploy.md quotes the figures):
* load: wall time of ``carekg load --store DESCRIPTOR --force`` in a fresh process (for synthetic
  graphs ``--data FILE --no-reasoner``): process start, upload, the SPARQL rules on the store, the
  inferred graph and the version. One run per back-end and size.
* profile: ``services.innovation_profile`` of the innovation with the most findings, in this process,
  with carekg's version-keyed answer cache emptied before each call, so every call runs all the
  queries a first request after a load runs (the store round trips are the part that differs). One
  warm-up call, then ``--repeat`` calls: median and 90th percentile ("cold"). Then ``--repeat`` calls
  with the shared lookups (concepts, labels, factor rows) cached and only the profile's own answer
  dropped: the steady-state cost of a profile not asked for since the last load ("warm").
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

from bench.harness import free_port  # noqa: E402
from carekg import services  # noqa: E402
from carekg.services import answer_cache  # noqa: E402
from carekg.store import get_store  # noqa: E402

SYNTHETIC = {"10k": 10_000, "100k": 100_000, "1m": 1_000_000}
TOP_INNOVATION = """PREFIX ckg: <https://w3id.org/carekg/def#>
SELECT ?innovation (COUNT(?finding) AS ?n) WHERE { ?finding ckg:aboutInnovation ?innovation }
GROUP BY ?innovation ORDER BY DESC(?n) LIMIT 1"""


def carekg(*args: str) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "carekg.cli", "--quiet", *args], check=True, cwd=ROOT, timeout=3600,
                   capture_output=True)
    return time.perf_counter() - started


def synthetic_file(size: str) -> Path:
    path = ROOT / "bench" / "data" / f"{size}-seed42.nt"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        carekg("generate", "--triples", str(SYNTHETIC[size]), "--out", str(path), "--seed", "42")
    return path


def profile_latency(descriptor: str, repeat: int) -> dict:
    store = get_store(descriptor)
    try:
        iri = store.select(TOP_INNOVATION)[0]["innovation"]
        slug = iri.rsplit("/", 1)[1]
        timings = []
        for _ in range(repeat + 1):
            answer_cache.clear()
            started = time.perf_counter()
            services.innovation_profile(store, slug)
            timings.append((time.perf_counter() - started) * 1000)
        cold = sorted(timings[1:])
        warm = []
        for _ in range(repeat):  # the shared lookups stay cached; only the profile's own answer is dropped
            answer_cache.clear("innovation_profile")
            started = time.perf_counter()
            services.innovation_profile(store, slug)
            warm.append((time.perf_counter() - started) * 1000)
        warm.sort()
        return {"innovation": slug, "cold_first_ms": round(timings[0], 1),
                "cold_median_ms": round(statistics.median(cold), 1),
                "cold_p90_ms": round(cold[int(0.9 * (len(cold) - 1))], 1),
                "warm_median_ms": round(statistics.median(warm), 1),
                "warm_p90_ms": round(warm[int(0.9 * (len(warm) - 1))], 1),
                "triples": store.triple_count()}
    finally:
        store.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="curated,100k")
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--backends", default="embedded,oxigraph-server,virtuoso")
    parser.add_argument("--out", help="write the results as JSON here too")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="carekg-measure-"))
    started_servers: list[tuple[str, Path]] = []
    results = []
    try:
        descriptors = {}
        for backend in args.backends.split(","):
            folder = work / backend
            if backend == "embedded":
                descriptors[backend] = f"oxigraph:{folder / 'store'}"
            elif backend == "oxigraph-server":
                port = free_port()
                subprocess.run([str(ROOT / "scripts" / "oxigraph-server.sh"), "start", str(folder),
                                str(port)],
                               check=True)
                started_servers.append(("oxigraph-server.sh", folder))
                descriptors[backend] = f"sparql+http://127.0.0.1:{port}/query?union=union-default-graph&timeout=60"
            elif backend == "virtuoso":
                port = free_port()
                subprocess.run([str(ROOT / "scripts" / "virtuoso.sh"), "start", str(folder), str(port),
                                str(free_port())], check=True)
                started_servers.append(("virtuoso.sh", folder))
                descriptors[backend] = (f"sparql+http://dba:dba@127.0.0.1:{port}/sparql"
                                        f"?gsp=/sparql-graph-crud-auth&auth=digest&timeout=60")
        for size in args.sizes.split(","):
            data = [] if size == "curated" else ["--data", str(synthetic_file(size)), "--no-reasoner"]
            for backend, descriptor in descriptors.items():
                load_s = carekg("load", "--store", descriptor, "--force", *data)
                row = {"backend": backend, "size": size, "load_s": round(load_s, 2),
                       **profile_latency(descriptor, args.repeat)}
                results.append(row)
                print(json.dumps(row), flush=True)
    finally:
        for script, folder in started_servers:
            subprocess.run([str(ROOT / "scripts" / script), "stop", str(folder)], check=False)
        shutil.rmtree(work, ignore_errors=True)
    if args.out:
        Path(args.out).write_text(json.dumps({"machine": platform.platform(),
                                              "python": platform.python_version(),
                                              "results": results}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
