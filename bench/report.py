"""Markdown tables of one or more results files (for docs/bench.md):
``python bench/report.py bench/results/bench-10k-100k-1m.json [more.json]``."""

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


def tables(reports: list[dict]) -> str:
    lines: list[str] = []
    sizes = {name: size for report in reports for name, size in report["sizes"].items()}
    lines += ["| size | data triples | carekg load (s) | carekg triples/s | Oxigraph load (s) | Oxigraph triples/s "
              "| first answer carekg / Oxigraph / rdflib-endpoint (s) | peak RSS carekg / Oxigraph / rdflib-endpoint (MB) "
              "| SHACL (s) |",
              "|---|---:|---:|---:|---:|---:|---|---|---|"]
    for name, size in sizes.items():
        servers = size["servers"]
        first = " / ".join(_fmt(servers.get(s, {}).get("first_answer_seconds")) for s in
                           ("carekg", "oxigraph", "rdflib-endpoint"))
        rss = " / ".join(_fmt(servers.get(s, {}).get("peak_rss_mb"), 0) for s in ("carekg", "oxigraph", "rdflib-endpoint"))
        shacl = size.get("shacl", {})
        shacl_text = (f"{shacl['seconds']} (parse {shacl['parse_seconds']}, validate {shacl['validate_seconds']})"
                      if shacl.get("measured") else "not run")
        load_c, load_o = size["load"]["carekg"], size["load"]["oxigraph"]
        lines.append(f"| {name} | {_fmt(size['data']['data_triples'])} | {load_c['seconds']} | "
                     f"{_fmt(load_c['triples_per_second'])} | {load_o['seconds']} | {_fmt(load_o['triples_per_second'])} "
                     f"| {first} | {rss} | {shacl_text} |")
    lines += ["", "| size | server | question | first (ms) | clients | requests/s | p50 (ms) | p99 (ms) | errors |",
              "|---|---|---|---:|---:|---:|---:|---:|---:|"]
    for name, size in sizes.items():
        for run in size["runs"]:
            lines.append(f"| {name} | {run['server']} | {run['target']} | {_fmt(run.get('cold_ms'))} | {run['clients']} | "
                         f"{_fmt(run['throughput_rps'], 1)} | {_fmt(run['p50_ms'], 3)} | {_fmt(run['p99_ms'], 3)} | "
                         f"{run['errors']} |")
    lines += ["", "| target | status | figure |", "|---|---|---|"]
    for report in reports:
        for target in report["targets"]:
            lines.append(f"| {target['target']} | **{target['status']}** | {target['figure']} |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(tables([json.loads(Path(p).read_text()) for p in sys.argv[1:]]))
