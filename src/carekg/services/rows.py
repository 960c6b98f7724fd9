"""Running a named query and reading its rows into plain values."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import TypeVar

from carekg.queries import load_query
from carekg.store.base import GraphStore, Row

Item = TypeVar("Item")


def select(store: GraphStore, name: str, **bindings: str) -> list[Row]:
    return store.select(load_query(name), {k: str(v) for k, v in bindings.items()} or None)


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
