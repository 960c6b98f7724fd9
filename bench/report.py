"""Markdown tables of one or more results files (for docs/bench.md):
``python bench/report.py bench/results/bench-10k-to-10m.json [more.json]``."""

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
    lines += ["| size | data triples | carekg load (s): end to end / bulk phase / compaction | carekg triples/s: "
              "end to end / bulk phase | Oxigraph load (s) | Oxigraph triples/s "
              "| first answer carekg / Oxigraph / rdflib-endpoint (s) | peak RSS carekg / Oxigraph / rdflib-endpoint (MB) |",
              "|---|---:|---|---|---:|---:|---|---|"]
    for name, size in sizes.items():
        servers = size["servers"]
        first = " / ".join(_fmt(servers.get(s, {}).get("first_answer_seconds")) for s in
                           ("carekg", "oxigraph", "rdflib-endpoint"))
        rss = " / ".join(_fmt(servers.get(s, {}).get("peak_rss_mb"), 0) for s in ("carekg", "oxigraph", "rdflib-endpoint"))
        load_c, load_o = size["load"]["carekg"], size["load"]["oxigraph"]
        lines.append(f"| {name} | {_fmt(size['data']['data_triples'])} | {load_c['seconds']} / "
                     f"{_fmt(load_c.get('bulk_load_seconds'))} / {_fmt(load_c.get('compaction_seconds'))} | "
                     f"{_fmt(load_c['triples_per_second'])} / {_fmt(load_c.get('bulk_triples_per_second'))} | "
                     f"{load_o['seconds']} | {_fmt(load_o['triples_per_second'])} | {first} | {rss} |")
    lines += ["", "| size | SHACL, carekg's validator (s): process / read / validate | SHACL, pyshacl (s): "
              "process / parse / validate | a write's validation, median (max) ms: valid / broken | whole write (s) |",
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
