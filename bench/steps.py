"""The timed steps besides serving: loading a store (carekg's loader and Oxigraph's), SHACL validation
of the whole graph (carekg's validator and pyshacl), and a write (its validation and the whole write)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def count_lines(path: Path) -> int:
    with path.open("rb") as handle:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))


def load_carekg(data: Path, store_dir: Path) -> dict:
    """``carekg load`` end to end, and its phases from the elapsed times it prints: the bulk load (one
    loader per core; the rules and then the search index are derived from the files meanwhile), waiting
    for the rules (the inferred graph is loaded part by part meanwhile), the compaction that makes reads
    fast (the store's, beside the union copy's, and counting the graphs after it), waiting for what is
    left of the search index, and what is left of writing the union copy that answers /sparql."""
    # The union copy too: a copy of the same version left by an earlier run would be kept, not timed.
    for suffix in ("", ".sparql"):
        shutil.rmtree(store_dir.with_name(store_dir.name + suffix), ignore_errors=True)
    start = time.perf_counter()
    done = subprocess.run([BIN / "carekg", "load", "--data", str(data), "--no-reasoner", "--force",
                           "--store", f"oxigraph:{store_dir}"], check=True, cwd=ROOT,
                           stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True)
    seconds = time.perf_counter() - start
    marks = {m.group(1).split()[0] + " " + m.group(1).split()[1]: float(m.group(2))
             for m in re.finditer(r"\.\.\. (.+?) \(at ([\d.]+) s\)", done.stderr)}
    triples = count_lines(data)
    result = {"seconds": round(seconds, 2), "triples": triples,
              "triples_per_second": round(triples / seconds)}
    # The search index is built from the files while the store loads; what the load waits for it after the
    # compaction (and counting the graphs) is timed apart.
    index_started = marks.get("building the", seconds)
    copy_started = marks.get("copying the", seconds)  # the union copy /sparql reads (carekg.store.union_view)
    if "building the" in marks:
        result["search_index_seconds"] = round(copy_started - index_started, 2)
    if "copying the" in marks:
        result["union_copy_seconds"] = round(seconds - copy_started, 2)
    if {"loading dataset", "applying SPARQL", "compacting the"} <= marks.keys():
        bulk = marks["applying SPARQL"] - marks["loading dataset"]
        result.update(bulk_load_seconds=round(bulk, 2), bulk_triples_per_second=round(triples / bulk),
                      rules_wait_seconds=round(marks["compacting the"] - marks["applying SPARQL"], 2),
                      compaction_seconds=round(index_started - marks["compacting the"], 2))
    return result


def load_oxigraph(full: Path, store_dir: Path) -> dict:
    shutil.rmtree(store_dir, ignore_errors=True)
    start = time.perf_counter()
    subprocess.run([BIN / "oxigraph", "load", "--location", str(store_dir), "--file", str(full)], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    seconds = time.perf_counter() - start
    triples = count_lines(full)
    return {"seconds": round(seconds, 2), "triples": triples, "triples_per_second": round(triples / seconds)}


PYSHACL_SCRIPT = """
import json, sys, time
start = time.perf_counter()
from rdflib import Graph
from pyshacl import validate
from carekg import paths
data = Graph()
data.parse(sys.argv[1], format="nt")
parsed = time.perf_counter()
shapes = Graph().parse(paths.SHAPES_DIR / "data.ttl", format="turtle")
conforms, _, text = validate(data, shacl_graph=shapes, inference="none", allow_warnings=False)
done = time.perf_counter()
print(json.dumps({"conforms": bool(conforms), "parse_seconds": round(parsed - start, 2),
                  "validate_seconds": round(done - parsed, 2), "seconds": round(done - start, 2),
                  "results": 0 if conforms else text.count("Constraint Violation"), "triples": len(data)}))
"""

ENGINE_SCRIPT = """
import json, sys, time
start = time.perf_counter()
import pyoxigraph as ox
from carekg import paths, shacl
store = ox.Store()
store.bulk_load(path=sys.argv[1], format=ox.RdfFormat.N_TRIPLES)
parsed = time.perf_counter()
results = shacl.validate(store, paths.SHAPES_DIR / "data.ttl")
done = time.perf_counter()
print(json.dumps({"conforms": not results, "parse_seconds": round(parsed - start, 2),
                  "validate_seconds": round(done - parsed, 2), "seconds": round(done - start, 2),
                  "results": len(results), "triples": len(store)}))
