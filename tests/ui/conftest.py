"""Fixtures for the interfaces people use (issue 7): a real uvicorn server over a freshly loaded
on-disk store, and headless Chromium from Debian driven by Playwright (never `playwright install`).

Chromium is installed by `make chromium` (a dependency of `make install`); without /usr/bin/chromium or
the playwright package the browser tests are skipped with the reason. Screenshots go to
tests/output/screenshots/ (git-ignored).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import served_api

from carekg import paths

CHROMIUM = Path(os.environ.get("CAREKG_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
SCREENSHOTS = paths.ROOT / "tests" / "output" / "screenshots"


@pytest.fixture(scope="session")
def loaded_store_descriptor(store, tmp_path_factory) -> str:
    """An on-disk store loaded by `carekg load` (after the session store, so the inferred graph is cached)."""
    descriptor = f"oxigraph:{tmp_path_factory.mktemp('ui-served') / 'store'}"
    subprocess.run(
        [sys.executable, "-m", "carekg.cli", "--quiet", "load", "--store", descriptor],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return descriptor


@pytest.fixture(scope="session")
def server(loaded_store_descriptor) -> Iterator[str]:
    """The base URL of uvicorn serving the loaded store on loopback, with one query worker."""
    env = {"CAREKG_STORE": loaded_store_descriptor, "CAREKG_QUERY_WORKERS": "1", "CAREKG_QUERY_TIMEOUT": "20"}
    with served_api.serving(env) as base:
        yield base


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium through Playwright; skipped, saying why, if either is missing."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: `make chromium` installs it (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("the playwright package is missing: `make install` installs it (pyproject [dev])")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, server):
    """A fresh page that records every request leaving loopback (the pages must make none)."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.outside_requests = []
    page.console_errors = []
    page.on(
        "request",
        lambda r: (
            None
            if r.url.startswith(("http://127.0.0.1", "data:", "blob:", "about:"))
            else page.outside_requests.append(r.url)
        ),
    )
    page.on("console", lambda m: page.console_errors.append(m.text) if m.type == "error" else None)
    page.set_default_timeout(20_000)
    yield page
    context.close()


@pytest.fixture
def screenshot():
    """``screenshot(page, name)`` writes tests/output/screenshots/<name>.png (the whole page)."""

    def take(page, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        assert path.stat().st_size > 1000
        return path

    return take
