"""The servers under test and the load generator: start a server and time its first answer, read the
memory of its process tree, drive it with wrk (one URL repeated, or a Lua script that writes a new URL
for every request)."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path


def log(message: str) -> None:
    import sys

    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def free_port() -> int:
    """A loopback TCP port nothing listens on now: the one helper for the bench, scripts/ and the
    tests (tests/served_api.py re-exports it)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def tree_pids(pid: int) -> list[int]:
    """``pid`` and every process descended from it (uvicorn, the SPARQL workers and their fork server):
    /proc/*/stat read once, children found by their parent id."""
    parents: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry.name}/stat").read_text()
        except OSError:
            continue
        # The command name may hold spaces and parentheses: the fields after its last ')' are fixed.
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        parents.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo += parents.get(current, [])
    return found


def rss_kb(pid: int) -> dict:
    """Peak (VmHWM) and current (VmRSS) resident memory of ``pid`` and its descendants, summed, in MB."""
    peak = current = processes = 0
    for p in tree_pids(pid):
        try:
            status = Path(f"/proc/{p}/status").read_text()
        except OSError:
            continue
        hwm, rss = re.search(r"VmHWM:\s+(\d+)", status), re.search(r"VmRSS:\s+(\d+)", status)
        if hwm and rss:  # a zombie has neither
            peak += int(hwm.group(1))
            current += int(rss.group(1))
            processes += 1
    return {"peak_rss_mb": round(peak / 1024, 1), "rss_mb": round(current / 1024, 1), "processes": processes}


class Server:
    def __init__(self, name: str, command: list, url: str, probe: str, logs: Path, env: dict | None = None,
                 accept: str = "application/json", cwd: Path | None = None) -> None:
        self.name, self.command, self.url, self.probe, self.accept = name, command, url, probe, accept
        self.env = {**os.environ, **(env or {})}
        self.logs, self.cwd = logs, cwd
        self.process: subprocess.Popen | None = None

    @property
    def log(self) -> Path:
        return self.logs / f"{self.name}.log"

    def start(self, timeout: float, probe: str | None = None) -> float:
        """Start the server; the seconds from spawn to its first 200 answer to ``probe``."""
        self.logs.mkdir(parents=True, exist_ok=True)
        start = time.perf_counter()
        self.process = subprocess.Popen([str(c) for c in self.command], env=self.env, cwd=self.cwd,
                                        stdout=self.log.open("ab"), stderr=subprocess.STDOUT,
                                        start_new_session=True)
        request = urllib.request.Request(self.url + (probe or self.probe), headers={"Accept": self.accept})
        while time.perf_counter() - start < timeout:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited: {self.log.read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(request, timeout=max(1.0, timeout)) as response:
                    if response.status == 200:
                        response.read()
                        return time.perf_counter() - start
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                time.sleep(0.02)
        raise RuntimeError(f"{self.name} gave no answer within {timeout} s")

    def get(self, path: str, accept: str | None = None) -> bytes:
        request = urllib.request.Request(self.url + path, headers={"Accept": accept or self.accept})
        with urllib.request.urlopen(request, timeout=600) as response:
            return response.read()

    def memory(self) -> dict:
        return rss_kb(self.process.pid)

    def stop(self, force: bool = False) -> None:
        """Stop the server and its children; ``force``: at once (SIGKILL), for a server that is growing
        past the memory cap or stuck in a request."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL if force else signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


# --- load generator ------------------------------------------------------------------------------------

_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * _UNITS[unit]


def wrk(url: str, clients: int, seconds: float, accept: str, script: Path | None = None) -> dict:
    """wrk's figures for ``clients`` connections (one request at a time each) over ``seconds``; with
    ``script``, a Lua script that writes each request."""
    threads = min(clients, 2)
    command = ["wrk", "-t", str(threads), "-c", str(clients), "-d", f"{max(1, round(seconds))}s", "--latency",
               "--timeout", "30s", "-H", f"Accept: {accept}", *(["-s", str(script)] if script else []), url]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    percentiles = dict(re.findall(r"^\s+(50|75|90|99)%\s+(\S+)\s*$", out, re.M))
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"clients": clients, "requests": requests,
            "throughput_rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
            "p50_ms": round(_ms(percentiles["50"]), 3) if "50" in percentiles else None,
            "p99_ms": round(_ms(percentiles["99"]), 3) if "99" in percentiles else None,
            "errors": errors + (int(non2xx.group(1)) if non2xx else 0)}


def sparql_path(endpoint: str, query: str) -> str:
    return f"{endpoint}?{urllib.parse.urlencode({'query': query})}"


class Workload:
    """One question put to one server by wrk: its path (or a Lua script writing each request), timed
    first once alone (``cold_ms``), warmed up for a second, then run at each client count."""

    def __init__(self, server: Server, target: str, path: str, accept: str, seconds: float,
                 script: Callable[[str], Path] | None = None, cached: bool = False) -> None:
        self.server, self.target, self.path, self.accept, self.seconds = server, target, path, accept, seconds
        self.script, self.cached = script, cached
        self.tags = (f"w{n}" for n in range(1_000_000))  # each wrk run its own texts
        self.cold_ms: float | None = None

    def _wrk(self, clients: int, seconds: float) -> dict:
        script = self.script(next(self.tags)) if self.script else None
        return wrk(self.server.url + self.path, clients, seconds, self.accept, script)

    def prepare(self, clients: int) -> None:
        start = time.perf_counter()
        self.server.get(self.path, self.accept)
        self.cold_ms = round((time.perf_counter() - start) * 1000, 2)
        self._wrk(clients, min(1.0, self.seconds))  # warm-up, not recorded

    def run(self, clients: int) -> dict:
        # A slow server gets long enough for a few answers per connection (at most a minute).
        seconds = max(self.seconds, min(60.0, 3 * clients * self.cold_ms / 1000))
        started = time.time()
        run = self._wrk(clients, seconds)
        run["wall_clock"] = [round(started, 3), round(time.time(), 3)]  # runs taking turns never overlap
        log(f"  {self.server.name:16} {self.target:18} c={clients:<3} {run['throughput_rps']:>9.1f} req/s  "
            f"p50 {run['p50_ms']} ms  p99 {run['p99_ms']} ms  errors {run['errors']}  ({seconds:.0f} s)")
        return {"server": self.server.name, "target": self.target, "cached": self.cached,
                "cold_ms": self.cold_ms,
                "seconds": seconds, **run}


def drive(workloads: list[Workload], clients: list[int]) -> list[dict]:
    """Run ``workloads`` at each client count. Several (the same question to servers running side by
    side) take turns at each count, in alternating order, so that a busy machine's changing load falls
    on all of them alike and their ratio holds within the minute."""
    for workload in workloads:
        workload.prepare(clients[0])
    runs = []
    for turn, count in enumerate(clients):
        for workload in (workloads if turn % 2 == 0 else workloads[::-1]):
            runs.append(workload.run(count))
    return runs
