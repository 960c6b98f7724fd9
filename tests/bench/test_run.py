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
