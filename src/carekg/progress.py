"""A plain progress bar on standard error, for long work (generate, load); silent when not a TTY
unless asked, so logs stay readable."""

from __future__ import annotations

import sys
import time


class ProgressBar:
    def __init__(self, label: str, unit: str = "", *, enabled: bool = True, width: int = 30) -> None:
        self.label, self.unit, self.enabled, self.width = label, unit, enabled, width
        self.started = time.perf_counter()
        self._last = 0.0

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled:
            return
        now = time.perf_counter()
        if done < total and now - self._last < 0.2:
            return
        self._last = now
        share = done / total if total else 1.0
        filled = int(self.width * share)
        rate = done / max(now - self.started, 1e-9)
        sys.stderr.write(f"\r{self.label} [{'#' * filled}{'.' * (self.width - filled)}] {share:6.1%} "
                         f"{_human(done)}/{_human(total)}{self.unit} {_human(rate)}{self.unit}/s ")
        if done >= total:
            sys.stderr.write(f"{now - self.started:.1f} s\n")
        sys.stderr.flush()


def _human(value: float) -> str:
    for suffix in ("", "k", "M", "G"):
        if abs(value) < 1000:
            return f"{value:.0f}{suffix}" if suffix == "" else f"{value:.1f}{suffix}"
        value /= 1000
    return f"{value:.1f}T"
