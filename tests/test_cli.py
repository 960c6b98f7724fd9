"""The command line: real subprocesses, real exit codes, readable errors."""

import json
import subprocess
import sys

import pytest

from carekg import paths


def carekg(*args, env_store=None):
    return subprocess.run([sys.executable, "-m", "carekg.cli", *args], capture_output=True, text=True,
                          cwd=paths.ROOT, timeout=600)


@pytest.fixture(scope="module")
def loaded_store(tmp_path_factory):
    location = tmp_path_factory.mktemp("store") / "db"
    result = carekg("--quiet", "load", "--store", f"oxigraph:{location}")
    assert result.returncode == 0, result.stderr
    assert "loaded" in result.stdout
    return f"oxigraph:{location}"


def test_help_teaches_with_examples():
    result = carekg("--help")
    assert result.returncode == 0
    assert "examples:" in result.stdout and "exit codes" in result.stdout
    for command in ("build", "check", "load", "query", "export", "generate"):
        sub = carekg(command, "--help")
        assert sub.returncode == 0 and "example:" in sub.stdout, command


def test_load_is_skipped_when_unchanged(loaded_store):
    again = carekg("--quiet", "load", "--store", loaded_store)
    assert again.returncode == 0 and "already loaded" in again.stdout


def test_query_with_predefined_prefixes(loaded_store):
    result = carekg("query", "--store", loaded_store, "--format", "csv",
                    "SELECT ?l { <https://w3id.org/carekg/id/innovation/signs-of-safety> rdfs:label ?l }")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["l", "Signs of Safety"]


@pytest.mark.parametrize(
    ("query", "phrase"),
    [("SELECT ?x WHERE { ?x", "syntax error"),
     ("INSERT DATA { <a:b> <a:c> <a:d> }", "read-only"),
     ("SELECT * { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }", "SERVICE")],
)
def test_bad_queries_exit_2_with_a_message(loaded_store, query, phrase):
    result = carekg("query", "--store", loaded_store, query)
    assert result.returncode == 2
    assert phrase in result.stderr
    assert "Traceback" not in result.stderr


def test_unknown_store_exits_3():
    result = carekg("query", "--store", "nosuch:thing", "ASK {}")
    assert result.returncode == 3
    assert "unknown store" in result.stderr


@pytest.mark.parametrize("engine", ["oxigraph", "pyshacl"])
def test_check_with_either_shacl_engine(engine):
    result = carekg("--quiet", "check", "--no-reasoner", "--shacl-engine", engine, "--format", "json")
    assert result.returncode == 0, result.stdout[-2000:]
    report = json.loads(result.stdout)
    assert report["ok"] and {"shacl data", "shacl ontology"} <= set(report["checks"])


def test_load_reports_its_steps_with_elapsed_time(tmp_path):
    result = carekg("load", "--no-reasoner", "--store", f"oxigraph:{tmp_path / 'db'}")
    assert result.returncode == 0, result.stderr
    steps = [line for line in result.stderr.splitlines() if line.startswith("... ")]
    assert any("compacting the store (at " in line for line in steps), steps
    assert "loaded in" in result.stdout
    # the search index is built beside the store while it loads (issues 15 and 14), named by the version
    assert steps[-2].startswith("... building the search index (at "), steps
    # then the union copy users' SPARQL reads (carekg.store.union_view) ends the load's steps
    assert steps[-1].startswith("... copying the union of the graphs for SPARQL (at "), steps
    [copy] = [path for path in (tmp_path / "db.sparql").iterdir() if path.is_dir()]
    assert copy.name.endswith("-v1")  # named by the version and the copy's format
    assert "search index built in" not in result.stdout  # not built a second time after the load
    [index] = (tmp_path / "db.search").glob("*.sqlite3")
    built = index.stat().st_mtime_ns
    again = carekg("--quiet", "load", "--force", "--no-reasoner", "--store", f"oxigraph:{tmp_path / 'db'}")
    assert again.returncode == 0
    [rebuilt] = (tmp_path / "db.search").glob("*.sqlite3")  # a reload builds it again, in its place
    assert rebuilt.name == index.name and rebuilt.stat().st_mtime_ns != built


def test_a_bad_base_iri_exits_2_naming_it(monkeypatch):
    """#13: CAREKG_BASE_IRI is read by carekg.ids; a value that is not an http(s) IRI ending in '/' is
    refused before anything is minted, with a message and no traceback."""
    monkeypatch.setenv("CAREKG_BASE_IRI", "https://kg.example.org/no-slash")
    result = carekg("query", "--store", "memory:", "ASK {}")
    assert result.returncode == 2
    assert "CAREKG_BASE_IRI must be an absolute http(s) IRI ending with '/'" in result.stderr
    assert "Traceback" not in result.stderr


def test_migrate_submissions_names_what_it_rewrote_and_refuses_a_missing_folder(tmp_path):
    """An older file (the agent in the provenance graph) is rewritten and named; a second run has none;
    tests/test_submissions.py proves what the rewrite does."""
    agent, write = "https://w3id.org/carekg/id/agent/tester", "https://w3id.org/carekg/id/write/older-1"
    (tmp_path / "older.trig").write_text(f"""
<https://w3id.org/carekg/graph/provenance/older> {{
  <{write}> <http://www.w3.org/ns/prov#wasAssociatedWith> <{agent}> .
  <{agent}> a <http://www.w3.org/ns/prov#Agent> ; <http://www.w3.org/2000/01/rdf-schema#label> "Tester" .
}}""", encoding="utf-8")
    first = carekg("migrate-submissions", "--submissions", str(tmp_path))
    assert first.returncode == 0 and "1 submission file(s) rewritten" in first.stdout
    assert "older" in first.stdout
    again = carekg("migrate-submissions", "--submissions", str(tmp_path))
    assert again.returncode == 0 and again.stdout.startswith("0 submission file(s)")
    missing = carekg("migrate-submissions", "--submissions", str(tmp_path / "none"))
    assert missing.returncode == 2 and "is not a folder" in missing.stderr
