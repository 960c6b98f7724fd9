"""What the search index holds: one document per finding, factor, innovation, source and organisation,
read from the store with the ``search_*.rq`` queries (any back-end: only SELECT is needed)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from carekg.ids import slug_of
from carekg.queries import load_query
from carekg.store.base import GraphStore, Row, Value

#: The kinds of result, in the order the page lists their counts.
KINDS = ("finding", "factor", "innovation", "source", "organisation")


@dataclass(frozen=True)
class Document:
    """One searchable resource. ``label`` is its name (weighted most), ``names`` its other names
    (alternative labels, abbreviation, the factor as a finding reported it), ``text`` its prose
    (definition, description, paraphrase, citation). ``title`` is shown, not searched."""

    kind: str
    id: str
    iri: str
    title: str
    label: str = ""
    names: str = ""
    text: str = ""


def _lines(*values: str | None) -> str:
    return "\n".join(value for value in values if value)


def _finding(row: Row, labels: dict[str, str]) -> Document:
    factor = labels.get(row["factor"]) or slug_of(row["factor"])
    innovation = row.get("innovation")
    about = (labels.get(innovation) or slug_of(innovation)) if innovation else "innovations in general"
    return Document("finding", slug_of(row["resource"]), row["resource"], f"{factor} · {about}",
                    names=row.get("factorAsReported") or "", text=row.get("paraphrase") or "")


def _other_names(row: Row) -> str:
    label = row.get("label")
    return _lines(*(name for name in (row.get("names") or "").split("\n") if name != label))


def _factor(row: Row) -> Document:
    return Document("factor", slug_of(row["resource"]), row["resource"], row["label"], label=row["label"],
                    names=_other_names(row), text=_lines(row.get("definition"), row.get("scopeNotes")))


def _innovation(row: Row) -> Document:
    return Document("innovation", slug_of(row["resource"]), row["resource"], row["label"], label=row["label"],
                    names=_other_names(row), text=row.get("description") or "")


def _source(row: Row) -> Document:
    # A citation is both the source's name and its only text: indexed once, as its label.
    return Document("source", slug_of(row["resource"]), row["resource"], row["citation"],
                    label=row["citation"])


def _organisation(row: Row) -> Document:
    return Document("organisation", slug_of(row["resource"]), row["resource"], row["label"],
                    label=row["label"])


_READERS: dict[str, tuple[str, Callable[[Row], Document]]] = {
    "factor": ("search_factors", _factor),
    "innovation": ("search_innovations", _innovation),
    "source": ("search_sources", _source),
    "organisation": ("search_organisations", _organisation),
}


#: Every query a whole index is made from (:func:`documents`).
DOCUMENT_QUERIES = (*(query for query, _ in _READERS.values()), "search_findings")


def _distinct(store: GraphStore, query: str, bindings: dict[str, Value] | None = None) -> Iterator[Row]:
    seen: set[str] = set()
    for row in store.select(load_query(query), bindings):
        if row["resource"] not in seen:
            seen.add(row["resource"])
            yield row


#: The kinds ordered by their findings (the static rank), each also a column of search_findings.rq.
_BY_FINDINGS = ("factor", "innovation", "source")


def documents(store: GraphStore) -> Iterator[Document]:
    """Every searchable resource in the store, each once, in the order that is the index's static rank
    within a kind (carekg.search.index): organisations and findings as the store gives them; factors,
    innovations and sources after the findings (which factors' and innovations' labels title), each
    kind from the most findings about it (or reported in it) to the fewest, then by IRI."""
    labels: dict[str, str] = {}
    ranked: list[Document] = []
    for kind in ("factor", "innovation", "source", "organisation"):
        query, read = _READERS[kind]
        for row in _distinct(store, query):
            document = read(row)
            if kind in {"factor", "innovation"}:
                labels[document.iri] = document.title
            if kind in _BY_FINDINGS:
                ranked.append(document)
            else:
                yield document
    findings: Counter[str] = Counter()
    for row in _distinct(store, "search_findings"):
        findings.update(row[key] for key in _BY_FINDINGS if row.get(key))
        yield _finding(row, labels)
    yield from sorted(ranked, key=lambda d: (-findings[d.iri], d.iri))


#: How many IRIs one query is bound to: at 1M, the findings query bound to 1,888 findings at once took
#: 4.3 s, in blocks of 256 0.1 s in all (Oxigraph's plan for a long VALUES block joins much more).
BLOCK = 256


def _bound(store: GraphStore, query: str, iris: Iterable[str]) -> Iterator[Row]:
    """The rows of ``query`` with ``?resource`` bound to each of ``iris``, a block at a time."""
    ordered = sorted(set(iris))
    for start in range(0, len(ordered), BLOCK):
        yield from _distinct(store, query, {"resource": tuple(ordered[start:start + BLOCK])})


def _labels(store: GraphStore, iris: set[str]) -> dict[str, str]:
    """The titles of the factors and innovations among ``iris`` (what titles their findings)."""
    labels: dict[str, str] = {}
    for kind in ("factor", "innovation"):
        query, read = _READERS[kind]
        for row in _bound(store, query, iris):
            labels[row["resource"]] = read(row).title
    return labels


def documents_of(store: GraphStore, resources: frozenset[str], findings_only: bool = False) -> list[Document]:
    """The documents of ``resources`` only (of findings only if asked), each as ``documents`` makes it
    (none for a resource that is not searchable, or no longer in the store)."""
    found = [] if findings_only else [
        read(row) for query, read in _READERS.values() for row in _bound(store, query, resources)]
    rows = list(_bound(store, "search_findings", resources))
    labels = _labels(store, {row[key] for row in rows for key in ("factor", "innovation") if row.get(key)})
    return found + [_finding(row, labels) for row in rows]


def findings_about(store: GraphStore, resources: frozenset[str]) -> frozenset[str]:
    """The findings about any of ``resources`` as their factor or innovation: their titles carry its label."""
    return frozenset(row["resource"] for row in store.select(load_query("search_findings_about"),
                                                             {"about": tuple(sorted(resources))}))
