"""The API as a real uvicorn process on a free loopback port: the one way tests start a server.

Each server runs in a session of its own, so stopping or killing it reaches its query workers too; its
output goes to a temporary file (a pipe could fill and block a chatty server) and is shown when it fails
to come up.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import IO

import httpx
import pytest

from bench.harness import free_port  # the one helper for a free port (bench, scripts and tests)
from carekg import paths

__all__ = ["free_port", "kill", "output", "serving", "start", "stop", "wait_until_up"]

#: each running server's output file, by process id
_LOGS: dict[int, IO[bytes]] = {}


def start(env: Mapping[str, str], entry_point: Sequence[str] = ()) -> tuple[subprocess.Popen, str]:
    """Start uvicorn serving ``api.main:create_app`` with ``env`` added to the environment, or the
    service's own entry point (``python -m api`` followed by ``entry_point``'s arguments) when given;
    returns the process and its base URL. Call ``wait_until_up`` before using it."""
    port = free_port()
    log = tempfile.TemporaryFile()
    address = ["--host", "127.0.0.1", "--port", str(port)]
    command = ([sys.executable, "-m", "api", *entry_point, *address] if entry_point
               else [sys.executable, "-m", "uvicorn", "--factory", "api.main:create_app", *address,
                     "--log-level", "warning", "--timeout-keep-alive", "75"])
    process = subprocess.Popen(
        command,
        cwd=paths.ROOT, env={**os.environ, **env}, start_new_session=True, stdout=log, stderr=log)
    _LOGS[process.pid] = log
    return process, f"http://127.0.0.1:{port}"


def output(process: subprocess.Popen) -> str:
    """The last lines the server wrote (for failure messages)."""
    log = _LOGS.get(process.pid)
    if log is None:
        return ""
    log.seek(0)
    return log.read().decode(errors="replace")[-4000:]


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
            pytest.fail(f"uvicorn exited: {output(process)}")
        time.sleep(0.2)
    pytest.fail(f"uvicorn did not come up in {seconds:.0f} s: {output(process)}")


def _signal_group(process: subprocess.Popen, number: int) -> None:
    try:
        os.killpg(process.pid, number)
    except ProcessLookupError:
        pass


def _forget(process: subprocess.Popen) -> None:
    log = _LOGS.pop(process.pid, None)
    if log is not None:
        log.close()


def stop(process: subprocess.Popen) -> None:
    """Stop the server and its workers gracefully (SIGTERM), killing them after 15 s."""
    _signal_group(process, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        _signal_group(process, signal.SIGKILL)
        process.wait()
    _forget(process)


def kill(process: subprocess.Popen) -> None:
    """SIGKILL the server and its workers, mid-whatever (crash tests)."""
    _signal_group(process, signal.SIGKILL)
    process.wait(timeout=10)
    _forget(process)


@contextmanager
def serving(env: Mapping[str, str]) -> Iterator[str]:
    """The base URL of a running API process, stopped on exit."""
    process, base = start(env)
    try:
        wait_until_up(process, base)
        yield base
    finally:
        stop(process)
