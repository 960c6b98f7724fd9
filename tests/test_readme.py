"""The README's promises: its SPARQL examples run and answer, its diagram matches the ontology,
and its counts match the data."""

import re

from carekg import paths
from carekg.build.diagram import BEGIN, END, render

README = (paths.ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_starts_with_the_two_commands():
    head = README[:800]
    assert "make serve" in head and "make test" in head


def test_readme_queries_answer(store):
    queries = re.findall(r"```sparql\n(.*?)```", README, re.S)
    assert len(queries) == 3
    for query in queries:
        assert store.select(query), query


def test_readme_diagram_is_generated_from_the_ontology():
    block = README[README.index(BEGIN) + len(BEGIN):README.index(END)].strip()
    assert block == render(paths.ONTOLOGY_DIR / "modules" / "core.ttl")


def test_readme_counts_match_the_data(store):
    prefix = "PREFIX ckg: <https://w3id.org/carekg/def#>\n"
    def count(pattern: str) -> int:
        return int(store.select(prefix + f"SELECT (COUNT(DISTINCT ?x) AS ?n) {{ {pattern} }}")[0]["n"])

    classes = ("Innovation", "Source", "Organisation", "Involvement", "ImplementationFactor", "Finding")
    counts = {cls: count(f"?x a ckg:{cls}") for cls in classes}
    sources = count("?x a ?c VALUES ?c { ckg:Source ckg:PrimaryStudy ckg:SecondaryStudy }")
    stated = (f"{counts['Innovation']} innovations, {sources} studies and other sources",
              f"{counts['Organisation']} organisations with {counts['Involvement']} qualified roles",
              f"{counts['ImplementationFactor']} canonical implementation factors, "
              f"{counts['Finding']} findings")
    text = " ".join(README.split())
    for phrase in stated:
        assert phrase in text, phrase


def test_readme_queries_are_the_packaged_examples():
    """The README's numbered examples, title and query, are the query page's ``readme-*`` examples."""
    from carekg.queries.example_queries import examples

    shown = re.findall(r"^\d+\. (.+?):?\n\n```sparql\n(.*?)```", README, re.S | re.M)
    packaged = [pair for name, pair in examples().items() if name.startswith("readme-")]
    assert shown == packaged
