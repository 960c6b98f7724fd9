"""Running a named query and reading its rows into plain values."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import TypeVar

from carekg.queries import load_query
from carekg.store.base import GraphStore, Row, Value
from carekg.store.binding import bind_values

Item = TypeVar("Item")


def _bound(bindings: dict[str, Value]) -> dict[str, Value]:
    """IRIs as plain text (an rdflib term is a str subclass), integers kept: a year is bound as a number."""
    return {k: v if isinstance(v, int | tuple) else str(v) for k, v in bindings.items()}


def select(store: GraphStore, name: str, **bindings: Value) -> list[Row]:
    return store.select(load_query(name), _bound(bindings) or None)


def as_bool(value: str | None) -> bool | None:
    return None if value is None else value in {"true", "1"}


def as_int(value: str | None) -> int | None:
    return int(value) if value and value.lstrip("-").isdigit() else None


def split_lines(value: str | None) -> list[str]:
    return [line for line in (value or "").split("\n") if line]


def notation_key(notation: str) -> tuple:
    """Sorts ``5A`` after ``5`` and ``III.A.10`` after ``III.A.9``."""
    parts = re.split(r"[.]|(?<=\d)(?=\D)", notation)
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part) for part in parts)


def group_by(items: Iterable[Item], key: Callable[[Item], str | None]) -> dict[str, list[Item]]:
    grouped: dict[str, list[Item]] = defaultdict(list)
    for item in items:
        value = key(item)
        if value is not None:
            grouped[value].append(item)
    return grouped


#: The one LIMIT/OFFSET clause of a paged query (its default page, so the file runs as it is).
_PAGE = re.compile(r"\bLIMIT\s+\d+\s+OFFSET\s+\d+\b")
_SELECT = re.compile(r"\bSELECT\b", re.IGNORECASE)


def _closed_select(text: str, at: int) -> int:
    """Where the SELECT starts whose WHERE group ends last before ``at`` (the one a solution modifier at
    ``at`` belongs to): the group's braces are matched backwards, comments skipped."""
    code = re.sub(r"#[^\n]*", lambda m: " " * len(m.group(0)), text)  # same offsets, no comments
    depth, position = 0, code.rindex("}", 0, at)
    while position >= 0:
        depth += {"}": 1, "{": -1}.get(code[position], 0)
        if depth == 0:
            break
        position -= 1
    return [m.start() for m in _SELECT.finditer(code, 0, position)][-1]


def select_page(store: GraphStore, name: str, limit: int | None, offset: int, **bindings: Value) -> list[Row]:
    """A paged query's rows: its LIMIT/OFFSET clause set to ``limit`` rows after the first ``offset``
    (every row with ``limit=None``). The clause may close a sub-select, so that the engine cuts the
    page before the outer query describes it; ``bindings`` are fixed in that sub-select (the SELECT
    the clause closes), where the outer group's values could not reach."""
    if (limit is not None and limit < 0) or offset < 0:
        raise ValueError(f"limit and offset must not be negative: {limit}, {offset}")
    text = load_query(name)
    clauses = list(_PAGE.finditer(text))
    if len(clauses) != 1:
        raise ValueError(f"query {name!r} has no single LIMIT/OFFSET clause to page")
    clause = clauses[0]
    paged = f"LIMIT {limit} OFFSET {offset}" if limit is not None else f"OFFSET {offset}"
    start = _closed_select(text, clause.start())
    sub_select = bind_values(text[start:clause.start()], _bound(bindings))
    return store.select(text[:start] + sub_select + paged + text[clause.end():])
