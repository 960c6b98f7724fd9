"""The service's own entry point (api/__main__.py, ``carekg-serve``, what ``make serve`` runs), and the
layering it allows: the library never imports the api package."""

from __future__ import annotations

import os
import subprocess
import sys

import httpx
import pytest
import served_api

from api.__main__ import access_log_wanted
from carekg import paths


def test_python_m_api_checks_loads_and_serves(tmp_path):
    store = f"oxigraph:{tmp_path / 'store'}"
    environ = {"CAREKG_ACCESS_LOG": ""}
    process, base = served_api.start(environ, entry_point=["--store", store, "--skip-check", "--quiet"])
    try:
        served_api.wait_until_up(process, base, seconds=240)  # loads the dataset first
        innovations = httpx.get(f"{base}/innovations", params={"limit": 500}, timeout=10).json()
        assert innovations["count"] > 5
        # the search index was built with the load, beside the store, before serving began (issue 15)
        assert len(list((tmp_path / "store.search").glob("*.sqlite3"))) == 1
        assert httpx.get(f"{base}/search", params={"q": "Mockingbird"}, timeout=10).json()["count"] > 0
        # no line per request unless asked (docs/deploy.md), but uvicorn's own messages still come
        assert "Uvicorn running" in served_api.output(process)
        assert '"GET /innovations' not in served_api.output(process)
    finally:
        served_api.stop(process)
    # asked for: the store holds the dataset already, so this server comes up without loading
    process, base = served_api.start(environ, entry_point=["--store", store, "--skip-check", "--quiet",
                                                           "--access-log"])
    try:
        served_api.wait_until_up(process, base, seconds=120)
        assert httpx.get(f"{base}/innovations", params={"limit": 1}, timeout=10).status_code == 200
        assert '"GET /innovations?limit=1 HTTP/1.1" 200' in served_api.output(process)
    finally:
        served_api.stop(process)


@pytest.mark.parametrize(("flag", "value", "wanted"), [
    (False, None, False), (False, "", False), (False, "0", False), (False, "off", False),
    (False, "1", True), (False, "True", True), (False, " yes ", True), (True, None, True), (True, "no", True),
])
def test_the_access_log_is_off_unless_asked_for(flag, value, wanted):
    assert access_log_wanted(flag, {} if value is None else {"CAREKG_ACCESS_LOG": value}) is wanted


@pytest.mark.parametrize(("variable", "value", "error"), [
    ("CAREKG_ACCESS_LOG", "verbose",
     "error: CAREKG_ACCESS_LOG must be one of 1, true, yes, on, 0, false, no, off; got 'verbose'"),
    ("CAREKG_BASE_IRI", "https://kg.example.org/no-slash",
     "error: CAREKG_BASE_IRI must be an absolute http(s) IRI ending with '/': 'https://kg.example.org/no-slash'"),
])
def test_a_bad_setting_exits_2_with_one_line_naming_it_as_the_cli_does(variable, value, error):
    env = {**os.environ, variable: value}
    result = subprocess.run([sys.executable, "-m", "api", "--skip-check", "--quiet"], capture_output=True,
                            text=True, cwd=paths.ROOT, env=env, timeout=60, check=False)
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip() == error


def test_the_entry_point_teaches_with_an_example():
    result = subprocess.run([sys.executable, "-m", "api", "--help"], capture_output=True, text=True,
                            cwd=paths.ROOT, timeout=60, check=False)
    assert result.returncode == 0 and "carekg-serve --host" in result.stdout


def test_the_library_never_imports_the_api_package():
    program = ("import importlib, pkgutil, sys, carekg\n"
               "for module in pkgutil.walk_packages(carekg.__path__, 'carekg.'):\n"
               "    importlib.import_module(module.name)\n"
               "import carekg.cli\n"
               "carekg.cli.parser()\n"
               "print(sorted(m for m in sys.modules if m == 'api' or m.startswith('api.')))\n")
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, cwd=paths.ROOT,
                            timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_no_library_module_names_the_api_package_even_lazily():
    import ast

    offenders = []
    for path in sorted((paths.ROOT / "src" / "carekg").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) and node.level == 0 else [])
            offenders += [f"{path.name}:{node.lineno}" for name in names
                          if name == "api" or name.startswith("api.")]
    assert offenders == []
