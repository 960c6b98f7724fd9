"""Results files written before the like-with-like line (Oxigraph server over carekg's store) still
report and retarget: the issue's comparison unchanged, the second ratio shown as not run."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _module(name: str):
    spec = importlib.util.spec_from_file_location(f"carekg_bench_{name}", ROOT / "bench" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


EARLIER = json.loads((ROOT / "bench" / "results" / "bench-1m-2026-12-07.json").read_text())


def test_an_earlier_run_reports_the_issues_ratio_and_no_like_with_like_line():
    lines = _module("report").new_query_table(EARLIER["sizes"])
    rows = [line for line in lines if line.startswith("| 1m |")]
    assert [row.split("|")[2].strip() for row in rows] == ["1", "8", "32"]
    assert all(row.rstrip(" |").endswith("not run") for row in rows)
    ratios = {row["clients"]: row for row in _module("run").new_query_ratios(EARLIER["sizes"]["1m"]["runs"])}
    assert "vs_oxigraph_union" not in ratios[8]
    assert ratios[8]["vs_oxigraph"] == {"rps": 252.01, "p50_ms": ratios[8]["vs_oxigraph"]["p50_ms"],
                                        "throughput_ratio": round(174.52 / 252.01, 3),
                                        "p50_gap_ms": ratios[8]["vs_oxigraph"]["p50_gap_ms"]}


def test_the_targets_of_an_earlier_run_show_no_like_with_like_figure():
    figures = {t["target"]: t["figure"] for t in _module("targets").targets(EARLIER["sizes"])}
    judged = figures["1M: new-query SPARQL, 8 connections: throughput >= 0.9x Oxigraph server's"]
    assert "x (0 errors)" in judged and "like with like" not in judged
