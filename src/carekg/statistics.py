"""The dataset's statistics recorded with its version: how many resources each class has (across
graphs: a resource typed in two graphs counts once) and how many sources there are of each kind (by
the IRI's start: study, source, other).

VoID's class partitions and the home page read them instead of grouping every ``rdf:type`` statement
per request (~300 ms CPU at 1M triples). A load counts them (:func:`counted`); a write moves them by
the difference it makes (:class:`Change`): it reads the classes of every resource whose types it can
change (the touched nodes, the submission's provenance, the subjects it rewrites in the inferred graph,
and the submission's blank nodes) before and after, as the other resources keep theirs.
tests/test_statistics.py proves the recorded figures equal a count from scratch after writes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Mapping

from carekg.ids import SOURCE, STUDY, source_kind_count
from carekg.queries import load_query
from carekg.store.base import GraphStore

#: The IRI every source of a kind starts with (a source of neither base is of kind ``other``).
KIND_BASES = {"study": str(STUDY), "source": str(SOURCE)}
KINDS = (*KIND_BASES, "other")
#: Where a kind's count is recorded, and the kind recorded there.
KIND_KEYS = {str(source_kind_count(kind)): kind for kind in KINDS}

Typed = frozenset[tuple[str, str]]  # (resource, class)


def source_classes(store: GraphStore) -> tuple[str, ...]:
    """ckg:Source and its subclasses (``api_source_classes.rq``)."""
    return tuple(row["class"] for row in store.select(load_query("api_source_classes")))


def count_classes(store: GraphStore) -> dict[str, int]:
    """Per class, its distinct resources, counted by the engine (``api_class_partitions.rq``)."""
    return {row["class"]: int(row["entities"]) for row in store.select(load_query("api_class_partitions"))}


def count_source_kinds(store: GraphStore) -> dict[str, int]:
    """Per kind, its distinct sources, counted by the engine in one pass (``api_source_count.rq``)."""
    rows = store.select(load_query("api_source_count"), {"studyBase": KIND_BASES["study"],
                                                         "sourceBase": KIND_BASES["source"],
                                                         "class": source_classes(store)})
    return {kind: 0 for kind in KINDS} | {row["kind"]: int(row["count"]) for row in rows}


def counted(store: GraphStore) -> dict[str, int]:
    """Every statistic, counted from scratch, as ``set_version`` records them (IRI -> count)."""
    kinds = count_source_kinds(store)
    return count_classes(store) | {str(source_kind_count(kind)): kinds[kind] for kind in KINDS}


def classes_per_resource(entities: Mapping[str, int]) -> dict[str, int]:
    """The class partitions of recorded ``entities``."""
    return {iri: count for iri, count in entities.items() if iri not in KIND_KEYS}


def sources_per_kind(entities: Mapping[str, int]) -> dict[str, int]:
    """The source counts per kind of recorded ``entities``."""
    return {kind: entities.get(key, 0) for key, kind in KIND_KEYS.items()}


def kind_of(iri: str) -> str:
    return next((kind for kind, base in KIND_BASES.items() if iri.startswith(base)), "other")


def typed(store: GraphStore, resources: Collection[str], graph: str | None = None) -> Typed:
    """The classes of ``resources`` (across graphs), and with ``graph`` of its blank nodes."""
    rows = store.select(load_query("rule_typed_resources"), {"resource": tuple(sorted(resources))}) \
        if resources else []
    if graph is not None:
        rows += store.select(load_query("rule_typed_blank_nodes"), {"graph": graph})
    return frozenset((row["resource"], row["class"]) for row in rows)


def adjusted(recorded: Mapping[str, int], before: Typed, after: Typed,
             sources: Collection[str]) -> dict[str, int]:
    """``recorded`` moved by the difference between the classes some resources had ``before`` and have
    ``after`` (each the whole of those resources' types): per class the resources gained less those
    lost, and per kind the sources (a resource with a source class) gained less those lost."""
    counts = Counter(recorded)
    for pairs, sign in ((after, 1), (before, -1)):
        for _, class_ in pairs:
            counts[class_] += sign
        for resource in {resource for resource, class_ in pairs if class_ in sources}:
            counts[str(source_kind_count(kind_of(resource)))] += sign
    return {iri: count for iri, count in counts.items() if count or iri in KIND_KEYS}
