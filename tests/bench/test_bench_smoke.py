"""The benchmark harness end to end at its smallest size, with one-second runs: every server starts,
answers the profile question identically, takes load without errors, and every target of issue 4 is
reported. Not a timed test: no figure is compared with a threshold here (see docs/bench.md)."""

from __future__ import annotations

import importlib.util
import json
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("carekg_bench_run", ROOT / "bench" / "run.py")
run = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(run)

pytestmark = pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk not installed (make bench-tools)")


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    out = tmp_path_factory.mktemp("bench")
    assert run.main(["--sizes", "10k", "--duration", "1", "--clients", "1,4", "--out", str(out),
                     "--work", str(out / "work"), "--name", "smoke"]) == 0
    assert (out / "smoke.png").stat().st_size > 10_000
    return json.loads((out / "smoke.json").read_text())


def test_every_server_answers_the_same_profile(report):
    size = report["sizes"]["10k"]
    assert set(size["servers"]) == {"carekg", "oxigraph", "rdflib-endpoint"}
    assert size["answers_agree"] and size["profile_rows"] > 0
    assert size["innovation"]["findings"] > 0
    for server in size["servers"].values():
        assert server["first_answer_seconds"] > 0 and server["peak_rss_mb"] > 0


def test_every_target_ran_under_load_without_errors(report):
    runs = report["sizes"]["10k"]["runs"]
    ran = {(r["server"], r["target"], r["clients"]) for r in runs}
    for target in ("profile", "consensus", "gaps", "profile-sparql"):
        assert {("carekg", target, 1), ("carekg", target, 4)} <= ran
    assert {("oxigraph", "profile-sparql", 4), ("rdflib-endpoint", "profile-sparql", 4)} <= ran
    for r in runs:
        assert r["errors"] == 0, r
        if r["server"] == "carekg":
            assert r["requests"] > 0 and r["p50_ms"] <= r["p99_ms"], r


def test_loads_validation_and_targets_are_reported(report):
    size = report["sizes"]["10k"]
    load = size["load"]["carekg"]
    assert load["triples"] == size["data"]["data_triples"] > 9000
    assert load["bulk_load_seconds"] > 0 and load["compaction_seconds"] >= 0
    for engine in ("carekg", "pyshacl"):  # both validators, the same graph, the same verdict
        validation = size["shacl"][engine]
        assert validation["measured"] and validation["conforms"] and validation["results"] == 0
    write = size["write"]
    assert write["valid"]["problems"] == 0 and write["broken"]["problems"] == 3
    assert write["whole_write_seconds"] > 0
    statuses = {t["target"]: t["status"] for t in report["targets"]}
    assert set(statuses.values()) <= {"met", "missed", "not measured"}
    assert statuses["1M targets"] == "not measured"
