"""The dataset's statistics recorded with its version: how many resources each class has (across
graphs: a resource typed in two graphs counts once), how many sources there are of each kind (by the
IRI's start: study, source, other), how many innovations each organisation is involved in, and how many
findings are from an independent study, in all and per direction (as GET /findings counts them).

VoID's class partitions and the home page read them instead of grouping every ``rdf:type`` statement
per request (~300 ms CPU at 1M triples). A load counts them (:func:`counted`); a write moves them by
the difference it makes (:class:`Change`): it reads the classes of every resource whose types it can
change (the touched nodes, the submission's provenance, the subjects it rewrites in the inferred graph,
and the submission's blank nodes) before and after, as the other resources keep theirs.
An organisation's innovations change only with the statements naming its involvements, so a write
counts again those of the organisations its old and new statements reach (:func:`reached_organisations`).
A finding's independence is the rules' (``rule_independent_findings.rq``), made again by a write for the
findings it can reach: the write reads theirs and their directions before and after
(:func:`independent_findings`, :func:`with_independent_moved`).
tests/test_statistics.py proves the recorded figures equal a count from scratch after writes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Mapping

from carekg.ids import (
    DIRECTION_CODES,
    ORGANISATION_INNOVATIONS_COUNT,
    SOURCE,
    STUDY,
    independent_findings_count,
    organisation_innovations_count,
    source_kind_count,
)
from carekg.namespaces import CKG
from carekg.queries import load_query
from carekg.store.base import GraphStore

#: The IRI every source of a kind starts with (a source of neither base is of kind ``other``).
KIND_BASES = {"study": str(STUDY), "source": str(SOURCE)}
KINDS = (*KIND_BASES, "other")
#: Where a kind's count is recorded, and the kind recorded there.
KIND_KEYS = {str(source_kind_count(kind)): kind for kind in KINDS}

#: Where the findings from an independent study are recorded: in all (None), and per direction IRI.
INDEPENDENT_KEYS = {str(independent_findings_count(direction)): direction
                    for direction in (None, *DIRECTION_CODES)}
#: Recorded even when zero: a figure missing is one a load did not record (an older carekg's).
ALWAYS_KEPT = {*KIND_KEYS, *INDEPENDENT_KEYS}

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


def count_organisation_innovations(store: GraphStore, organisations: Collection[str] | None = None
                                   ) -> dict[str, int]:
    """Per organisation (of ``organisations``, or every one) involved in any innovation, how many it is
    involved in, under the IRI it is recorded with (``api_organisation_innovation_counts.rq``)."""
    if organisations is not None and not organisations:
        return {}
    bindings = None if organisations is None else {"organisation": tuple(sorted(organisations))}
    rows = store.select(load_query("api_organisation_innovation_counts"), bindings)
    return {str(organisation_innovations_count(row["organisation"])): int(row["innovations"]) for row in rows}


def independent_findings(store: GraphStore, findings: Collection[str] | None = None) -> Counter[str]:
    """Per key of INDEPENDENT_KEYS, the findings from an independent study (of ``findings``, or every
    one): one per finding in all, and one per finding and direction, as GET /findings counts them with
    ``independent=true`` (api_findings_match.rq). ``api_independent_findings.rq``."""
    if findings is not None and not findings:
        return Counter()
    bindings = None if findings is None else {"finding": tuple(sorted(findings))}
    counts: Counter[str] = Counter()
    rows = store.select(load_query("api_independent_findings"), bindings)
    for row in rows:
        if row.get("direction") in DIRECTION_CODES:
            counts[str(independent_findings_count(row["direction"]))] += 1
    if rows:
        counts[str(independent_findings_count(None))] = len({row["finding"] for row in rows})
    return counts


def count_independent_findings(store: GraphStore) -> dict[str, int]:
    """Every key of INDEPENDENT_KEYS with its count, zero included, counted by the engine
    (``api_independent_finding_counts.rq``: no finding is read into Python)."""
    counts = dict.fromkeys(INDEPENDENT_KEYS, 0)
    for row in store.select(load_query("api_independent_finding_counts")):
        direction = row.get("direction")
        if direction is None or direction in DIRECTION_CODES:
            counts[str(independent_findings_count(direction))] = int(row["count"])
    return counts


def with_independent_moved(store: GraphStore, recorded: Mapping[str, int], before: Counter[str],
                           findings: Collection[str]) -> dict[str, int]:
    """``recorded`` with the independent findings moved by what ``findings`` (those a write can reach)
    count now less what they counted ``before`` it; counted from scratch when ``recorded`` holds none
    (an older carekg's load, whose figures a write must not leave partial)."""
    if not recorded.keys() & INDEPENDENT_KEYS.keys():
        return dict(recorded) | count_independent_findings(store)
    counts = Counter(recorded)
    counts.update(independent_findings(store, findings))
    counts.subtract(before)
    return {iri: count for iri, count in counts.items() if count or iri in ALWAYS_KEPT}


def recorded_independent_findings(store: GraphStore, direction: str | None) -> int | None:
    """How many findings are from an independent study (of ``direction``'s IRI, or in all), as
    recorded; None when a load recorded none (an older carekg's)."""
    key = str(independent_findings_count(direction))
    return store.recorded_entities(of=(key,)).get(key)


def counted(store: GraphStore) -> dict[str, int]:
    """Every statistic, counted from scratch, as ``set_version`` records them (IRI -> count)."""
    kinds = count_source_kinds(store)
    return (count_classes(store) | {str(source_kind_count(kind)): kinds[kind] for kind in KINDS}
            | count_organisation_innovations(store) | count_independent_findings(store))


def classes_per_resource(entities: Mapping[str, int]) -> dict[str, int]:
    """The class partitions of recorded ``entities``."""
    return {iri: count for iri, count in entities.items() if iri not in KIND_KEYS
            and iri not in INDEPENDENT_KEYS and not iri.startswith(ORGANISATION_INNOVATIONS_COUNT)}


def innovations_per_organisation(entities: Mapping[str, int]) -> dict[str, int]:
    """Per organisation involved in any innovation, how many, as recorded in ``entities``."""
    return {iri.removeprefix(ORGANISATION_INNOVATIONS_COUNT): count for iri, count in entities.items()
            if iri.startswith(ORGANISATION_INNOVATIONS_COUNT)}


_ORGANISATION, _INVOLVEMENT = str(CKG.organisation), str(CKG.involvement)


def reached_organisations(store: GraphStore, statements: Iterable[tuple[str, str, str]]) -> set[str]:
    """The organisations whose innovations a change of ``statements`` (subject, predicate, object: the
    written graph's old and new ones, IRIs and blank nodes as strings) can change: those they name as an
    involvement's, and those of the involvements they join to an innovation (an involvement named by
    IRI may say its organisation elsewhere)."""
    organisations, involvements = set(), set()
    for _, predicate, value in statements:
        if predicate == _ORGANISATION:
            organisations.add(value)
        elif predicate == _INVOLVEMENT:
            involvements.add(value)
    named = tuple(sorted(i for i in involvements if i.startswith(("http://", "https://"))))
    if named:
        rows = store.select(load_query("rule_involvement_organisations"), {"involvement": named})
        organisations |= {row["organisation"] for row in rows}
    return {o for o in organisations if o.startswith(("http://", "https://"))}


def with_organisations_counted(store: GraphStore, recorded: Mapping[str, int],
                               organisations: Collection[str]) -> dict[str, int]:
    """``recorded`` with the innovations of ``organisations`` counted again (an organisation in none
    is not recorded); of every organisation when ``recorded`` holds none (an older carekg's load, whose
    figures a write must not leave partial, or no organisation involved: a count of nothing)."""
    if not innovations_per_organisation(recorded):
        return dict(recorded) | count_organisation_innovations(store)
    keys = {str(organisation_innovations_count(o)) for o in organisations}
    return ({iri: count for iri, count in recorded.items() if iri not in keys}
            | count_organisation_innovations(store, organisations))


def recorded_counts(store: GraphStore, classes: Collection[str]) -> dict[str, int] | None:
    """Per class of ``classes`` its resources, and per kind (study, source, other) its sources, as
    recorded: only these few are read. None when nothing is recorded (a store an older carekg loaded),
    told by the kinds' counts, which are recorded even when zero (a class of no resource is not)."""
    recorded = store.recorded_entities(of=(*classes, *KIND_KEYS))
    if not recorded.keys() & KIND_KEYS.keys():
        return None
    return {iri: recorded.get(iri, 0) for iri in classes} | sources_per_kind(recorded)


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
    return {iri: count for iri, count in counts.items() if count or iri in ALWAYS_KEPT}
