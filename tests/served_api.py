"""The API as a real uvicorn process on a free loopback port, for tests that need a server."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

import httpx
import pytest

from carekg import paths


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start(env: Mapping[str, str]) -> tuple[subprocess.Popen, str]:
    """Start uvicorn serving ``api.main:create_app`` with ``env`` added to the environment."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--factory", "api.main:create_app", "--host", "127.0.0.1", "--port",
         str(port), "--log-level", "warning", "--timeout-keep-alive", "75"],
        cwd=paths.ROOT, env={**os.environ, **env}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    return process, f"http://127.0.0.1:{port}"


def wait_until_up(process: subprocess.Popen, base: str, seconds: float = 60) -> None:
    """Return once /health answers 200; fail the test with uvicorn's output if it exits or never does."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        if process.poll() is not None:
            pytest.fail(f"uvicorn exited: {process.stdout.read().decode()}")
        time.sleep(0.2)
    pytest.fail(f"uvicorn did not come up in {seconds:.0f} s")


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextmanager
def serving(env: Mapping[str, str]) -> Iterator[str]:
    """The base URL of a running API process, stopped on exit."""
    process, base = start(env)
    try:
        wait_until_up(process, base)
        yield base
    finally:
        stop(process)
