"""The project's SPARQL, one question per ``.rq`` file, loaded by name.

Each file starts with a ``# CQ-n:`` (competency question) or ``# RULE:`` / ``# API:`` comment
saying what it answers; a name that starts with ``api_`` or ``rule_`` has that kind, other names say
which part of the package runs them (``gap_map_``, ``search_``, ``briefing_``, ``count_delta_``).

Values are passed to the store as bindings, never formatted into the text by the caller; the store port
writes each bound IRI into the query (a VALUES block, or in place of the variable) only after checking
it is a plain absolute IRI or an integer (``carekg.store.binding``). The one exception is what SPARQL
cannot bind: GET /findings writes its page's LIMIT and OFFSET (Python ints) and an ORDER BY from a fixed
table into api_findings_match.rq (``carekg.services.findings``).

A pattern that several queries must state alike (what the consensus rule counts) is written once, in
``queries/fragments/<name>.rq``, and a query takes it with a line ``INCLUDE <name>``, replaced by the
fragment when the query is loaded (a fragment may include others). Left unreplaced the line is a syntax
error, never a silent change. A comment after the name is repeated on every line of the fragment: that is
how api_findings_match.rq tags a fragment's lines as one filter's (``#[independent=true]``).
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

from carekg.ids import PREFIXES

_INCLUDE = re.compile(r"^([ \t]*)INCLUDE[ \t]+(\w+)[ \t]*(#.*)?$", re.MULTILINE)


@cache
def load_query(name: str) -> str:
    """The text of ``queries/<name>.rq``; raises KeyError naming the known queries if absent."""
    files = resources.files(__package__)
    path = files / f"{name}.rq"
    if not path.is_file():
        known = sorted(p.name.removesuffix(".rq") for p in files.iterdir() if p.name.endswith(".rq"))
        raise KeyError(f"no query named {name!r}; known: {', '.join(known)}")
    return _INCLUDE.sub(_fragment, path.read_text(encoding="utf-8"))


def _fragment(include: re.Match[str]) -> str:
    indent, name, comment = include.groups()
    path = resources.files(__package__) / "fragments" / f"{name}.rq"
    if not path.is_file():
        raise KeyError(f"no query fragment named {name!r}")
    text = _INCLUDE.sub(_fragment, path.read_text(encoding="utf-8"))
    tail = f"  {comment}" if comment else ""
    return "\n".join(f"{indent}{line}{tail}" for line in text.rstrip("\n").splitlines())


def query_names() -> list[str]:
    files = resources.files(__package__)
    return sorted(p.name.removesuffix(".rq") for p in files.iterdir() if p.name.endswith(".rq"))


def header(name: str) -> str:
    """The first comment line of a query: what it answers."""
    first = load_query(name).splitlines()[0]
    return first.lstrip("# ").strip()


@cache
def mentioned_iris(names: tuple[str, ...]) -> frozenset[str]:
    """Every IRI the queries ``names`` mention (prefixed names expanded), and rdf:type: the only
    predicates such a query can match when a variable in predicate position is bound only by a VALUES
    of IRIs it names (as the rules do). What a projection of the dataset on them must keep."""
    iris = {PREFIXES["rdf"] + "type"}
    for name in names:
        text = load_query(name)
        prefixes = dict(re.findall(r"PREFIX\s+([\w-]*):\s*<([^>]*)>", text, flags=re.IGNORECASE))
        iris.update(re.findall(r"<([^<>\s]+)>", text))
        iris.update(prefixes[prefix] + local
                    for prefix, local in re.findall(r"([\w-]*):([A-Za-z_][\w-]*)", text)
                    if prefix in prefixes)
    return frozenset(iris)
