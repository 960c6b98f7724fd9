"""Choose a store adapter by a descriptor string.

``oxigraph:PATH`` an embedded on-disk pyoxigraph store (the default, under ``.carekg/store``);
``oxigraph-ro:PATH`` the same, opened read-only so several processes can share it;
``memory:`` an in-memory pyoxigraph store (tests);
``sparql+http://host:port/path`` any SPARQL 1.1 server (see sparql_http.py for its options).
"""

from __future__ import annotations

import os
from pathlib import Path

from carekg.paths import STATE_DIR
from carekg.store.base import (
    Dumpable,
    Embedded,
    GraphStore,
    QuerySyntaxError,
    RawResult,
    Row,
    StoreError,
    StoreUnavailable,
    UnionCopy,
    Writable,
)

__all__ = ["Dumpable", "Embedded", "GraphStore", "QuerySyntaxError", "RawResult", "Row", "StoreError",
           "StoreUnavailable", "UnionCopy", "Writable", "default_descriptor", "get_store"]


def default_descriptor() -> str:
    """``CAREKG_STORE`` if set, else the embedded store under the project's state folder."""
    return os.environ.get("CAREKG_STORE") or f"oxigraph:{STATE_DIR / 'store'}"


def get_store(descriptor: str | None = None, *, read_only: bool = False) -> GraphStore:
    """The store a descriptor names; raises StoreError with the accepted forms when it names none."""
    descriptor = descriptor or default_descriptor()
    scheme, _, rest = descriptor.partition(":")
    if scheme in {"oxigraph", "oxigraph-ro"}:
        from carekg.store.oxigraph_store import OxigraphStore

        if not rest:
            raise StoreError("oxigraph: needs a folder, e.g. oxigraph:.carekg/store")
        return OxigraphStore(Path(rest), read_only=read_only or scheme == "oxigraph-ro")
    if scheme == "memory":
        from carekg.store.oxigraph_store import OxigraphStore

        return OxigraphStore(None)
    if scheme in {"sparql+http", "sparql+https"}:
        from carekg.store.sparql_http import SparqlHttpStore

        return SparqlHttpStore(descriptor)
    raise StoreError(
        f"unknown store {descriptor!r}: use oxigraph:PATH, oxigraph-ro:PATH, memory: or sparql+http://host:port/path"
    )
