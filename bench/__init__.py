"""The benchmark harness of issues 4 and 14 (run.py); see docs/bench.md."""
