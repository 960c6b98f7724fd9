"""carekg side by side with Oxigraph server and rdflib-endpoint, on the same synthetic graph, on loopback.

    python bench/run.py --sizes 100k,1m                 # the benchmark (make bench)
    python bench/run.py --sizes 10k --duration 1 --cold-ids 2 --cold-restart once  # a smoke run (CI)

For each size: generate the graph (cached under bench/data/), load it with `carekg load` and with
`oxigraph load`, then start carekg, Oxigraph server and rdflib-endpoint (up to --rdflib-max) in turn and
time their first answer. Each is driven by wrk at each client count: the profile question in a new
SPARQL text every request (no cache can hit; carekg, Oxigraph server, and like with like Oxigraph server
over carekg's own store with its union default graph), the same text repeated (a
cache hit for carekg, labelled cached), and carekg's cached REST pages. Then every REST route's cold
first answer on a freshly started server, with the memory each request takes (bench/cold.py), SHACL
validation of the whole graph, and a three-finding write. Results: bench/results/<name>.json and
<name>.png; every target of issues 14 and 4 is marked met / missed / not measured with its figure
(bench/targets.py). See docs/bench.md for the method.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: the bench package lives beside src/
    sys.path.insert(0, str(ROOT))

from bench import after_write, cold, steps  # noqa: E402
from bench.harness import Server, Workload, drive, free_port, log, sparql_path  # noqa: E402
from bench.steps import count_lines, load_carekg, load_oxigraph, search_queries, shacl  # noqa: E402
from bench.targets import targets  # noqa: E402
from bench.workloads import PROFILE_SPARQL, bindings, lua_script, new_query_path  # noqa: E402

DATA = ROOT / "bench" / "data"
WORK = ROOT / "bench" / "scratch"
RESULTS = ROOT / "bench" / "results"
BIN = Path(sys.executable).parent
SIZES = {"10k": 10_000, "100k": 100_000, "1m": 1_000_000, "10m": 10_000_000}
SPARQL_JSON = "application/sparql-results+json"
CKG = "https://w3id.org/carekg/def#"
#: How many innovations the new-query workload rotates over, and how many it checks answer for answer.
ROTATION, CHECKED = 1000, 5
#: The like-with-like line: Oxigraph server over carekg's own store, its default graph the union of
#: carekg's named graphs, as carekg's /sparql answers (docs/bench.md "Method").
LIKE_WITH_LIKE = "oxigraph-union"


def code_version() -> dict:
    """The commit measured, and whether the working tree differed from it."""
    def git(*words: str) -> str:
        return subprocess.run(["git", *words], capture_output=True, text=True, cwd=ROOT).stdout.strip()
    return {"commit": git("rev-parse", "HEAD"), "subject": git("log", "-1", "--format=%s"),
            "changed_files": git("status", "--porcelain", "--untracked-files=no").splitlines()}


def method(args) -> dict:
    return {"load_generator": "wrk 4 (-t min(clients,2), keep-alive, one request in flight per connection)",
            "duration_seconds": args.duration, "clients": args.clients, "carekg_workers": args.workers,
            "profile_sparql": PROFILE_SPARQL,
            "new_query": "the profile query with its finding variable renamed per request (?finding_t<thread>"
                         f"r<request>x<run>), rotating over up to {ROTATION} innovations "
                         f"(bench/workloads.py); {CHECKED} of them checked answer for answer against "
                         f"Oxigraph server",
            "like_with_like": f"{LIKE_WITH_LIKE}: `oxigraph serve-read-only --location <carekg's store> "
                              "--union-default-graph`, the same new-query texts over the same data and "
                              "default graph as carekg's /sparql; informative, the targets are judged "
                              "against Oxigraph server over the N-Triples file",
            "cold": {"ids_per_route": args.cold_ids, "timeout_seconds": args.cold_timeout,
                     "stream_timeout_seconds": args.stream_timeout,
                     "restart": args.cold_restart, "rss_cap_mb": args.rss_cap_mb,
                     "memory_flag_mb": args.memory_flag_mb}}


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


# --- data ----------------------------------------------------------------------------------------------


def dataset(size: str, seed: int) -> dict:
    """The synthetic data file (generated once, cached) and the same data with the ontology merged in,
    as one N-Triples file, for the servers that take a single file."""
    DATA.mkdir(parents=True, exist_ok=True)
    data = DATA / f"{size}-seed{seed}.nt"
    info: dict = {"file": str(data.relative_to(ROOT))}
    if not data.exists():
        log(f"generating {size}")
        start = time.perf_counter()
        subprocess.run([BIN / "carekg", "--quiet", "generate", "--triples", str(SIZES[size]), "--out",
                        str(data),
                        "--seed", str(seed)], check=True, stdout=subprocess.DEVNULL)
        info["generate_seconds"] = round(time.perf_counter() - start, 2)
    full = DATA / f"{size}-seed{seed}-with-ontology.nt"
    if not full.exists():
        from rdflib import Graph

        from carekg.loader import DatasetFiles

        ontology = Graph()
        for file in DatasetFiles.discover(data=[data]).ontology:
            ontology.parse(file, format="turtle")
        tmp = full.with_suffix(".tmp")
        with tmp.open("wb") as out:
            with data.open("rb") as source:
                shutil.copyfileobj(source, out, 1 << 20)
            out.write(ontology.serialize(format="nt", encoding="utf-8"))
        tmp.replace(full)
    info["data_triples"] = count_lines(data)
    info["served_triples"] = count_lines(full)
    return {"data": data, "full": full, "info": info}


def innovations_by_findings(store_dir: Path) -> list[tuple[str, int]]:
    """Every innovation with findings and how many, fewest first."""
    import pyoxigraph as ox

    store = ox.Store.read_only(str(store_dir))
    query = f"""SELECT ?i (COUNT(?f) AS ?n) WHERE {{ ?f <{CKG}aboutInnovation> ?i }}
