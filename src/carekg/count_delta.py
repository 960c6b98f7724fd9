"""A write's change to the stored evidence counts, in proportion to the write (carekg.incremental).

The evidence counts (``rule_evidence_counts.rq``, ``rule_concept_evidence_counts.rq``) count, per
innovation, factor, source and framework concept, the findings under it (per direction) and the
distinct sources, innovations and factors they name. Recounting a NASSS domain or CFIR domain after a
write recounts a seventh of the dataset (4 s at 1M), so a write adjusts the stored counts instead:

- the rows the written findings are counted in are read before and after the change
  (``count_delta_contributions.rq``, bound to the touched nodes); the findings counts change by the
  difference, as the other findings are untouched;
- a distinct count changes only by the values (a source, innovation or factor) one side names and the
  other does not, and only where no other finding under the same resource names the value: a bound
  question per such value (``count_delta_other_resource.rq``, ``count_delta_other_concept.rq``) asking
  for one finding more than the write touched. Asked from whichever of the resource and the value has
  fewer findings by their stored counts (``count_delta_other_resource_by_subject.rq`` from the
  resource): from a factor's findings when the resource is an innovation of a hundred, one such
  question took 0.5 s at 10M.

A write that moves a factor or concept in the framework (``count_delta_placement.rq`` differs before
and after) moves every finding under it: the concepts it reaches are recounted by the rules
(``rule_affected_count_subjects.rq``), as is any resource counted under both rules at once.
tests/test_incremental.py proves the adjusted counts equal a full load's.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from rdflib import Graph, Literal, URIRef

from carekg.ids import DIRECTION_CODES
from carekg.namespaces import CKG
from carekg.queries import load_query
from carekg.rules import COUNT_PREDICATES, FINDING_COLUMNS
from carekg.store.base import GraphStore

#: The direction of a finding -> the count of that direction (COUNT_PREDICATES' columns).
DIRECTIONS = {direction: FINDING_COLUMNS[code] for direction, code in DIRECTION_CODES.items()}
#: A distinct count -> the link from a finding to the values it counts.
DISTINCT = {"sources": str(CKG.reportedIn), "innovations": str(CKG.aboutInnovation),
            "factors": str(CKG.aboutFactor)}
_OTHER = {"resource": "count_delta_other_resource", "concept": "count_delta_other_concept"}
#: A resource's question asked from the resource's findings, not the value's.
_BY_SUBJECT = "count_delta_other_resource_by_subject"
#: A value with at most this many stored findings has its questions about concepts asked in one query
#: (its findings read once, for every concept), not one per concept: 48 at 10M took 0.7-1.2 s. Not a
#: factor's findings (1,800 at 1M): read whole for every concept, they took 3x the questions' time.
FEW_FINDINGS = 500

Key = tuple[str, str]  # (scope, subject)


@dataclass
class Tally:
    """What the written findings contribute to one resource's counts."""

    findings: set[str] = field(default_factory=set)
    #: per column of COUNT_PREDICATES (directions and distinct counts), the findings or values
    values: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))


@dataclass(frozen=True)
class Snapshot:
    """The written findings' rows and the placement of the touched nodes, at one moment of a write."""

    tallies: dict[Key, Tally]
    placement: frozenset[tuple[str, str, str]]
    findings: frozenset[str]


def snapshot(store: GraphStore, touched: frozenset[str]) -> Snapshot:
    bound = {"finding": tuple(sorted(touched))}
    tallies: dict[Key, Tally] = defaultdict(Tally)
    findings = set()
    for row in store.select(load_query("count_delta_contributions"), bound):
        tally = tallies[(row["scope"], row["subject"])]
        finding = row["finding"]
        findings.add(finding)
        tally.findings.add(finding)
        if row["direction"] in DIRECTIONS:
            tally.values[DIRECTIONS[row["direction"]]].add(finding)
        for column, variable in (("sources", "source"), ("innovations", "innovation"), ("factors", "factor")):
            if row.get(variable):
                tally.values[column].add(row[variable])
    placement = frozenset((r["node"], r["p"], r["o"]) for r in store.select(
        load_query("count_delta_placement"), {"node": tuple(sorted(touched))}))
    return Snapshot(dict(tallies), placement, frozenset(findings))


def moved_nodes(before: Snapshot, after: Snapshot) -> frozenset[str]:
    """The touched nodes whose place in the framework the write changed."""
    return frozenset(node for node, _, _ in before.placement ^ after.placement)


def _stored(store: GraphStore, subjects: Iterable[str]) -> dict[str, list[dict[str, int]]]:
    """Per subject, its stored counts: one dict, none for a resource without findings, more than one
    where a count has several values."""
    stored: dict[str, list[dict[str, int]]] = defaultdict(list)
    for row in store.select(load_query("count_delta_stored"), {"subject": tuple(sorted(subjects))}):
        stored[row["subject"]].append({column: int(row[column]) for column in COUNT_PREDICATES})
    return stored


