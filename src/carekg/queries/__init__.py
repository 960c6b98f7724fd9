"""The project's SPARQL, one question per ``.rq`` file, loaded by name.

Each file starts with a ``# CQ-n:`` (competency question) or ``# RULE:`` / ``# API:`` comment
saying what it answers. Values are passed to the store as bindings, never formatted into the text by
the caller; the store port writes each bound IRI into the query (a VALUES block, or in place of the
variable) only after checking it is a plain absolute IRI or an integer (``carekg.store.binding``).
The one exception is what SPARQL cannot bind: GET /findings writes its page's LIMIT and OFFSET (Python
ints) and an ORDER BY from a fixed table into api_findings_match.rq (``carekg.services.findings``).
"""

from __future__ import annotations

from functools import cache
from importlib import resources


@cache
def load_query(name: str) -> str:
    """The text of ``queries/<name>.rq``; raises KeyError naming the known queries if absent."""
    files = resources.files(__package__)
    path = files / f"{name}.rq"
    if not path.is_file():
        known = sorted(p.name.removesuffix(".rq") for p in files.iterdir() if p.name.endswith(".rq"))
        raise KeyError(f"no query named {name!r}; known: {', '.join(known)}")
    return path.read_text(encoding="utf-8")


def query_names() -> list[str]:
    files = resources.files(__package__)
    return sorted(p.name.removesuffix(".rq") for p in files.iterdir() if p.name.endswith(".rq"))


def header(name: str) -> str:
    """The first comment line of a query: what it answers."""
    first = load_query(name).splitlines()[0]
    return first.lstrip("# ").strip()
