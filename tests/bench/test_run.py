"""bench/run.py --only cold: carekg's load and the cold answers of the chosen routes alone (no Oxigraph
server, no wrk), the way docs/bench.md measures one route's before and after."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("carekg_bench_run_cold", ROOT / "bench" / "run.py")
run = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(run)


def test_only_cold_measures_the_chosen_routes_alone(tmp_path):
    assert run.main(["--sizes", "10k", "--only", "cold", "--cold-routes", "factors list,profile",
                     "--cold-ids", "2", "--cold-restart", "once", "--out", str(tmp_path),
                     "--work", str(tmp_path / "work"), "--name", "cold"]) == 0
    size = json.loads((tmp_path / "cold.json").read_text())["sizes"]["10k"]
    assert set(size["load"]) == {"carekg"} and size["runs"] == []
    routes = {route["route"]: route for route in size["cold"]["routes"]}
    assert set(routes) == {"factors list", "profile"}
    assert routes["profile"]["samples"] == 2 and routes["factors list"]["answered"] == 1
    assert all(route["cold_ms"] > 0 and route["statuses"] == {"200": route["samples"]}
               for route in routes.values())


def test_an_unknown_route_label_is_refused_by_name(tmp_path, capsys):
    with pytest.raises(SystemExit):
        run.main(["--sizes", "10k", "--only", "cold", "--cold-routes", "no such route", "--cold-ids", "1",
                  "--out", str(tmp_path), "--work", str(tmp_path / "work")])
    assert "unknown --cold-routes ['no such route']" in capsys.readouterr().err
    assert not (tmp_path / "work").exists()


def test_the_write_step_reruns_on_a_reused_store(tmp_path):
    """The writes go to a copy of the loaded store: a second run with --reuse-store writes on the store the
    first did (the same version, none of the first run's submissions), and the loaded store is untouched."""
    from carekg.store.oxigraph_store import OxigraphStore

    work = tmp_path / "work"
    common = ["--sizes", "10k", "--only", "load,write", "--out", str(tmp_path), "--work", str(work)]
    assert run.main([*common, "--name", "first"]) == 0
    loaded = OxigraphStore(work / "10k" / "carekg-store", read_only=True)
    version = loaded.dataset_version()
    loaded.close()
    assert run.main([*common, "--reuse-store", "--name", "again"]) == 0
    first, again = (json.loads((tmp_path / f"{name}.json").read_text())["sizes"]["10k"]
                    for name in ("first", "again"))
    assert "reused_store" not in first and again["reused_store"] == "10k/carekg-store"
    for size in (first, again):
        assert size["write"]["valid"]["problems"] == 0 and size["write"]["broken"]["problems"] == 3
        assert size["write"]["whole_write_seconds"] > 0 and len(size["write"]["amendment_seconds"]) == 2
        assert [w["status"] for w in size["after_write"]["writes"]] == [201] * 4
    # the second run's writes started from the loaded store: its first profile read is the same page
    assert (again["after_write"]["pages"]["profile"]["cold"]["bytes"]
            == first["after_write"]["pages"]["profile"]["cold"]["bytes"])
    loaded = OxigraphStore(work / "10k" / "carekg-store", read_only=True)
    assert loaded.dataset_version() == version
    loaded.close()
    assert sorted(p.name for p in (work / "10k" / "submissions").glob("*.trig")) == [
        "bench-after-write-1.trig", "bench-after-write-2.trig", "bench-after-write-3.trig",
        "bench-after-write-4.trig", "bench.trig"]
