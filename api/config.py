"""Settings of the service, read from the environment when not given."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from carekg.ids import BASE
from carekg.store import default_descriptor


def _env_float(name: str, default: float) -> float:
    return float(os.environ.get(name) or default)


def _env_int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


@dataclass(frozen=True)
class Settings:
    """``CAREKG_STORE`` the store descriptor (default: the embedded store under ``.carekg/``);
    ``CAREKG_BASE_IRI`` the IRI prefix that maps onto this server's root;
    ``CAREKG_QUERY_TIMEOUT`` seconds a user's SPARQL query may run;
    ``CAREKG_QUERY_WORKERS`` worker processes for user queries (0: run them in the server process,
    without a hard deadline); ``CAREKG_CACHE_MAX_AGE`` seconds clients may reuse an answer."""

    store: str = field(default_factory=default_descriptor)
    base_iri: str = field(default_factory=lambda: os.environ.get("CAREKG_BASE_IRI") or BASE)
    query_timeout: float = field(default_factory=lambda: _env_float("CAREKG_QUERY_TIMEOUT", 30.0))
    query_workers: int = field(default_factory=lambda: _env_int("CAREKG_QUERY_WORKERS", 2))
    cache_max_age: int = field(default_factory=lambda: _env_int("CAREKG_CACHE_MAX_AGE", 300))

    def __post_init__(self) -> None:
        if not self.base_iri.endswith("/"):
            raise ValueError(f"CAREKG_BASE_IRI must end with '/': {self.base_iri!r}")
        if self.query_timeout <= 0 or self.query_workers < 0 or self.cache_max_age < 0:
            raise ValueError("query timeout must be positive; workers and cache max-age must not be negative")