"""


def shacl(engine: str, full: Path, timeout: float) -> dict:
    """SHACL validation of the whole graph (data and ontology) against shapes/data.ttl in a fresh process,
    end to end: starting, reading the file, validating. ``engine``: carekg's (carekg.shacl, SPARQL on an
    in-memory Oxigraph store) or pyshacl (on an rdflib graph)."""
    script = ENGINE_SCRIPT if engine == "carekg" else PYSHACL_SCRIPT
    start = time.perf_counter()
    try:
        out = subprocess.run([sys.executable, "-c", script, str(full)], capture_output=True, text=True,
                             timeout=timeout, cwd=ROOT)
    except subprocess.TimeoutExpired:
        return {"measured": False, "at_least_seconds": round(timeout),
                "reason": f"did not finish within {timeout:.0f} s"}
    if out.returncode:
        return {"measured": False, "reason": out.stderr.strip()[-500:]}
    return {"measured": True, "process_seconds": round(time.perf_counter() - start, 2),
            **json.loads(out.stdout)}


SEARCH_SCRIPT = """
import json, statistics, sys, time
from carekg import search
from carekg.services.search import search as ask
from carekg.store import get_store
store = get_store("oxigraph-ro:" + sys.argv[1])
start = time.perf_counter()
index = search.index_for(store)  # the file carekg load wrote: opened, not built
opened = time.perf_counter()
documents = index.size()
start_build = time.perf_counter()
search.SearchIndex.build(search.documents(store)).close()  # what a store in memory or remote pays once
built = time.perf_counter()
queries, repeats = json.loads(sys.argv[2]), int(sys.argv[3])
per_query, every = [], []
for words in queries:
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        answer = ask(store, words, limit=50)
        times.append((time.perf_counter() - t) * 1000)
    every += times
    per_query.append({"q": words, "matches": answer.count, "p50_ms": round(statistics.median(times), 2)})
every.sort()
print(json.dumps({"documents": documents, "open_ms": round((opened - start) * 1000, 2),
                  "build_in_memory_seconds": round(built - start_build, 2),
                  "p50_ms": round(statistics.median(every), 2),
                  "p95_ms": round(every[min(len(every) - 1, int(len(every) * 0.95))], 2),
                  "max_ms": round(every[-1], 2), "queries": per_query}))
"""


def search_queries(store_dir: Path, queries: list[str], repeats: int = 5, timeout: float = 1800) -> dict:
    """Full-text search (issue 15) on the loaded carekg store, in a fresh process: opening the index
    ``carekg load`` built beside the store, building one in memory from the store (what a remote store
    pays at start-up), and each query through the service ``repeats`` times (first page of 50, with its
    counts): p50 and p95 over every answer, and each query's median and number of matches."""
    try:
        out = subprocess.run([sys.executable, "-c", SEARCH_SCRIPT, str(store_dir), json.dumps(queries),
                              str(repeats)],
                             capture_output=True, text=True, timeout=timeout, cwd=ROOT)
    except subprocess.TimeoutExpired:
        return {"measured": False, "reason": f"did not finish within {timeout:.0f} s"}
    if out.returncode:
        return {"measured": False, "reason": out.stderr.strip()[-500:]}
    return {"measured": True, **json.loads(out.stdout)}


def write_store(loaded: Path, copy: Path) -> Path:
    """A fresh copy of the store ``carekg load`` left at ``loaded``, with its search index and the union
    copy /sparql reads beside it, at ``copy``: the write steps write there, so the loaded store stays as
    the load left it and a rerun with --reuse-store writes on the very store a first run did (the same
    version, no earlier submission). Oxigraph's backup hard-links the store's immutable files: cheap at
    any size."""
    import pyoxigraph as ox

    for suffix in ("", ".search", ".sparql"):
        shutil.rmtree(copy.with_name(copy.name + suffix), ignore_errors=True)
    ox.Store.read_only(str(loaded)).backup(str(copy))
    search = loaded.with_name(loaded.name + ".search")
    if search.is_dir():
        shutil.copytree(search, copy.with_name(copy.name + ".search"),
                        ignore=shutil.ignore_patterns("*.partial"))
    union = loaded.with_name(loaded.name + ".sparql")
    for version in sorted(union.iterdir()) if union.is_dir() else ():
        if version.is_dir() and version.suffix not in (".partial", ".scratch"):  # a crashed build's leftovers
            copied = copy.with_name(copy.name + ".sparql") / version.name
            copied.parent.mkdir(parents=True, exist_ok=True)
            ox.Store.read_only(str(version)).backup(str(copied))
    return copy


