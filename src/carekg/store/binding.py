"""Fixing query variables to IRIs, the same way for every store.

A VALUES block at the start of a SELECT's WHERE group lets the query planner start from the bound
IRI; oxigraph's own ``substitutions`` bind after planning, so a query bound to one innovation still
scanned every finding (docs/bench.md). The IRI is checked to be a plain absolute IRI before it is
written in, so it cannot end its ``<...>`` early or change the query around it (tests/stores/test_binding.py).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from carekg.store.base import StoreError

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


def bind_values(query: str, bindings: Mapping[str, str] | None) -> str:
    """``query`` with each variable in ``bindings`` fixed to its IRI (before any grouping). A SELECT
    gets a VALUES block at the start of its WHERE group; an ASK, CONSTRUCT or DESCRIBE has the IRI
    written in place of the variable. Not a trailing VALUES block: Virtuoso 7 refuses one after
    ASK/CONSTRUCT and, after a SELECT with ORDER BY, copies
    the value into the results without restricting the solutions."""
    if not bindings:
        return query
    for name, iri in bindings.items():
        if not name.isidentifier() or not isinstance(iri, str) or not _SAFE_IRI.fullmatch(iri):
            raise StoreError(f"refusing to bind ?{name} to {iri!r}: not a plain IRI")
    tokens = list(_TOKENS.finditer(query))
    form = next((m.group("form").upper() for m in tokens if m.group("form")), "SELECT")
    if form == "SELECT":
        brace = next((m for m in tokens if m.group("brace")), None)
        if brace is None:
            raise StoreError("cannot bind values in a query without a WHERE group")
        names = " ".join(f"?{n}" for n in bindings)
        values = " ".join(f"<{iri}>" for iri in bindings.values())
        return f"{query[:brace.end()]} VALUES ({names}) {{ ({values}) }}{query[brace.end():]}"

    def substitute(match: re.Match) -> str:
        name = match.group("var")
        return f"<{bindings[name[1:]]}>" if name and name[1:] in bindings else match.group(0)

    return _TOKENS.sub(substitute, query)
