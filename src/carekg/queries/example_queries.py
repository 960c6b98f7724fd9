"""Example queries for the query page: the competency questions, the README's examples and a few more."""

from __future__ import annotations

import re
from pathlib import Path

from carekg import paths
from carekg.queries import header, load_query, query_names

EXTRA_EXAMPLES = [
    (
        "Innovations and their labels",
        """PREFIX ckg: <https://w3id.org/carekg/def#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?innovation ?label WHERE { ?innovation a ckg:Innovation ; rdfs:label ?label } ORDER BY ?label
""",
    ),
    (
        "Findings per innovation and direction",
        """PREFIX ckg: <https://w3id.org/carekg/def#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?label ?direction (COUNT(DISTINCT ?finding) AS ?findings) WHERE {
  ?finding ckg:aboutInnovation ?innovation ; ckg:direction ?direction .
  ?innovation rdfs:label ?label .
} GROUP BY ?label ?direction ORDER BY ?label ?direction
""",
    ),
    (
        "Classes and how many instances each has",
        """SELECT ?class (COUNT(DISTINCT ?s) AS ?instances) WHERE {
  ?s a ?class .
} GROUP BY ?class ORDER BY DESC(?instances) LIMIT 50
""",
    ),
]


def _readme_queries(readme: Path) -> list[tuple[str, str]]:
    """The README's numbered example queries: (the sentence before the block, the query)."""
    try:
        lines = readme.read_text(encoding="utf-8").splitlines()
    except OSError:
        return []
    found, title, block = [], None, None
    for line in lines:
        if block is not None:
            if line.startswith("```"):
                found.append((title or "README example", "\n".join(block) + "\n"))
                block = None
            else:
                block.append(line)
        elif line.startswith("```sparql"):
            block = []
        elif re.match(r"\d+\. ", line):
            title = line.split(". ", 1)[1].rstrip(":")
    return found


def example_queries() -> list[tuple[str, str]]:
    """(title, query) for the query page: the competency questions (``# CQ-`` headers in
    carekg/queries), the README's three, and a few to explore the graph with."""
    competency = sorted(
        (header(name), load_query(name)) for name in query_names() if header(name).startswith("CQ-")
    )
    return competency + _readme_queries(paths.ROOT / "README.md") + EXTRA_EXAMPLES