WRITE_FINDING = """\
<https://w3id.org/carekg/id/finding/bench-write-{n}> a <https://w3id.org/carekg/def#Finding> ;
    <https://w3id.org/carekg/def#aboutFactor> <{factor}> ;
    <https://w3id.org/carekg/def#aboutInnovation> <{innovation}> ;
    <https://w3id.org/carekg/def#direction> <https://w3id.org/carekg/def#{direction}> ;
    <https://w3id.org/carekg/def#paraphrase> "A benchmark finding submitted as a write."@en ;
    <https://w3id.org/carekg/def#provenanceKind> <https://w3id.org/carekg/def#SourceStudyClaim> ;
    <https://w3id.org/carekg/def#reportedIn> <{source}> .
"""


def write_validation(data: Path, store_dir: Path, innovation: str, repeats: int = 7) -> dict:
    """A three-finding submission's validation on the loaded carekg store, as POST /evidence runs it
    (carekg.writes: SHACL of only what the change touches), median of ``repeats``; a broken one (an
    unknown direction) the same way; then one whole write (validation, TriG file, rules, commit), and
    the same submission amended: its findings moved to another factor and direction (two factors'
    consensus and counts), then back."""
    import contextlib
    import statistics

    from carekg.generate import factor_iris
    from carekg.search import SearchIndex, index_file
    from carekg.store.oxigraph_store import OxigraphStore
    from carekg.writes import EvidenceWriter, parse_untrusted

    store = OxigraphStore(store_dir)
    try:
        source = store.select(
            "SELECT ?s WHERE { ?f <https://w3id.org/carekg/def#reportedIn> ?s } LIMIT 1")[0]["s"]
        factor, other = factor_iris()[:2]

        def body(direction: str, about: str = factor) -> bytes:
            return "".join(WRITE_FINDING.format(n=n, factor=about, innovation=innovation, source=source,
                                                direction=direction) for n in range(3)).encode()

        submissions = store_dir.parent / "submissions"
        shutil.rmtree(submissions, ignore_errors=True)
        writer = EvidenceWriter(lambda: contextlib.nullcontext(store), submissions, data=[data],
                                reasoner=False)
        files = writer.files()
        timings: dict = {}
        for label, direction in (("valid", "Enabler"), ("broken", "Sideways")):
            parsed = parse_untrusted(body(direction), "text/turtle")
            seconds, problems = [], 0
            for _ in range(repeats):
                start = time.perf_counter()
                problems = len(writer._validate(store, "bench", parsed.triples, files))
                seconds.append(time.perf_counter() - start)
            timings[label] = {"median_ms": round(statistics.median(seconds) * 1000, 1),
                              "max_ms": round(max(seconds) * 1000, 1), "problems": problems}
        start = time.perf_counter()
        result = writer.submit("bench", body("Enabler"), "text/turtle", "bench")
        timings["whole_write_seconds"] = round(time.perf_counter() - start, 2)
        # the search index the write left: 'delta' when made from the previous one
        # (carekg.search.follow_write)
        index = SearchIndex.open(index_file(store, result.version) or Path())
        timings["search_index_after_write"] = index.made()[0]
        index.close()
        timings["findings"] = 3
        amendments = []
        for direction, about in (("Barrier", other), ("Enabler", factor)):
            begun = time.perf_counter()
            writer.submit("bench", body(direction, about), "text/turtle", "bench")
            amendments.append(round(time.perf_counter() - begun, 2))
        timings["amendment_seconds"] = amendments
        return timings
    finally:
        store.close()