GROUP BY ?i ORDER BY ?n ?i"""
    rows = [(s["i"].value, int(s["n"].value)) for s in store.query(query, use_default_graph_as_union=True)]
    del store
    return rows


def mid_innovation(rows: list[tuple[str, int]]) -> dict:
    """An innovation of median popularity (by findings) among those with any."""
    iri, findings = rows[len(rows) // 2]
    return {"iri": iri, "id": iri.rsplit("/", 1)[1], "findings": findings,
            "innovations_with_findings": len(rows),
            "most_findings": rows[-1][1]}


# --- one size ------------------------------------------------------------------------------------------


def carekg_server(args, work: Path, profile_path: str) -> Server:
    """A carekg server (not started) over the store loaded under ``work``, probed with ``profile_path``."""
    port = free_port()
    workers = ["--workers", str(args.workers)] if args.workers > 1 else []
    return Server("carekg", [BIN / "uvicorn", "--factory", "api.main:create_app", "--host", "127.0.0.1",
                             "--port", str(port), "--log-level", "warning", "--timeout-keep-alive", "75",
                             "--no-access-log", *workers],
                  f"http://127.0.0.1:{port}", profile_path, work,
                  env={"CAREKG_STORE": f"oxigraph-ro:{work / 'carekg-store'}"}, cwd=ROOT)


def cold_answers(args, work: Path, rows: list[tuple[str, int]], profile_path: str) -> dict:
    """Every route's cold answers (bench/cold.py), or those of the routes ``--cold-routes`` names."""
    ids = cold.sample_ids(work / "carekg-store", [iri for iri, _ in reversed(rows)], args.cold_ids)
    routes = [route for route in cold.ROUTES if not args.cold_routes or route[0] in args.cold_routes]
    return cold.cold_routes(carekg_server(args, work, profile_path), ids, args.cold_timeout, args.rss_cap_mb,
                            args.memory_flag_mb, args.start_timeout, restart=args.cold_restart == "route",
                            routes=routes, stream_timeout=args.stream_timeout)


def writes(args, work: Path, data: Path, innovation: dict) -> dict:
    """The write measures (steps.write_validation), then the first reader after a write
    (bench/after_write.py) on the store they left: both on a fresh copy of the loaded store
    (steps.write_store), which stays as the load left it for a later --reuse-store run."""
    from carekg.generate import factor_iris

    store = steps.write_store(work / "carekg-store", work / "write-store")
    write = steps.write_validation(data, store, innovation["iri"])
    log(f"  write: {write}")
    server, token = after_write.writable_server(carekg_server(args, work, "/health"), store, data,
                                                work / "submissions")
    result = after_write.first_reads_after_writes(server, token, innovation["iri"], factor_iris()[0],
                                                  after_write.a_source(store), args.cold_timeout,
                                                  args.rss_cap_mb,
                                                  args.start_timeout)
    log(f"  first reads after a write: worst {result.get('worst_first_after_write_ms')} ms "
        f"{result.get('reason', '')}")
    return {"write": write, "after_write": result}


