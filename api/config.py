"""Settings of the service, read from the environment when not given."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from carekg.ids import INSTANCE_BASE, check_instance_base
from carekg.store import default_descriptor


def _env_float(name: str, default: float) -> float:
    return float(os.environ.get(name) or default)


def _env_int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


def _tokens(value: str) -> dict[str, str]:
    """``{token: name}`` from ``name=token,name2=token2`` (a bare token is named ``writer``)."""
    tokens: dict[str, str] = {}
    for item in filter(None, (part.strip() for part in value.split(","))):
        name, sep, token = item.partition("=")
        name, token = (name.strip(), token.strip()) if sep else ("writer", name.strip())
        if len(token) < 16:
            raise ValueError("each CAREKG_WRITE_TOKEN token must be at least 16 characters")
        tokens[token] = name or "writer"
    return tokens


@dataclass(frozen=True)
class Settings:
    """``CAREKG_STORE`` the store descriptor (default: the embedded store under ``.carekg/``);
    ``CAREKG_BASE_IRI`` (read by carekg.ids, for every part of carekg) the base of the instance IRIs
    that map onto this server's root;
    ``CAREKG_QUERY_TIMEOUT`` seconds a user's SPARQL query may run;
    ``CAREKG_QUERY_WORKERS`` worker processes for user queries (0: run them in the server process,
    without a hard deadline); ``CAREKG_CACHE_MAX_AGE`` seconds clients may reuse an answer.

    Hardening (docs/security.md): ``CAREKG_WRITE_TOKEN`` bearer tokens for ``POST /evidence``, as
    ``name=token`` pairs separated by commas (a bare token is named ``writer``); unset: writes are off.
    ``CAREKG_SUBMISSIONS`` the folder of accepted writes; ``CAREKG_DATA`` the data files the store was
    loaded from (``carekg load --data``, several separated by ``:``; unset: the curated data), which a
    write checks the store's version against; ``CAREKG_SERVICE_ALLOWLIST`` space- or
    comma-separated endpoint IRIs that SPARQL ``SERVICE`` may call (unset: SERVICE is refused);
    ``CAREKG_MAX_QUERY_LENGTH`` characters, ``CAREKG_MAX_BODY_BYTES`` request bytes and
    ``CAREKG_MAX_RESULT_BYTES`` serialised SPARQL result bytes; ``CAREKG_REASONER=0``: when the
    writer must reload after a crash, skip HermiT (as ``carekg load --no-reasoner``);
    ``CAREKG_WRITE_SECONDS`` the time a write may take before it answers: what its own work leaves of it
    is spent computing, on the new version, the answers readers asked for before it (the rest after)."""

    store: str = field(default_factory=default_descriptor)
    query_timeout: float = field(default_factory=lambda: _env_float("CAREKG_QUERY_TIMEOUT", 10.0))
    query_workers: int = field(default_factory=lambda: _env_int("CAREKG_QUERY_WORKERS", 2))
    cache_max_age: int = field(default_factory=lambda: _env_int("CAREKG_CACHE_MAX_AGE", 300))
    write_tokens: dict[str, str] = field(
        repr=False, default_factory=lambda: _tokens(os.environ.get("CAREKG_WRITE_TOKEN", "")))
    submissions_dir: str | None = field(default_factory=lambda: os.environ.get("CAREKG_SUBMISSIONS") or None)
    data_files: tuple[str, ...] = field(default_factory=lambda: tuple(
        filter(None, os.environ.get("CAREKG_DATA", "").split(os.pathsep))))
    service_allowlist: frozenset[str] = field(default_factory=lambda: frozenset(
        os.environ.get("CAREKG_SERVICE_ALLOWLIST", "").replace(",", " ").split()))
    reasoner: bool = field(
        default_factory=lambda: os.environ.get("CAREKG_REASONER", "1") not in {"0", "false", "no"})
    max_query_length: int = field(default_factory=lambda: _env_int("CAREKG_MAX_QUERY_LENGTH", 20_000))
    max_body_bytes: int = field(default_factory=lambda: _env_int("CAREKG_MAX_BODY_BYTES", 1_048_576))
    max_result_bytes: int = field(default_factory=lambda: _env_int("CAREKG_MAX_RESULT_BYTES", 16 * 1_048_576))
    write_seconds: float = field(default_factory=lambda: _env_float("CAREKG_WRITE_SECONDS", 1.0))

    @property
    def base_iri(self) -> str:
        """The base of instance IRIs, ``{base_iri}id/{kind}/{slug}``: one setting, carekg.ids'."""
        return INSTANCE_BASE

    def __post_init__(self) -> None:
        check_instance_base()
        if self.query_timeout <= 0 or self.query_workers < 0 or self.cache_max_age < 0 \
                or self.write_seconds < 0:
            raise ValueError("query timeout must be positive; workers, cache max-age and write seconds "
                             "must not be negative")
