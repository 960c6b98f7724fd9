"""Every finding as a collection (GET /findings): filters that must all hold, a sort key and a page.

The filtering, sorting and paging run in the store (api_findings_match.rq, with only the lines of the
filters given), so a request costs what its matches cost, not what the whole graph holds: one count,
one page of IRIs, and one query for the page's rows (api_findings_rows.rq). The count of an innovation's
findings (by factor and direction) is read from the tallies the rules materialised.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, fields
from typing import Annotated

from pydantic import Field
from rdflib import RDF, RDFS, SKOS, Graph, Literal, URIRef

from carekg import statistics
from carekg.ids import slug_of
from carekg.namespaces import CKG
from carekg.queries import load_query
from carekg.services.counts import innovation_tallies
from carekg.services.errors import InvalidArgument, NotFound, check_choice
from carekg.services.evidence import Evidence, finding_fields
from carekg.services.rdf import serialise
from carekg.services.refs import (
    Ref,
    concept_rows,
    factor_rows,
    innovation_rows,
    ref_in,
    resource_iri,
    source_ref_of,
    term_labels,
)
from carekg.services.rows import as_bool, notation_key
from carekg.services.vocabulary import (
    DESIGNS,
    DIRECTIONS,
    PROVENANCE_KINDS,
    SOURCE_TYPES,
    code_or_none,
)
from carekg.store.base import GraphStore, Row, Value

#: The review windows of the consensus rule: ``before`` is its up-to-review-search window (sources
#: before the review's November 2022 search); ``after`` the sources after it; ``undetermined`` those
#: that cannot be placed (no month in 2022, or no date). Without the filter: all the evidence.
REVIEW_WINDOWS = {"before": str(CKG.BeforeReviewSearch), "after": str(CKG.AfterReviewSearch),
                  "undetermined": str(CKG.UndeterminedRelativeToSearch)}
#: Sort keys: the variable each orders by (the finding's IRI breaks ties); ``-key`` sorts descending.
SORT_KEYS = {"finding": "?finding", "year": "?sortYear", "factor": "?sortFactor",
             "innovation": "?sortInnovation", "direction": "?sortDirection"}
SORTS = (*SORT_KEYS, *(f"-{key}" for key in SORT_KEYS), "stored")
#: The most findings a sort orders: the engine reads every match's key to sort them (seconds for the
#: ~90,000 findings of 1M triples, about 0.5 s for 10,000); past it the page is in the store's own
#: order, and asking for a sort is a 422 that says to narrow the filters.
SORT_LIMIT = 2_000
_TAG = re.compile(r"\s*#\[([a-z_=]+)\]\s*$")
#: Lines whose pattern has ?finding as the subject of a finding predicate, so that it needs no type line.
_NAMING_FINDINGS = {"innovation", "factor", "direction", "provenance", "source", "independent=true",
                    "sort=factor", "sort=direction"}
_PAGE_HEAD = "SELECT ?finding WHERE {"
_COUNT_HEAD = "SELECT (COUNT(?finding) AS ?count) WHERE {"


@dataclass(frozen=True)
class FindingFilters:
    """What GET /findings was asked: every filter given must hold (AND). Codes as the API writes them."""

    innovation: str | None = None
    factor: str | None = None
    direction: str | None = None
    provenance: str | None = None
    source_type: str | None = None
    design: str | None = None
    independent: bool | None = None
    year_from: int | None = None
    year_to: int | None = None
    nasss: str | None = None
    cfir: str | None = None
    review_window: str | None = None

    def given(self) -> dict[str, str]:
        """The filters given, as query-string values."""
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        return {name: (str(value).lower() if isinstance(value, bool) else str(value))
                for name, value in values.items() if value is not None}


@dataclass(frozen=True)
class ListedFinding(Evidence):
    """A finding as a row of the collection: its evidence, and how the consensus rule sees its source."""

    source_type: Annotated[str | None, Field(
        examples=["evaluation-report"],
        description="evaluation-report, systematic-review-report, peer-reviewed-paper, report, summary-page "
                    "or news-or-grey-literature")]
    review_window: Annotated[str, Field(
        examples=["before"], description="before, after or undetermined relative to the review's search")]
    independent: Annotated[bool, Field(
        description="from an independent study as the consensus rule judges one: a source's own statement, "
                    "from a study-type source that is not developer-authored (an empty flag is not "
                    "independent); true for a mixed finding too, which the rule does not count")]


@dataclass(frozen=True)
class FindingsPage:
    """One page of the findings that match every filter: ``count`` is how many match in all."""

    data: list[ListedFinding]
    count: Annotated[int, Field(examples=[12])]
    limit: Annotated[int, Field(examples=[50])]
    offset: Annotated[int, Field(examples=[0])]
    sort: Annotated[str, Field(examples=["finding"], description=(
        "the order applied: a sort key (descending with a leading -), or stored (the store's own order, "
        f"stable for a dataset version) when more than {SORT_LIMIT:,} findings match and no sort was asked"))]
    filters: Annotated[dict[str, str], Field(examples=[{"innovation": "family-drug-and-alcohol-court",
                                                         "direction": "barrier", "independent": "true"}])]


@dataclass(frozen=True)
class FilterChoices:
    """What the innovation and factor filters can name, by label (for the HTML page's form)."""

    innovations: list[Ref]
    factors: list[Ref]


def filter_choices(store: GraphStore) -> FilterChoices:
    def refs(rows: dict[str, Row]) -> list[Ref]:
        return sorted((ref_in(rows, iri) for iri in rows), key=lambda ref: ref.label.lower())

    return FilterChoices(refs(innovation_rows(store)), refs(factor_rows(store)))


def find_findings(store: GraphStore, filters: FindingFilters, sort: str | None = None, limit: int = 50,
                  offset: int = 0) -> FindingsPage:
    """The page of findings matching ``filters``, sorted by ``sort`` (SORTS; by default ``finding``
    when at most SORT_LIMIT match, else ``stored``). InvalidArgument names the allowed values of a
    bad filter, an unknown innovation or factor id included."""
    check_choice("sort", sort, SORTS)
    tags, bindings = _tags_and_bindings(store, filters)
    if bindings.get("factor") == ():
        return FindingsPage([], 0, limit, offset, sort or "finding", filters.given())
    match = kept_lines(load_query("api_findings_match"), tags)
    count = _tallied_count(store, tags, bindings)
    if count is None:
        count = _recorded_count(store, tags, bindings)
    if count is None:
        count = int(store.select(match.replace(_PAGE_HEAD, _COUNT_HEAD, 1), bindings)[0]["count"])
    if sort not in (None, "stored") and count > SORT_LIMIT:
        raise InvalidArgument(f"sort: {count:,} findings match, more than the {SORT_LIMIT:,} a sort orders; "
                              "add filters (e.g. innovation or factor), or leave sort out for the store's "
                              "order")
    applied = sort or ("finding" if count <= SORT_LIMIT else "stored")
    if count <= offset:  # nothing to read: the page query would go through every match to find none
        return FindingsPage([], count, limit, offset, applied, filters.given())
    page = _page_query(tags, applied, limit, offset)
    iris = tuple(row["finding"] for row in store.select(page, bindings))
    return FindingsPage(_rows(store, iris), count, limit, offset, applied, filters.given())


def _tallied_count(store: GraphStore, tags: set[str], bindings: dict[str, Value]) -> int | None:
    """How many findings match, from the innovation's tallies the rules materialised (carekg.tallies) when
    the filters are the innovation's and at most factor (or NASSS, CFIR) and direction: its 12,000 findings
    are not counted again. None for any other filters."""
    if "innovation" not in tags or not tags <= {"innovation", "factor", "direction"}:
        return None
    innovation, factors = str(bindings["innovation"]), bindings.get("factor")
    kept = None if factors is None else set(factors) if isinstance(factors, tuple) else {str(factors)}
    direction = code_or_none(str(bindings["direction"])) if "direction" in bindings else None
    counts = [tally.of_direction(direction).findings
              for factor_iri, tally in innovation_tallies(store, innovation).items()
              if kept is None or factor_iri in kept]
    return sum(counts)


def _recorded_count(store: GraphStore, tags: set[str], bindings: dict[str, Value]) -> int | None:
    """How many findings match ``independent=true``, alone or with a direction, as a load recorded
    them and writes keep them (carekg.statistics): at 10M triples counting them went through ~400,000
    barrier findings per request (0.3-0.4 s of CPU). None for other filters, or a store with none
    recorded."""
    if "independent=true" not in tags or not tags <= {"independent=true", "direction"}:
        return None
    direction = bindings.get("direction")
    return statistics.recorded_independent_findings(store, None if direction is None else str(direction))


def _page_query(tags: set[str], sort: str, limit: int, offset: int) -> str:
    """The page's IRIs: the matches, ordered by ``sort`` (its key's lines kept) and cut to the page."""
    order = ""
    if sort != "stored":
        key = sort.removeprefix("-")
        tags = tags | {f"sort={key}"} | ({"source"} if key == "year" else set())
        tags = tags - {"every"} if tags & _NAMING_FINDINGS else tags
        variable = SORT_KEYS[key]
        # The finding breaks ties, named once: Virtuoso 7 repeats every row for `ORDER BY ?finding ?finding`.
        ties = "" if key == "finding" else " ?finding"
        order = f"ORDER BY {f'DESC({variable})' if sort.startswith('-') else variable}{ties}\n"
    # The order comes from SORT_KEYS, and limit and offset are ints: nothing the caller wrote is pasted in.
    match = kept_lines(load_query("api_findings_match"), tags)
    return f"{match}\n{order}LIMIT {int(limit)} OFFSET {int(offset)}"


def kept_lines(query: str, tags: set[str]) -> str:
    """``query`` with the lines tagged for a filter not in ``tags`` left out (and the tags dropped)."""
    kept = []
    for line in query.splitlines():
        tag = _TAG.search(line)
        if tag is None:
            kept.append(line)
        elif tag.group(1) in tags:
            kept.append(line[:tag.start()])
    return "\n".join(kept)


def _tags_and_bindings(store: GraphStore, filters: FindingFilters) -> tuple[set[str], dict[str, Value]]:
    """The tagged lines of api_findings_match.rq to keep, and the values their variables are bound to."""
    check_choice("direction", filters.direction, DIRECTIONS)
    check_choice("provenance", filters.provenance, PROVENANCE_KINDS)
    check_choice("source_type", filters.source_type, SOURCE_TYPES)
    check_choice("design", filters.design, DESIGNS)
    check_choice("review_window", filters.review_window, REVIEW_WINDOWS)
    if filters.year_from is not None and filters.year_to is not None and filters.year_from > filters.year_to:
        raise InvalidArgument(f"year_from ({filters.year_from}) must not be after "
                              f"year_to ({filters.year_to})")
    bindings: dict[str, Value] = {}
    for name, variable, codes in (("direction", "direction", DIRECTIONS),
                                  ("provenance", "provenance", PROVENANCE_KINDS),
                                  ("source_type", "sourceType", SOURCE_TYPES), ("design", "design", DESIGNS)):
        value = getattr(filters, name)
        if value is not None:
            bindings[variable] = codes[value]
    if filters.innovation is not None:
        bindings["innovation"] = _existing(store, "innovation", filters.innovation, CKG.Innovation,
                                           "/innovations")
    if filters.year_from is not None:
        bindings["yearFrom"] = filters.year_from
    if filters.year_to is not None:
        bindings["yearTo"] = filters.year_to
    if filters.review_window in ("before", "after"):
        bindings["timing"] = REVIEW_WINDOWS[filters.review_window]
    tags = {name for name in ("innovation", "direction", "provenance", "source_type", "design", "year_from",
                              "year_to") if getattr(filters, name) is not None}
    if filters.year_from is not None or filters.year_to is not None:
        tags.add("year")
    if filters.review_window is not None:
        tags.add("review_window" if filters.review_window != "undetermined" else "review_window=undetermined")
    if filters.independent is not None:
        tags.add(f"independent={str(filters.independent).lower()}")
    if tags & {"source_type", "design", "year", "review_window", "review_window=undetermined"}:
        tags.add("source")
    factors = _factors(store, filters)
    if factors is not None:
        tags.add("factor")
        bindings["factor"] = factors
    if not tags & _NAMING_FINDINGS:
        tags.add("every")
    return tags, bindings


def _factors(store: GraphStore, filters: FindingFilters) -> tuple[str, ...] | None:
    """The factors the factor, NASSS and CFIR filters leave (None when none of them is given)."""
    bindings: dict[str, Value] = {}
    if filters.factor is not None:
        bindings["wantedFactor"] = _existing(store, "factor", filters.factor, CKG.ImplementationFactor,
                                             "/factors")
    if filters.nasss is not None:
        bindings["nasss"] = _concept(store, "nasss", filters.nasss, ("NasssDomain", "NasssSubdomain"),
                                     "a NASSS domain (1-7) or sub-domain code (e.g. 5B)")
    if filters.cfir is not None:
        bindings["cfir"] = _concept(store, "cfir", filters.cfir,
                                    ("CfirDomain", "CfirConstruct", "CfirSubconstruct"),
                                    "a CFIR 2.0 domain, construct or sub-construct code (e.g. II or III.J.1)")
    if not bindings:
        return None
    tags = {"factor" if name == "wantedFactor" else name for name in bindings}
    rows = store.select(kept_lines(load_query("api_findings_factors"), tags), bindings)
    return tuple(sorted(row["factor"] for row in rows))


def _existing(store: GraphStore, kind: str, id: str, kind_class: str, listed_at: str) -> str:
    try:
        iri = resource_iri(kind, id)
    except NotFound:
        iri = None
    bindings: dict[str, Value] = {"resource": iri or "", "class": str(kind_class)}
    if iri is None or not store.ask(load_query("api_is_instance"), bindings):
        raise InvalidArgument(f"{kind} must be one of the ids listed at {listed_at}; "
                              f"no {kind} has id {id!r}")
    return iri


def _concept(store: GraphStore, name: str, wanted: str, levels: tuple[str, ...], what: str) -> str:
    """The IRI of the framework concept whose code is ``wanted`` (any case), at one of ``levels``."""
    level_iris = {str(CKG[level]) for level in levels}
    by_code = {row.get("notation", "").upper(): iri for iri, row in concept_rows(store).items()
               if row["level"] in level_iris and row.get("notation")}
    if wanted.upper() not in by_code:
        codes = ", ".join(sorted(by_code, key=notation_key))
        raise InvalidArgument(f"{name} must be {what}: one of {codes}; got {wanted!r}")
    return by_code[wanted.upper()]


def _rows(store: GraphStore, iris: tuple[str, ...]) -> list[ListedFinding]:
    """The page's findings, in the order of ``iris``."""
    if not iris:
        return []
    labels = term_labels(store)
    first: dict[str, Row] = {}
    for row in store.select(load_query("api_findings_rows"), {"finding": iris}):
        first.setdefault(row["finding"], row)
    return [_listed(labels, first[iri]) for iri in iris if iri in first]


def _listed(labels: dict[str, str], row: Row) -> ListedFinding:
    innovation = row.get("innovation")
    source = source_ref_of(labels, row["source"], {**row, "urls": row.get("url", "")})
    timing = row.get("timing")
    return ListedFinding(
        **finding_fields(labels, row),
        factor=Ref(slug_of(row["factor"]), row["factor"], row.get("factorLabel") or slug_of(row["factor"])),
        innovation=Ref(slug_of(innovation), innovation, row.get("innovationLabel") or slug_of(innovation))
        if innovation else None,
        source=source, source_type=code_or_none(row.get("sourceType")),
        review_window=next((name for name, iri in REVIEW_WINDOWS.items() if iri == timing), "undetermined"),
        independent=bool(as_bool(row.get("independent"))),
    )


CSV_COLUMNS = ("finding", "innovation", "innovation_label", "general", "factor", "factor_label", "direction",
               "provenance", "source", "source_kind", "citation", "source_type", "design", "year",
               "developer_authored", "independent", "review_window", "locator", "paraphrase")


def findings_page_csv(page: FindingsPage) -> str:
    """The page's findings as CSV, one row each (the columns of /export/findings.csv where they agree)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for f in page.data:
        authored = f.source.developer_authored
        writer.writerow([
            f.id, f.innovation.id if f.innovation else "", f.innovation.label if f.innovation else "",
            str(f.general).lower(), f.factor.id, f.factor.label, f.direction, f.provenance or "", f.source.id,
            f.source.kind, f.source.citation, f.source_type or "", f.source.design or "", f.source.year or "",
            "" if authored is None else str(authored).lower(), str(f.independent).lower(), f.review_window,
            f.locator or "", f.paraphrase or "",
        ])
    return out.getvalue()


def findings_page_rdf(page: FindingsPage, media_type: str) -> bytes:
    """The page's findings as RDF in ``media_type``: each finding's statements in the data (factor,
    innovation, direction, provenance, source, paraphrase, locator, factor as reported), with the labels
    of its factor and innovation and its source's citation, year and type."""
    graph = Graph()
    for f in page.data:
        finding = URIRef(f.iri)
        graph.add((finding, RDF.type, CKG.Finding))
        graph.add((finding, CKG.aboutFactor, URIRef(f.factor.iri)))
        graph.add((URIRef(f.factor.iri), SKOS.prefLabel, Literal(f.factor.label, lang="en")))
        graph.add((finding, CKG.direction, URIRef(DIRECTIONS[f.direction])))
        if f.innovation:
            graph.add((finding, CKG.aboutInnovation, URIRef(f.innovation.iri)))
            graph.add((URIRef(f.innovation.iri), RDFS.label, Literal(f.innovation.label, lang="en")))
        if f.general:
            graph.add((finding, CKG.concernsInnovationsInGeneral, Literal(True)))
        if f.provenance:
            graph.add((finding, CKG.provenanceKind, URIRef(PROVENANCE_KINDS[f.provenance])))
        for term, text in ((CKG.paraphrase, f.paraphrase), (CKG.locator, f.locator),
                           (CKG.factorAsReported, f.factor_as_reported)):
            if text:
                graph.add((finding, term, Literal(text, lang="en") if term != CKG.locator else Literal(text)))
        source = URIRef(f.source.iri)
        graph.add((finding, CKG.reportedIn, source))
        graph.add((source, CKG.citation, Literal(f.source.citation)))
        if f.source.year is not None:
            graph.add((source, CKG.publicationYear, Literal(f.source.year)))
        if f.source_type:
            graph.add((source, CKG.sourceType, URIRef(SOURCE_TYPES[f.source_type])))
    return serialise(graph, media_type)