def run_size(size: str, args) -> dict:
    log(f"=== {size}")
    files = dataset(size, args.seed)
    work = WORK / size
    work.mkdir(parents=True, exist_ok=True)
    result: dict = {"size": size, "data": files["info"], "servers": {}, "runs": [], "skipped": {},
                    "load_average_at_start": os.getloadavg(), "uptime_at_start": uptime()}
    if args.reuse_store and (work / "carekg-store").is_dir():  # the store an earlier run loaded
        # recorded relative to the --work folder: results never name a machine's paths
        result["load"], result["reused_store"] = {}, f"{size}/carekg-store"
        log(f"  reusing the carekg store under {work} (the loads are not measured)")
    else:
        result["load"] = {"carekg": load_carekg(files["data"], work / "carekg-store")}
    if args.only != "cold" and not result.get("reused_store"):  # the cold answers need carekg's store alone
        result["load"]["oxigraph"] = load_oxigraph(files["full"], work / "oxigraph-store")
    log("  loaded: " + ", ".join(f"{name} {load['seconds']} s" for name, load in result["load"].items()))
    rows = innovations_by_findings(work / "carekg-store")
    innovation = mid_innovation(rows)
    result["innovation"] = innovation
    if args.only == "cold":  # every (or each chosen) route's cold answers alone, on the store just loaded
        result["cold"] = cold_answers(args, work, rows,
                                      profile_path=f"/innovations/{innovation['id']}/profile")
        result["load_average_at_end"] = os.getloadavg()
        result["uptime_at_end"] = uptime()
        return result
    if args.only == "load,write":  # the load and write measures alone, on the store just loaded
        result.update(writes(args, work, files["data"], innovation))
        result["load_average_at_end"] = os.getloadavg()
        result["uptime_at_end"] = uptime()
        return result
    # The new-query workload rotates over innovations spread across popularity.
    rotation = [iri for iri, _ in rows[::max(1, len(rows) // ROTATION)]]
    checked = rotation[::max(1, len(rotation) // CHECKED)][:CHECKED]
    query = PROFILE_SPARQL % innovation["iri"]
    profile_path = f"/innovations/{innovation['id']}/profile"
    servers = [
        ("carekg", carekg_server(args, work, profile_path)),
        ("oxigraph", Server("oxigraph", [BIN / "oxigraph", "serve-read-only", "--location",
                                         work / "oxigraph-store",
                                         "--bind", f"127.0.0.1:{(port := free_port())}"],
                            f"http://127.0.0.1:{port}", sparql_path("/query", query), work,
                            accept=SPARQL_JSON)),
        # Like with like: the same engine over carekg's own store, read-only beside carekg, the default
        # graph the union of carekg's named graphs (data, ontology, inferred) as carekg's /sparql has it.
        (LIKE_WITH_LIKE, Server(LIKE_WITH_LIKE, [BIN / "oxigraph", "serve-read-only", "--location",
                                                 work / "carekg-store", "--union-default-graph",
                                                 "--bind", f"127.0.0.1:{(port := free_port())}"],
                                f"http://127.0.0.1:{port}", sparql_path("/query", query), work,
                                accept=SPARQL_JSON)),
    ]
    if SIZES[size] <= SIZES[args.rdflib_max]:
        servers.append(("rdflib-endpoint", Server(
            "rdflib-endpoint", [BIN / "rdflib-endpoint", "serve", files["full"], "--host", "127.0.0.1",
                                "--port", str(port := free_port())],
            f"http://127.0.0.1:{port}", sparql_path("/", query), work, accept=SPARQL_JSON)))
    else:
        result["skipped"]["rdflib-endpoint"] = (
            f"not run above {args.rdflib_max}: rdflib holds the graph as Python objects (about 1 kB per "
            "triple, so 10M triples would need ~10 GB of RAM and ~15 minutes to parse before the first "
            "answer)")

    endpoints = {"carekg": "/sparql", "oxigraph": "/query", LIKE_WITH_LIKE: "/query", "rdflib-endpoint": "/"}

    def sparql(server: Server, target: str, cached: bool = False) -> Workload:
        """The profile question to ``server``'s SPARQL endpoint: one text repeated (``profile-sparql``)
        or a new text every request (``profile-sparql-new``)."""
        endpoint = endpoints[server.name]
        if target == "profile-sparql-new":
            def script(tag: str) -> Path:
                return lua_script(endpoint, rotation, work / f"{server.name}-new-{tag}.lua", tag)

            return Workload(server, target, new_query_path(endpoint, innovation["iri"], "first"), SPARQL_JSON,
                            args.duration, script)
        return Workload(server, target, sparql_path(endpoint, query), SPARQL_JSON, args.duration,
                        cached=cached)

    answers, new_answers = {}, {}

    def start(name: str, server: Server) -> None:
        first = server.start(args.start_timeout)
        log(f"  {name} first answer after {first:.2f} s")
        result["servers"][name] = {"first_answer_seconds": round(first, 3)}
        answers[name] = bindings(server.get(sparql_path(endpoints[name], query), SPARQL_JSON))
        if name != "rdflib-endpoint":
            new_answers[name] = [bindings(server.get(new_query_path(endpoints[name], iri, f"check{k}"),
                                                     SPARQL_JSON))
                                 for k, iri in enumerate(checked)]

    # carekg and both Oxigraph servers run at once and take turns at each client count (harness.drive):
    # one measured at a time, the others idle.
    (_, ours), (_, oxigraph), (_, union) = side_by_side = servers[:3]
    try:
        for name, server in side_by_side:
            start(name, server)
        result["runs"] += drive([sparql(ours, "profile-sparql-new"), sparql(oxigraph, "profile-sparql-new"),
                                 sparql(union, "profile-sparql-new")],
                                args.clients)
        result["servers"]["carekg"]["rss_mb_after_new_queries"] = ours.memory()["rss_mb"]
        result["servers"][LIKE_WITH_LIKE].update(union.memory())
        union.stop()  # its part is done: the cached workloads compare carekg with Oxigraph server alone
        result["runs"] += drive([sparql(ours, "profile-sparql", cached=True), sparql(oxigraph,
                                                                                     "profile-sparql")],
                                args.clients)
        for target, path in (("profile", profile_path), ("consensus", "/consensus"), ("gaps", "/gaps")):
            result["runs"] += drive([Workload(ours, target, path, "application/json", args.duration,
                                              cached=True)],
                                    args.clients)
        for name, server in side_by_side[:2]:
            result["servers"][name].update(server.memory())
    finally:
        for _, server in side_by_side:
            server.stop()
    for name, server in servers[3:]:  # rdflib-endpoint, alone: it holds the whole graph in Python objects
        try:
            start(name, server)
            result["runs"] += drive([sparql(server, "profile-sparql")], args.clients)
            result["servers"][name].update(server.memory())
        finally:
            server.stop()
    # The servers must agree on the answers they were timed on.
    result["answers_agree"] = len({json.dumps(b) for b in answers.values()}) == 1
    result["profile_rows"] = len(next(iter(answers.values()), []))
    result["new_query_answers"] = {
        "innovations_checked": len(checked), "servers": sorted(new_answers),
        "agree": new_answers.get("carekg") == new_answers.get("oxigraph") and all(new_answers["carekg"]),
        "agree_like_with_like": new_answers.get("carekg") == new_answers.get(LIKE_WITH_LIKE)
        and all(new_answers["carekg"]),
        "rows": [len(b) for b in new_answers.get("carekg", [])]}
    log(f"  new-query answers: {result['new_query_answers']}")
    result["new_query_ratios"] = new_query_ratios(result["runs"])
    if args.cold_ids:
        result["cold"] = cold_answers(args, work, rows, profile_path)
    result["search"] = {**search_queries(work / "carekg-store", cold.SEARCH_QUERIES),
                        "index_build_seconds": result["load"]["carekg"].get("search_index_seconds")}
    log(f"  search: the load waited {result['search']['index_build_seconds']} s for the index after the "
        f"compaction, "
        f"p50 {result['search'].get('p50_ms')} ms, p95 {result['search'].get('p95_ms')} ms")
    result["shacl"] = {"carekg": shacl("carekg", files["full"], args.shacl_timeout)}
    log(f"  shacl carekg: {result['shacl']['carekg']}")
    if SIZES[size] <= SIZES[args.pyshacl_max]:
        result["shacl"]["pyshacl"] = shacl("pyshacl", files["full"], args.shacl_timeout)
        log(f"  shacl pyshacl: {result['shacl']['pyshacl']}")
    else:
        result["shacl"]["pyshacl"] = {"measured": False,
                                      "reason": f"not run above {args.pyshacl_max}: at 1M it "
                                      "ran over 520 s and was stopped (bench-10k-100k-1m of 2026-11-25)"}
    result.update(writes(args, work, files["data"], innovation))
    result["load_average_at_end"] = os.getloadavg()
    result["uptime_at_end"] = uptime()
    return result


def new_query_ratios(runs: list[dict]) -> list[dict]:
    """carekg's new-query throughput and p50 at each connection count beside Oxigraph server over the
    N-Triples file (the issue's comparison, first) and over carekg's own store (like with like)."""
    def run(server: str, clients: int) -> dict | None:
        return next((r for r in runs if (r["server"], r["target"], r["clients"])
                     == (server, "profile-sparql-new", clients)), None)

    out = []
    for clients in sorted({r["clients"] for r in runs if r["target"] == "profile-sparql-new"}):
        ours = run("carekg", clients)
        if ours is None:
            continue
        row: dict = {"clients": clients, "carekg_rps": ours["throughput_rps"],
                     "carekg_p50_ms": ours["p50_ms"]}
        for server, key in (("oxigraph", "vs_oxigraph"), (LIKE_WITH_LIKE, "vs_oxigraph_union")):
            peer = run(server, clients)
            if peer is None:
                continue
            row[key] = {"rps": peer["throughput_rps"], "p50_ms": peer["p50_ms"],
                        "throughput_ratio": round(ours["throughput_rps"] / peer["throughput_rps"], 3)
                        if peer["throughput_rps"] else None,
                        "p50_gap_ms": round(ours["p50_ms"] - peer["p50_ms"], 3)
                        if ours["p50_ms"] is not None and peer["p50_ms"] is not None else None}
        out.append(row)
    return out


def plot(results: dict[str, dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = list(results)
    series = [("carekg", "profile-sparql-new"), ("oxigraph", "profile-sparql-new"),
              (LIKE_WITH_LIKE, "profile-sparql-new"), ("carekg", "profile"),
              ("carekg", "consensus"), ("carekg", "gaps"), ("carekg", "profile-sparql"),
              ("oxigraph", "profile-sparql"), ("rdflib-endpoint", "profile-sparql")]
    figure, axes = plt.subplots(len(sizes), 2, figsize=(12, 3.6 * len(sizes)), squeeze=False)
    for row, size in zip(axes, sizes, strict=True):
        for server, target in series:
            runs = sorted((r for r in results[size]["runs"]
                           if r["server"] == server and r["target"] == target), key=lambda r: r["clients"])
            if not runs:
                continue
            shown = "oxigraph over carekg's store (union)" if server == LIKE_WITH_LIKE else server
            label = f"{shown} {target}" + (" (cached)" if runs[0].get("cached") else "")
            clients = [r["clients"] for r in runs]
            row[0].plot(clients, [r["throughput_rps"] for r in runs], marker="o", label=label)
            row[1].plot(clients, [r["p50_ms"] or float("nan") for r in runs], marker="o", label=label)
        for axis, title in zip(row, ("throughput (requests/s)", "p50 latency (ms)"), strict=True):
            axis.set_xscale("log", base=2)
            axis.set_yscale("log")
            axis.set_xlabel("concurrent clients")
            axis.set_title(f"{size} triples: {title}")
            axis.grid(True, which="both", alpha=0.3)
        row[0].legend(fontsize=7)
    figure.tight_layout()
    figure.savefig(path, dpi=90)
    plt.close(figure)


def main(argv: list[str] | None = None) -> int:
    global WORK
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10k,100k,1m", help="comma-separated of " + ", ".join(SIZES))
    parser.add_argument("--clients", default="1,8,32", help="concurrent clients, comma-separated")
    parser.add_argument("--duration", type=float, default=10, help="seconds per load-generator run")
    parser.add_argument("--workers", type=int, default=1,
                        help="uvicorn worker processes for carekg (1: see docs/bench.md on why)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--rdflib-max", default="1m", choices=SIZES,
                        help="largest size rdflib-endpoint serves")
    parser.add_argument("--pyshacl-max", default="100k", choices=SIZES,
                        help="largest size pyshacl validates (carekg's validator runs at every size)")
    parser.add_argument("--shacl-timeout", type=float, default=1800)
    parser.add_argument("--start-timeout", type=float, default=1800,
                        help="seconds a server may take to answer")
    parser.add_argument("--cold-ids", type=int, default=20,
                        help="ids sampled per route for the cold first answers (0: skip that part)")
    parser.add_argument("--cold-timeout", type=float, default=60,
                        help="seconds a cold request may take (and a route in all) before it is recorded "
                             "unanswered")
    parser.add_argument("--stream-timeout", type=float, default=900,
                        help="seconds a cold request may take to its last byte once its first came (the "
                             "streamed exports: minutes at 10M)")
    parser.add_argument("--cold-restart", choices=("route", "once"), default="route",
                        help="start a fresh server for every route (route), or one for all (once: quicker, "
                             "but later routes find tables the earlier ones computed)")
    parser.add_argument("--rss-cap-mb", type=float, default=4096,
                        help="kill the server when its RSS (with children) passes this during a cold request")
    parser.add_argument("--memory-flag-mb", type=float, default=256,
                        help="flag a route whose request grows the server by more than this")
    parser.add_argument("--only", choices=("load,write", "cold"),
                        help="load,write: only the load (carekg and oxigraph), the write measures and the "
                             "first reads after writes (bench/after_write.py); cold: only carekg's load and "
                             "the cold answers of the routes")
    parser.add_argument("--reuse-store", action="store_true",
                        help="with --only: use the carekg store an earlier run loaded under --work for "
                             "this size and seed instead of loading it again (the loads are then not "
                             "measured); the writes go to a copy of it, so any earlier run's store will do, "
                             "if loaded by the same code from an unchanged data file")
    parser.add_argument("--cold-routes", help="comma-separated labels of bench/cold.py's ROUTES whose cold "
                                              "answers are measured (default: every route); a comma "
                                              "followed by a space is part of a label: 'profile, "
                                              "CFIR,briefing'")
    parser.add_argument("--name", help="results file name (default: bench-<sizes>)")
    parser.add_argument("--out", default=str(RESULTS), help="results folder")
    parser.add_argument("--work", default=str(WORK), help="folder for the stores and server logs (scratch)")
    parser.add_argument("--retarget", metavar="JSON", nargs="+",
                        help="only recompute the targets (and plot) of these results files, merged into the "
                             "first")
    args = parser.parse_args(argv)
    WORK = Path(args.work)
    if args.retarget:
        paths = [Path(p) for p in args.retarget]
        report = json.loads(paths[0].read_text())
        for other in paths[1:]:
            report["sizes"].update(json.loads(other.read_text())["sizes"])
        report["targets"] = targets(report["sizes"])
        paths[0].write_text(json.dumps(report, indent=2) + "\n")
        plot(report["sizes"], paths[0].with_suffix(".png"))
        return 0
    sizes = [s.strip().lower() for s in args.sizes.split(",") if s.strip()]
    unknown = [s for s in sizes if s not in SIZES]
    if unknown:
        parser.error(f"unknown sizes {unknown}: use {', '.join(SIZES)}")
    args.clients = [int(c) for c in args.clients.split(",")]
    # A comma and a space belong to a label ("profile, CFIR"); a bare comma separates labels.
    args.cold_routes = {label.strip() for label in re.split(r",(?! )",
                                                            args.cold_routes or "") if label.strip()}
    unknown = args.cold_routes - {route[0] for route in cold.ROUTES}
    if unknown:
        parser.error(f"unknown --cold-routes {sorted(unknown)}: the labels are those of ROUTES in "
                     "bench/cold.py")
    if args.reuse_store and not args.only:
        parser.error("--reuse-store goes with --only: the whole run times the loads")
    # A SIGTERM unwinds like Ctrl-C, so every server started is stopped by its `finally`.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if shutil.which("wrk") is None and not args.only:
        parser.error("wrk is not installed: `make bench-tools` (apt-get install wrk)")
    started = {"when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "uptime": uptime()}
    code = code_version()  # before the run: later edits to the tree are not what was measured
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    name = args.name or f"bench-{'-'.join(sizes)}"
    results: dict[str, dict] = {}
    for size in sizes:
        results[size] = run_size(size, args)
        # Written after every size, so a long run that has to be stopped keeps what it measured.
        report = {
            "name": name, "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "started": started,
            "uptime_at_end": uptime(), "code": code,
            "complete": size == sizes[-1],
            "machine": {"cpus": os.cpu_count(), "platform": platform.platform(),
                        "python": platform.python_version(),
                        "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30,
                                           1)},
            "method": method(args), "targets": targets(results), "sizes": results,
        }
        (out / f"{name}.json").write_text(json.dumps(report, indent=2) + "\n")
    plot(results, out / f"{name}.png")
    for target in report["targets"]:
        log(f"{target['status']:>12}  {target['target']}: {target['figure']}")
    log(f"wrote {out / (name + '.json')} and {name}.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
