"""Markdown tables of one or more results files (for docs/bench.md), no-cache figures first:
``python bench/report.py bench/results/baseline-before-issue-14.json [more.json]``."""

from __future__ import annotations

import json
import sys
from pathlib import Path


def _fmt(value, digits: int = 2) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return f"{value:,}"


def _run(size: dict, server: str, target: str, clients: int) -> dict | None:
    wanted = (server, target, clients)
    return next((r for r in size["runs"] if (r["server"], r["target"], r["clients"]) == wanted), None)


def new_query_table(sizes: dict) -> list[str]:
    """New-query SPARQL (no cache can hit), carekg /sparql beside Oxigraph server /query; then, like with
    like (informative), beside Oxigraph server over carekg's own store with its union default graph."""
    lines = ["| size | connections | carekg req/s | Oxigraph req/s | ratio | carekg p50 / p99 (ms) | "
             "Oxigraph p50 / p99 (ms) | errors carekg / Oxigraph | answers | Oxigraph over carekg's store "
             "(union): req/s, ratio, p50 (ms) |",
             "|---|---:|---:|---:|---:|---|---|---|---|---|"]
    for name, size in sizes.items():
        agree = size.get("new_query_answers", {})
        for clients in sorted({r["clients"] for r in size["runs"] if r["target"] == "profile-sparql-new"}):
            ours, ox = (_run(size, s, "profile-sparql-new", clients) for s in ("carekg", "oxigraph"))
            if not (ours and ox):
                continue
            ratio = ours["throughput_rps"] / ox["throughput_rps"] if ox["throughput_rps"] else None
            union = _run(size, "oxigraph-union", "profile-sparql-new", clients)
            like = "not run"
            if union:
                peer_rps = union["throughput_rps"]
                like_ratio = ours["throughput_rps"] / peer_rps if peer_rps else None
                like = f"{_fmt(union['throughput_rps'], 1)}, {_fmt(like_ratio)}x, {_fmt(union['p50_ms'], 1)}"
            lines.append(f"| {name} | {clients} | {_fmt(ours['throughput_rps'], 1)} | "
                         f"{_fmt(ox['throughput_rps'], 1)} | {_fmt(ratio)}x | {_fmt(ours['p50_ms'], 1)} / "
                         f"{_fmt(ours['p99_ms'], 1)} | {_fmt(ox['p50_ms'], 1)} / {_fmt(ox['p99_ms'], 1)} | "
                         f"{ours['errors']} / {ox['errors']} | "
                         f"{'identical' if agree.get('agree') else 'DIFFERENT'} "
                         f"({agree.get('innovations_checked')} checked) | {like} |")
    return lines


def cold_table(sizes: dict, flag_mb: float = 256) -> list[str]:
    """Every REST route's cold answers and the memory its requests took."""
    lines = ["| size | route | ids | first (ms) | p50 (ms) | p95 (ms) | max (ms) | peak growth per request "
             "(MB) | kept after (MB) | note |", "|---|---|---:|---:|---:|---:|---:|---:|---:|---|"]
    for name, size in sizes.items():
        for route in size.get("cold", {}).get("routes", []):
            if not route["measured"]:
                lines.append(f"| {name} | {route['route']} | 0 | | | | | | | {route['reason']} |")
                continue
            growth = route["peak_growth_mb_max"]
            flag = f" **over {flag_mb:.0f} MB**" if route["over_memory_flag"] else ""
            note = "; ".join(filter(None, [route.get("reason"),
                                           ", ".join(f"status {s}" for s in route["unexpected_statuses"])]))
            lines.append(f"| {name} | {route['route']} | {route['samples']} | {_fmt(route['first_ms'], 1)} | "
                         f"{_fmt(route['p50_ms'], 1)} | {_fmt(route['p95_ms'], 1)} | "
                         f"{_fmt(route['max_ms'], 1)} | {_fmt(growth, 1)}{flag} | "
                         f"{_fmt(route['retained_growth_mb'], 1)} | {note} |")
    return lines


