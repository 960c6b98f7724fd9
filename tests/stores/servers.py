"""Real SPARQL servers for the tests: an Oxigraph server and Virtuoso, started on loopback on free
(non-default) ports by scripts/oxigraph-server.sh and scripts/virtuoso.sh, once per test session and
per purpose, and stopped when the session ends (``stop_all``, called from pytest_sessionfinish and,
as a backstop, at interpreter exit).

Each back-end is reached through carekg's own adapter, with a descriptor like the one a deployment
would put in CAREKG_STORE.
"""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from served_api import free_port

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = ROOT / "scripts"
#: The back-ends one parametrised suite runs against; "embedded" is the in-process pyoxigraph store.
BACKENDS = ("embedded", "oxigraph-server", "virtuoso")
REMOTE_BACKENDS = BACKENDS[1:]
#: The back-ends in use: all three unless CAREKG_TEST_BACKENDS names a subset (for a quick local run).
ACTIVE_BACKENDS = tuple(name for name in BACKENDS
                        if name in (os.environ.get("CAREKG_TEST_BACKENDS") or ",".join(BACKENDS)).split(","))


@dataclass
class Server:
    """One running server; ``descriptor`` is what carekg's get_store / CAREKG_STORE take."""

    backend: str
    directory: Path
    port: int
    descriptor: str
    start_args: list[str]

    def start(self) -> None:
        run = subprocess.run(self.start_args, capture_output=True, text=True, timeout=120)
        if run.returncode != 0:
            raise RuntimeError(f"could not start {self.backend}: {run.stderr.strip() or run.stdout.strip()}")

    def stop(self) -> None:
        script = "oxigraph-server.sh" if self.backend == "oxigraph-server" else "virtuoso.sh"
        subprocess.run([str(SCRIPTS / script), "stop", str(self.directory)], capture_output=True, timeout=60)

    @property
    def running(self) -> bool:
        pid_file = self.directory / "pid"
        if not pid_file.exists():
            return False
        try:
            Path(f"/proc/{int(pid_file.read_text())}").stat()
        except (OSError, ValueError):
            return False
        return True


_LOCK = threading.Lock()
_SERVERS: dict[tuple[str, str], Server] = {}
_ROOT_DIR: Path | None = None


def _make(backend: str, purpose: str) -> Server:
    global _ROOT_DIR
    if _ROOT_DIR is None:
        _ROOT_DIR = Path(tempfile.mkdtemp(prefix="carekg-servers-"))
    directory = _ROOT_DIR / f"{backend}-{purpose}"
    directory.mkdir(parents=True, exist_ok=True)
    port = free_port()
    if backend == "oxigraph-server":
        args = [str(SCRIPTS / "oxigraph-server.sh"), "start", str(directory), str(port)]
        descriptor = f"sparql+http://127.0.0.1:{port}/query?gsp=/store&union=union-default-graph&timeout=30"
    elif backend == "virtuoso":
        if shutil.which("virtuoso-t") is None:
            raise RuntimeError("virtuoso-t is not installed: run `make virtuoso` (part of `make install`)")
        args = [str(SCRIPTS / "virtuoso.sh"), "start", str(directory), str(port), str(free_port())]
        descriptor = (f"sparql+http://dba:dba@127.0.0.1:{port}/sparql?gsp=/sparql-graph-crud-auth"
                      f"&auth=digest&timeout=30")
    else:
        raise ValueError(f"no server for back-end {backend!r}")
    return Server(backend, directory, port, descriptor, args)


def server(backend: str, purpose: str = "dataset") -> Server:
    """The running server of ``backend`` for ``purpose`` (started on first use)."""
    with _LOCK:
        key = (backend, purpose)
        if key not in _SERVERS or not _SERVERS[key].running:
            if key in _SERVERS:
                _SERVERS[key].stop()
            _SERVERS[key] = _make(backend, purpose)
            _SERVERS[key].start()
        return _SERVERS[key]


def remote_store(backend: str, purpose: str = "dataset"):
    """carekg's SPARQL adapter over a running server of ``backend``."""
    from carekg.store import get_store

    return get_store(server(backend, purpose).descriptor)


def stop_all() -> None:
    global _ROOT_DIR
    with _LOCK:
        for running in _SERVERS.values():
            running.stop()
        _SERVERS.clear()
        if _ROOT_DIR is not None:
            shutil.rmtree(_ROOT_DIR, ignore_errors=True)
            _ROOT_DIR = None


atexit.register(stop_all)
