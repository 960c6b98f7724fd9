"""The cold-answer harness's safety: a request that gives no answer in time, or grows its server past the
memory cap, is recorded as such and its server killed, instead of hanging the bench or harming the
machine. Driven against a real HTTP server (a small one that is slow, or grows, on purpose)."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench import cold  # noqa: E402
from bench.harness import Server, free_port  # noqa: E402

SLOW_SERVER = """
import sys, time
from http.server import BaseHTTPRequestHandler, HTTPServer

class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/grow":
            held = b"x" * (300 << 20)  # 300 MB, touched
        if self.path == "/stream":  # the first bytes at once, the last a second later
            self.send_response(200)
            self.send_header("Content-Length", "2000")
            self.end_headers()
            self.wfile.write(b"a" * 1000)
            self.wfile.flush()
            time.sleep(1)
            self.wfile.write(b"b" * 1000)
            return
        if self.path != "/health":
            time.sleep(30)
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass

HTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
"""


@pytest.fixture
def server(tmp_path):
    port = free_port()
    server = Server("slow", [sys.executable, "-c", SLOW_SERVER, port], f"http://127.0.0.1:{port}", "/health",
                    tmp_path)
    server.start(30)
    yield server
    server.stop()


def test_no_answer_in_time_is_recorded_and_the_server_killed(server):
    start = time.perf_counter()
    request = cold.timed_request(server, "/slow", "text/plain", timeout=1, cap_mb=4096)
    assert time.perf_counter() - start < 15
    assert not request["answered"] and request["reason"].startswith("no answer in 1 s")
    assert server.process.poll() is not None


def test_growing_past_the_cap_is_recorded_and_the_server_killed(server):
    request = cold.timed_request(server, "/grow", "text/plain", timeout=60, cap_mb=200)
    assert not request["answered"] and request["reason"].startswith("stopped at"), request
    assert request["rss_seen_mb"] > 200 and request["peak_growth_mb"] > 150
    assert server.process.poll() is not None


def test_a_quick_answer_is_timed_with_its_memory(server):
    request = cold.timed_request(server, "/health", "text/plain", timeout=10, cap_mb=4096)
    assert request["answered"] and request["status"] == 200 and request["ms"] > 0
    assert request["rss_before_mb"] > 0 and request["peak_growth_mb"] >= 0


def test_a_streamed_answer_is_timed_to_its_first_and_its_last_byte(server):
    request = cold.timed_request(server, "/stream", "text/plain", timeout=10, cap_mb=4096)
    assert request["answered"] and request["bytes"] == 2000
    assert request["first_byte_ms"] < 500 and request["ms"] >= 1000, request
    assert 0 < request["bytes_per_second"] <= 2000


def test_a_streamed_answer_that_started_gets_the_stream_deadline_for_its_last_byte(server):
    request = cold.timed_request(server, "/stream", "text/plain", timeout=0.5, cap_mb=4096, stream_timeout=10)
    assert request["answered"] and request["ms"] >= 1000, request
    cut = cold.timed_request(server, "/stream", "text/plain", timeout=0.5, cap_mb=4096)
    assert not cut["answered"] and cut["reason"].startswith("no last byte in 0 s"), cut
    assert cut["first_byte_ms"] < 500 and server.process.poll() is not None


def test_a_streamed_export_is_judged_by_its_first_byte_other_routes_by_their_last():
    requests = [{"answered": True, "ms": 9000.0, "first_byte_ms": 120.0, "status": 200, "bytes": 10**8,
                 "bytes_per_second": 11_111_111, "rss_before_mb": 100.0, "rss_after_mb": 110.0,
                 "peak_growth_mb": 80.0, "path": "/export/carekg.nt"}]
    streamed = cold.summarise(requests, flag_mb=256, streamed=True)
    assert streamed["judged_on"] == "first byte" and streamed["judged_ms"] == 120.0
    assert streamed["cold_ms"] == 9000.0 and streamed["bytes_per_second"] == 11_111_111
    whole = cold.summarise(requests, flag_mb=256)
    assert whole["judged_on"] == "complete answer" and whole["judged_ms"] == 9000.0
    exports = {"export findings.csv", *(f"export carekg.{e}" for e in ("ttl", "nq", "jsonld", "nt"))}
    assert cold.STREAMED == exports


def test_a_route_summary_flags_memory_and_judges_the_worse_of_first_and_p95():
    requests = [{"answered": True, "ms": ms, "first_byte_ms": ms, "status": 200, "bytes": 10,
                 "bytes_per_second": 1000, "rss_before_mb": 100.0,
                 "rss_after_mb": 110.0, "peak_growth_mb": growth, "path": f"/x/{ms}"}
                for ms, growth in ((900.0, 300.0), *((10.0 * k, 1.0) for k in range(1, 20)))]
    summary = cold.summarise(requests, flag_mb=256)
    assert summary["first_ms"] == 900.0 and summary["p95_ms"] == 190.0 and summary["cold_ms"] == 900.0
    assert summary["over_memory_flag"] and summary["samples"] == 20
    stopped = cold.summarise([{"answered": False, "reason": "no answer in 60 s", "rss_before_mb": 100.0,
                               "peak_growth_mb": 5000.0, "path": "/map"}], flag_mb=256)
    assert stopped["cold_ms"] is None and stopped["reason"] == "no answer in 60 s"
    assert stopped["over_memory_flag"]