def _named_by_others(store: GraphStore, scope: str, subject: str, column: str, value: str,
                     written: frozenset[str], findings: Mapping[str, int]) -> bool:
    """Whether a finding the write did not touch names ``value`` under ``subject``: at most
    ``len(written)`` of the findings asked for are the write's, so one more answers it. ``findings``:
    the stored findings counts the question is started from the smaller of (a resource's only)."""
    smaller_subject = findings.get(subject, 0) < findings.get(value, 0)
    name = _BY_SUBJECT if scope == "resource" and smaller_subject else _OTHER[scope]
    query = f"{load_query(name)}\nLIMIT {len(written) + 1}"
    rows = store.select(query, {"subject": subject, "kind": DISTINCT[column], "value": value})
    return any(row["other"] not in written for row in rows)


def _concepts_named_by_others(store: GraphStore, questions: Iterable[tuple[str, str, str]],
                              written: frozenset[str], findings: Mapping[str, int]
                              ) -> dict[tuple[str, str, str], bool]:
    """For the (concept, column, value) ``questions`` whose value has few findings, whether a finding
    the write did not touch names the value under the concept: one query per value, every concept."""
    asked: dict[tuple[str, str], set[str]] = defaultdict(set)
    for subject, column, value in questions:
        if findings.get(value, 0) <= FEW_FINDINGS:
            asked[(column, value)].add(subject)
    answers = {}
    for (column, value), subjects in asked.items():
        rows = store.select(load_query(_OTHER["concept"]), {"subject": tuple(sorted(subjects)),
                                                            "kind": DISTINCT[column], "value": value})
        named = {row["subject"] for row in rows if row["other"] not in written}
        answers.update({(subject, column, value): subject in named for subject in subjects})
    return answers


def adjusted(store: GraphStore, before: Snapshot, after: Snapshot, written: frozenset[str],
             recounted: frozenset[str]) -> tuple[frozenset[str], Graph, frozenset[str]]:
    """The resources whose stored counts change, their new counts (none for a resource left without
    findings), and the resources that need a recount instead (counted under both rules at once).
    Asked of the store after the change; ``written`` are the touched nodes, ``recounted`` the
    resources recounted anyway."""
    keys = set(before.tallies) | set(after.tallies)
    scopes: Mapping[str, set[str]] = defaultdict(set)
    for scope, subject in keys:
        scopes[subject].add(scope)
    both = frozenset(s for s, found in scopes.items() if len(found) > 1)
    stored = _stored(store, {s for _, s in keys} - recounted - both)
    # The values a distinct count can move by: their findings counts choose where each question starts.
    empty = Tally()
    values = {value for key in keys for column in DISTINCT
              for value in before.tallies.get(key, empty).values[column]
              ^ after.tallies.get(key, empty).values[column]} - stored.keys()
    counted = stored | (_stored(store, values) if values else {})
    findings = {node: counts[0]["findings"] for node, counts in counted.items() if len(counts) == 1}
    answered = _concepts_named_by_others(store, {
        (subject, column, value) for scope, subject in keys if scope == "concept" for column in DISTINCT
        for value in before.tallies.get((scope, subject), empty).values[column]
        ^ after.tallies.get((scope, subject), empty).values[column]}, written, findings)
    results = Graph()
    changed: set[str] = set()
    awkward = set(both)
    for scope, subject in sorted(keys):
        if subject in recounted or subject in both:
            continue
        old = stored.get(subject, [])
        if len(old) > 1:
            awkward.add(subject)
            continue
        was, now = before.tallies.get((scope, subject), Tally()), after.tallies.get((scope, subject), Tally())
        previous = old[0] if old else dict.fromkeys(COUNT_PREDICATES, 0)
        counts = dict(previous)
        counts["findings"] += len(now.findings) - len(was.findings)
        for column in DIRECTIONS.values():
            counts[column] += len(now.values[column]) - len(was.values[column])
        for column in DISTINCT:
            for value in now.values[column] ^ was.values[column]:
                question = (subject, column, value)
                named = answered[question] if scope == "concept" and question in answered else \
                    _named_by_others(store, scope, subject, column, value, written, findings)
                if not named:
                    counts[column] += 1 if value in now.values[column] else -1
        if counts == previous:
            continue
        changed.add(subject)
        if counts["findings"] > 0:
            for column, predicate in COUNT_PREDICATES.items():
                results.add((URIRef(subject), predicate, Literal(counts[column])))
    return frozenset(changed), results, frozenset(awkward)
