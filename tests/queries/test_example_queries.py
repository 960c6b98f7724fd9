"""The query page's examples are package data: they do not depend on where the repository is (#13)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from carekg.queries.example_queries import example_queries, examples


def test_examples_come_with_the_package_not_from_the_repository(tmp_path):
    """As installed: CAREKG_ROOT points at a folder without the README, and the examples are all there."""
    env = {**os.environ, "CAREKG_ROOT": str(tmp_path)}
    script = ("import json; from carekg.queries.example_queries import example_queries; "
              "print(json.dumps(example_queries()))")
    run = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert [tuple(pair) for pair in json.loads(run.stdout)] == example_queries()
    assert sum(name.startswith("readme-") for name in examples()) == 3


def test_every_example_has_a_title_and_a_query():
    for name, (title, query) in examples().items():
        assert title and not title.startswith("#"), name
        assert "SELECT" in query and not query.startswith("#"), name
