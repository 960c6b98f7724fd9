"""Fixing query variables to IRIs, the same way for every store.

A VALUES block at the start of a SELECT's WHERE group lets the query planner start from the bound
IRI; oxigraph's own ``substitutions`` bind after planning, so a query bound to one innovation still
scanned every finding (docs/bench.md). The IRI is checked to be a plain absolute IRI before it is
written in, so it cannot end its ``<...>`` early or change the query around it (tests/stores/test_binding.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from carekg.store.base import StoreError, Value

#: An absolute IRI (scheme first) with none of the characters SPARQL's IRIREF excludes (controls,
#: space, <>"{}|^`\), nor other whitespace, lone surrogates or brackets; ``%`` only as an escape; at
#: most one ``#``. Matched whole: ``$`` would let a trailing newline through.
_IRI_CHAR = r"(?:[^\x00-\x20\x7f-\x9f\s<>\"{}|\\^`\ud800-\udfff%#\[\]]|%[0-9A-Fa-f]{2})"
_SAFE_IRI = re.compile(rf"[A-Za-z][A-Za-z0-9+.-]*:{_IRI_CHAR}*(?:#{_IRI_CHAR}*)?")

#: Comments, strings and IRIs (skipped), variables and query-form keywords (looked at) of a SPARQL text.
_TOKENS = re.compile(
    r'(?P<skip>#[^\n]*'                                      # a comment
    r'|"""(?:[^\\]|\\.)*?"""' r"|'''(?:[^\\]|\\.)*?'''"       # long strings
    r'|"(?:[^"\\\n]|\\.)*"' r"|'(?:[^'\\\n]|\\.)*'"              # strings
    r'|<[^<>"{}|^`\\\s]*>)'                               # an IRI
    r'|(?P<var>[?$][A-Za-z_][A-Za-z0-9_]*)'
    r'|(?P<form>\b(?:SELECT|CONSTRUCT|ASK|DESCRIBE)\b)|(?P<brace>\{)',
    re.IGNORECASE)

_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)


def _term(value: str | int) -> str:
    return str(value) if isinstance(value, int) else f"<{value}>"


def _bindable(value: object) -> bool:
    """A plain IRI, or an integer (bool is an int to Python, but not an integer to SPARQL)."""
    if isinstance(value, int):
        return not isinstance(value, bool)
    return isinstance(value, str) and _SAFE_IRI.fullmatch(value) is not None


def bind_values(query: str, bindings: Mapping[str, Value] | None) -> str:
    """``query`` with each variable in ``bindings`` fixed to its IRI, or to its integer as a literal
    (for a year a filter compares with), before any grouping. A SELECT gets a VALUES block at the
    start of its WHERE group; an ASK, CONSTRUCT or DESCRIBE has the IRI written in place of the
    variable. Not a trailing VALUES block: Virtuoso 7 refuses one after ASK/CONSTRUCT and, after a
    SELECT with ORDER BY, copies the value into the results without restricting the solutions.

    A SELECT's variable may also be bound to a tuple of IRIs: it takes each of them (a VALUES block
    of its own, one row per IRI; an empty tuple matches nothing), e.g. the findings of one page."""
    if not bindings:
        return query
    for name, value in bindings.items():
        values = value if isinstance(value, tuple) else (value,)
        if not name.isidentifier() or not all(_bindable(v) for v in values):
            raise StoreError(f"refusing to bind ?{name} to {value!r}: not a plain IRI or an integer")
    tokens = list(_TOKENS.finditer(query))
    form = next((m.group("form").upper() for m in tokens if m.group("form")), "SELECT")
    single = {name: value for name, value in bindings.items() if not isinstance(value, tuple)}
    if form == "SELECT":
        brace = next((m for m in tokens if m.group("brace")), None)
        if brace is None:
            raise StoreError("cannot bind values in a query without a WHERE group")
        blocks = []
        if single:
            names = " ".join(f"?{n}" for n in single)
            blocks.append(f" VALUES ({names}) {{ ({' '.join(_term(v) for v in single.values())}) }}")
        blocks += [f" VALUES ?{name} {{ {' '.join(_term(v) for v in value)} }}"
                   for name, value in bindings.items() if isinstance(value, tuple)]
        return f"{query[:brace.end()]}{''.join(blocks)}{query[brace.end():]}"
    if len(single) < len(bindings):
        raise StoreError(f"cannot bind a variable to several values in a {form}")

    def substitute(match: re.Match) -> str:
        name = match.group("var")
        return _term(single[name[1:]]) if name and name[1:] in single else match.group(0)

    return _TOKENS.sub(substitute, query)


def iri_values(iris: Iterable[str]) -> str:
    """``<iri> <iri> ...`` for a VALUES block or an update, each checked to be a plain absolute IRI."""
    iris = list(iris)
    if any(not isinstance(i, str) or not _SAFE_IRI.fullmatch(i) for i in iris):
        raise StoreError("refusing to bind values that are not plain IRIs")
    return " ".join(f"<{iri}>" for iri in sorted(set(iris)))


def bind_keys(query: str, name: str, iris: Iterable[str]) -> str:
    """A CONSTRUCT ``query`` with ``?name`` restricted to ``iris``: a VALUES block at the start of its
    WHERE group (a SELECT takes a tuple in :func:`bind_values`). For the part of the graph a rule reads
    for the keys a write touches (carekg.incremental)."""
    if not name.isidentifier():
        raise StoreError(f"refusing to bind ?{name}: not a variable name")
    values = iri_values(iris)
    skipped = [m.span() for m in _TOKENS.finditer(query) if m.group("skip")]
    where = next((m for m in _WHERE.finditer(query)
                  if not any(start <= m.start() < end for start, end in skipped)), None)
    if where is None:
        raise StoreError("cannot bind values in a query without a WHERE group")
    return f"{query[:where.end()]} VALUES ?{name} {{ {values} }}{query[where.end():]}"


def bind_in(query: str, name: str, iris: Iterable[str]) -> str:
    """``query`` with its one empty ``?name IN ()`` (which matches nothing; not in a comment or string)
    listing ``iris``. For a filter the planner keeps in place: a VALUES block makes Oxigraph start from
    the bound IRIs, which is wrong when another pattern is far more selective
    (``rule_consensus_candidates.rq``)."""
    if not name.isidentifier():
        raise StoreError(f"refusing to bind ?{name}: not a variable name")
    skipped = [m.span() for m in _TOKENS.finditer(query) if m.group("skip")]
    markers = [m for m in re.finditer(rf"\?{name}\s+IN\s*\(\s*\)", query, re.IGNORECASE)
               if not any(start <= m.start() < end for start, end in skipped)]
    if len(markers) != 1:
        raise StoreError(f"cannot bind ?{name}: the query needs exactly one '?{name} IN ()'")
    iris = list(iris)
    listed = iri_values(iris).replace("> <", ">, <") if iris else ""
    start, end = markers[0].span()
    return f"{query[:start]}?{name} IN ({listed}){query[end:]}"
