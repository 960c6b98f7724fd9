"""Example queries for the query page: the competency questions (``# CQ-`` headers in carekg/queries),
then the files of ``queries/examples/`` (package data, each headed by ``# <title>``): the README's
examples (``readme-*``; tests/test_readme.py checks the README shows the same) and a few to explore
the graph with (``explore-*``)."""

from __future__ import annotations

from importlib import resources

from carekg.queries import header, load_query, query_names


def examples() -> dict[str, tuple[str, str]]:
    """File name (without ``.rq``) -> (title, query) for every file of ``queries/examples``, the
    README's first, each group in name order."""
    files = [f for f in (resources.files(__package__) / "examples").iterdir() if f.name.endswith(".rq")]
    found = {}
    for file in sorted(files, key=lambda f: (not f.name.startswith("readme-"), f.name)):
        title, _, query = file.read_text(encoding="utf-8").partition("\n")
        found[file.name.removesuffix(".rq")] = (title.lstrip("# ").strip(), query)
    return found


def example_queries() -> list[tuple[str, str]]:
    """(title, query) for the query page: the competency questions, then the examples."""
    competency = sorted(
        (header(name), load_query(name)) for name in query_names() if header(name).startswith("CQ-")
    )
    return competency + list(examples().values())