def tables(reports: list[dict]) -> str:
    sizes = {name: size for report in reports for name, size in report["sizes"].items()}
    lines = ["### New-query SPARQL (a new text every request: no cache hits)", "", *new_query_table(sizes),
             "", "### Cold first answers of every REST route, and memory per request", "", *cold_table(sizes)]
    lines += ["", "### Loads, first answers, peak memory", "",
              "| size | data triples | carekg load (s): end to end / bulk phase / compaction | carekg "
              "triples/s: end to end / bulk phase | Oxigraph load (s) | Oxigraph triples/s "
              "| first answer carekg / Oxigraph / rdflib-endpoint (s) | peak RSS carekg / Oxigraph / "
              "rdflib-endpoint (MB) |",
              "|---|---:|---|---|---:|---:|---|---|"]
    for name, size in sizes.items():
        servers = size["servers"]
        first = " / ".join(_fmt(servers.get(s, {}).get("first_answer_seconds")) for s in
                           ("carekg", "oxigraph", "rdflib-endpoint"))
        rss = " / ".join(_fmt(servers.get(s, {}).get("peak_rss_mb"), 0)
                         for s in ("carekg", "oxigraph", "rdflib-endpoint"))
        load_c, load_o = size["load"]["carekg"], size["load"]["oxigraph"]
        lines.append(f"| {name} | {_fmt(size['data']['data_triples'])} | {load_c['seconds']} / "
                     f"{_fmt(load_c.get('bulk_load_seconds'))} / {_fmt(load_c.get('compaction_seconds'))} | "
                     f"{_fmt(load_c['triples_per_second'])} / {_fmt(load_c.get('bulk_triples_per_second'))} "
                     f"| {load_o['seconds']} | {_fmt(load_o['triples_per_second'])} | {first} | {rss} |")
    lines += ["", "| size | SHACL, carekg's validator (s): process / read / validate | SHACL, pyshacl (s): "
              "process / parse / validate | a write's validation, median (max) ms: valid / broken | whole "
              "write (s) |",
              "|---|---|---|---|---:|"]
    for name, size in sizes.items():
        cells = []
        for engine in ("carekg", "pyshacl"):
            run = size.get("shacl", {}).get(engine, {})
            cells.append(f"{run['process_seconds']} / {run['parse_seconds']} / {run['validate_seconds']}"
                         if run.get("measured") else "not run")
        write = size.get("write")
        write_text = (f"{write['valid']['median_ms']} ({write['valid']['max_ms']}) / "
                      f"{write['broken']['median_ms']} ({write['broken']['max_ms']})" if write else "–")
        lines.append(f"| {name} | {cells[0]} | {cells[1]} | {write_text} | "
                     f"{_fmt(write['whole_write_seconds']) if write else '–'} |")
    lines += ["", "### Full-text search (issue 15): the index, and the bench's queries through the service",
              "",
              "| size | documents | the load's wait for the index after the compaction (s) "
              "| build in memory (s) | p50 / p95 / max "
              "(ms) | widest query: matches, p50 (ms) |", "|---|---:|---:|---:|---|---|"]
    for name, size in sizes.items():
        found = size.get("search", {})
        if not found.get("measured"):
            lines.append(f"| {name} | not measured: {found.get('reason', 'no run')} | | | | |")
            continue
        widest = max(found["queries"], key=lambda q: q["matches"])
        lines.append(f"| {name} | {_fmt(found['documents'])} | {_fmt(found.get('index_build_seconds'))} | "
                     f"{_fmt(found['build_in_memory_seconds'])} | {found['p50_ms']} / {found['p95_ms']} / "
                     f"{found['max_ms']} | {widest['q']!r}: {_fmt(widest['matches'])}, {widest['p50_ms']} |")
    lines += ["", "### Every wrk run (cached: carekg replays a kept answer)", "",
              "| size | server | question | cached | first (ms) | clients | requests/s | p50 (ms) | p99 (ms) "
              "| errors |",
              "|---|---|---|---|---:|---:|---:|---:|---:|---:|"]
    for name, size in sizes.items():
        for run in size["runs"]:
            lines.append(f"| {name} | {run['server']} | {run['target']} | "
                         f"{'yes' if run.get('cached') else 'no'} | {_fmt(run.get('cold_ms'))} | "
                         f"{run['clients']} | {_fmt(run['throughput_rps'], 1)} | {_fmt(run['p50_ms'], 3)} | "
                         f"{_fmt(run['p99_ms'], 3)} | {run['errors']} |")
    lines += ["", "### Targets", "", "| issue | target | status | figure |", "|---|---|---|---|"]
    for report in reports:
        for target in report["targets"]:
            lines.append(f"| {target.get('issue', 4)} | {target['target']} | **{target['status']}** | "
                         f"{target['figure']} |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(tables([json.loads(Path(p).read_text()) for p in sys.argv[1:]]))
