"""The curators' tables in ``curation/``, read and checked before anything is compiled.

The tables are the single source of truth for the evidence: one row per factor, innovation, source,
finding, organisation and involvement (see ``curation/README.md``). Each problem names the file, the
row as a spreadsheet shows it (the header is row 1) and the column, so a curator can go straight to
the cell. ``read`` refuses tables with any problem; ``problems`` lists them for ``carekg check``.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from carekg.ids import is_slug

#: A table's columns, in order. A missing or unknown column is a problem of the header row.
COLUMNS = {
    "factors.csv": ("id", "label", "definition", "nasss_subdomain", "cfir_close_match", "cfir_related_match",
                    "scope_note", "source", "broader_factor"),
    "innovations.csv": ("id", "label", "abbreviation", "kind", "description", "origin", "seed_id",
                        "provenance", "source"),
    "sources.csv": ("id", "entity", "study_level", "founding_review", "source_type", "design_category",
                    "developer_authored", "developer_basis", "summarises", "inclusion_status",
                    "inclusion_basis", "year", "citation", "title", "doi", "url", "setting",
                    "design_as_reported", "read_as", "innovations", "seed_records", "note"),
    "findings.csv": ("id", "innovation", "factor", "direction", "source", "read_via", "attribution",
                     "provenance", "paraphrase", "locator", "factor_as_reported", "innovation_as_reported",
                     "seed_records", "note"),
    "organisations.csv": ("seed_id", "id", "label", "org_type", "note"),
    "involvements.csv": ("innovation_id", "organisation_id", "role", "basis", "source_id", "seed_record",
                         "provenance"),
    "barrier-strategies.csv": ("factor_id", "eric_id", "via_cfir", "basis", "endorsement_level",
                               "endorsement_percent", "rationale", "source"),
}

DIRECTIONS = ("enabler", "barrier", "mixed")
SOURCE_TYPES = ("evaluation", "systematic-review", "peer-reviewed-paper", "report", "summary-page",
                "news-or-grey-literature")
INCLUSION = ("confirmed", "probable", "possible", "cited-only", "not-known-included")
ROLES = ("developer", "implementer", "funder", "evaluator", "commissioner", "licensee-or-purveyor",
         "support-provider")
ORG_TYPES = ("local-authority", "charity", "court", "nhs-trust", "government-body",
             "regional-partnership-board", "research-centre", "university", "funder", "consultancy",
             "support-unit", "professional-body", "other")
#: provenance codes of the seed: S source study, I curator inference, R-abs / R-web the review's abstract
#: / page
CLAIM_CODES = ("S", "I", "R-abs", "R-web")
REVIEW_CLAIMS = ("R-abs", "R-web")
_SEED_RECORD = re.compile(r"^[a-z0-9-]+\.yaml#[A-Za-z0-9_-]+$")
_YEAR = re.compile(r"^(19|20)[0-9]{2}$")


def split(cell: str, separator: str = ";") -> list[str]:
    """A cell holding several values: ids and URLs separated by ``;``, texts one per line."""
    return [part.strip() for part in cell.split(separator) if part.strip()]


class Row(dict):
    """One row of a table; ``number`` is the row as a spreadsheet shows it."""

    number: int = 0


@dataclass(frozen=True)
class Problem:
    file: str
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"{self.file} row {self.row}, column {self.column}: {self.message}"


class CurationError(ValueError):
    """A curation table cannot be compiled; the message names file, row and column of each problem."""

    def __init__(self, problems: str | Iterable[Problem]):
        self.problems = [] if isinstance(problems, str) else list(problems)
        super().__init__(problems if isinstance(problems, str) else "\n".join(map(str, self.problems)))


@dataclass
class Tables:
    factors: list[Row]
    innovations: list[Row]
    sources: list[Row]
    findings: list[Row]
    organisations: list[Row]
    involvements: list[Row]
    strategies: list[Row]
    problems: list[Problem] = field(default_factory=list)


def _read(path: Path, problems: list[Problem]) -> list[Row]:
    name = path.name
    if not path.exists():
        problems.append(Problem(f"curation/{name}", 1, "-", "the table is missing"))
        return []
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        header = reader.fieldnames or []
        expected = COLUMNS[name]
        for column in expected:
            if column not in header:
                problems.append(Problem(f"curation/{name}", 1, column, "the header has no such column"))
        for column in header:
            if column not in expected:
                problems.append(Problem(f"curation/{name}", 1, column,
                                        f"unknown column (expected {', '.join(expected)})"))
        rows = []
        for number, raw in enumerate(reader, start=2):
            row = Row({column: (raw.get(column) or "").strip() for column in expected})
            row.number = number
            if None in raw:
                problems.append(Problem(f"curation/{name}", number, "-",
                                        "the row has more cells than the header"))
            rows.append(row)
    return rows


class _Checker:
    """Collects problems for one table."""

    def __init__(self, name: str, problems: list[Problem]):
        self.file, self.problems = f"curation/{name}", problems

    def fail(self, row: Row, column: str, message: str) -> None:
        self.problems.append(Problem(self.file, row.number, column, message))

    def required(self, row: Row, column: str, what: str) -> bool:
        if not row[column]:
            self.fail(row, column, f"is empty: {what}")
            return False
        return True

    def one_of(self, row: Row, column: str, allowed: Iterable[str], optional: bool = False) -> None:
        allowed = tuple(allowed)
        if (row[column] or not optional) and row[column] not in allowed:
            self.fail(row, column, f"{row[column]!r} is not one of: {', '.join(allowed)}")

    def slug(self, row: Row, column: str, seen: set[str]) -> None:
        value = row[column]
        if not is_slug(value):
            self.fail(row, column,
                      f"{value!r} is not an id (lowercase letters and digits joined by single hyphens)")
        elif value in seen:
            self.fail(row, column, f"{value!r} is used by an earlier row; ids are unique")
        seen.add(value)

    def known(self, row: Row, column: str, value: str, known: Iterable[str] | dict, what: str) -> None:
        if value not in known:
            self.fail(row, column, f"{value!r} is not {what}")

    def seed_records(self, row: Row, column: str) -> None:
        for record in split(row[column]):
            if not _SEED_RECORD.match(record):
                self.fail(row, column, f"{record!r} is not a seed record (file.yaml#ID)")


def _check_sources(tables: Tables, check: _Checker, innovations: set[str]) -> None:
    seen: set[str] = set()
    studies = {row["id"] for row in tables.sources if row["entity"] == "study"}
    reviews = [row for row in tables.sources if row["founding_review"]]
    for row in tables.sources:
        check.slug(row, "id", seen)
        check.one_of(row, "entity", ("study", "source"))
        if row["entity"] == "study":
            check.one_of(row, "study_level", ("primary", "secondary"))
        elif row["study_level"]:
            check.fail(row, "study_level", "only a study (entity study) has a study level")
        check.one_of(row, "founding_review", ("true",), optional=True)
        check.one_of(row, "source_type", SOURCE_TYPES)
        if (check.required(row, "design_category", "use unknown when the design is not known")
                and not is_slug(row["design_category"])):
            check.fail(row, "design_category", f"{row['design_category']!r} is not a design category id")
        check.one_of(row, "developer_authored", ("true", "false"), optional=True)
        if row["developer_authored"] and not row["developer_basis"]:
            check.fail(row, "developer_basis",
                       "is empty: say why the source is (or is not) developer-authored, "
                       "or leave developer_authored empty when it is not known")
        if row["developer_basis"] and not row["developer_authored"]:
            check.fail(row, "developer_authored",
                       "is empty but developer_basis gives a reason: say true or false")
        for target in split(row["summarises"]):
            check.known(row, "summarises", target, studies, "the id of a study in sources.csv (entity study)")
            if target == row["id"]:
                check.fail(row, "summarises", "a source cannot summarise itself")
        if row["founding_review"]:
            if row["inclusion_status"]:
                check.fail(row, "inclusion_status",
                           "must be empty for the founding review: inclusion in itself means nothing")
        else:
            check.one_of(row, "inclusion_status", INCLUSION)
        if row["year"] and not _YEAR.match(row["year"]):
            check.fail(row, "year", f"{row['year']!r} is not a four-digit year (leave it empty when unknown)")
        if check.required(row, "citation", "every source needs its citation") and len(row["citation"]) < 10:
            check.fail(row, "citation", "is too short to be a citation")
        for url in split(row["url"]):
            if not url.startswith(("http://", "https://")):
                check.fail(row, "url", f"{url!r} is not an http(s) URL")
        for innovation in split(row["innovations"]):
            check.known(row, "innovations", innovation, innovations,
                        "the id of an innovation in innovations.csv")
        check.seed_records(row, "seed_records")
    for row in reviews[1:]:
        check.fail(row, "founding_review", "only one source is the founding review")


def _check_findings(tables: Tables, check: _Checker, factors: set[str], innovations: set[str]) -> None:
    seen: set[str] = set()
    sources = {row["id"]: row for row in tables.sources}
    for row in tables.findings:
        check.slug(row, "id", seen)
        if row["innovation"] != "general":
            check.known(row, "innovation", row["innovation"], innovations,
                        "the id of an innovation in innovations.csv (or general)")
        check.known(row, "factor", row["factor"], factors, "the id of a factor in factors.csv")
        check.one_of(row, "direction", DIRECTIONS)
        source = sources.get(row["source"])
        if source is None:
            check.fail(row, "source", f"{row['source']!r} is not the id of a source in sources.csv")
        if row["read_via"]:
            if row["read_via"] not in sources:
                check.fail(row, "read_via", f"{row['read_via']!r} is not the id of a source in sources.csv")
            elif row["read_via"] == row["source"]:
                check.fail(row, "read_via", "names the credited source itself; leave it empty")
            if not row["attribution"]:
                check.fail(row, "attribution",
                           "is empty: say why the finding is credited to another source than the one read")
        check.one_of(row, "provenance", CLAIM_CODES)
        if source is not None and row["provenance"] in CLAIM_CODES:
            in_review = source["founding_review"] == "true"
            if in_review != (row["provenance"] in REVIEW_CLAIMS):
                check.fail(row, "provenance",
                           "R-abs and R-web are for findings of the founding review, and only for them; a "
                           "finding from another source is S (or I for a curator's inference)")
        if check.required(row, "paraphrase", "say in your own words what the source states") \
                and len(row["paraphrase"]) < 10:
            check.fail(row, "paraphrase", "is too short to say what the source states")
        # imported seed findings without a locator stay without one: the seed gave none
        if not row["locator"] and not row["seed_records"] and row["provenance"] != "I":
            check.fail(row, "locator",
                       "is empty: say where in the source the statement is (page, section or paragraph)")
        if row["locator"] and len(row["locator"]) < 3:
            check.fail(row, "locator", "is too short to find the statement by")
        check.seed_records(row, "seed_records")


def _check_entities(tables: Tables, problems: list[Problem], sources: set[str]) -> None:
    check = _Checker("factors.csv", problems)
    seen: set[str] = set()
    factors = {row["id"] for row in tables.factors}
    for row in tables.factors:
        check.slug(row, "id", seen)
        check.required(row, "label", "a factor needs a label")
        # one level of grouping (e.g. the funding factors under `funding`), so evidence rolls up
        for broader in split(row["broader_factor"]):
            check.known(row, "broader_factor", broader, factors - {row["id"]},
                        "the id of another factor in factors.csv")
    check = _Checker("innovations.csv", problems)
    seen = set()
    for row in tables.innovations:
        check.slug(row, "id", seen)
        check.one_of(row, "provenance", CLAIM_CODES, optional=True)
        if not row["seed_id"] and not row["source"]:
            check.fail(row, "source",
                       "is empty: an innovation added without a seed record needs a source id or citation")
    check = _Checker("organisations.csv", problems)
    seen = set()
    for row in tables.organisations:
        check.slug(row, "id", seen)
        check.required(row, "label", "an organisation needs a name")
        check.one_of(row, "org_type", ORG_TYPES)
    check = _Checker("involvements.csv", problems)
    innovations = {row["id"] for row in tables.innovations}
    organisations = {row["id"] for row in tables.organisations}
    for row in tables.involvements:
        check.known(row, "innovation_id", row["innovation_id"], innovations,
                    "the id of an innovation in innovations.csv")
        check.known(row, "organisation_id", row["organisation_id"], organisations,
                    "the id of an organisation in organisations.csv")
        check.one_of(row, "role", ROLES)
        check.required(row, "basis", "say what shows the organisation's role")
        if row["source_id"]:
            check.known(row, "source_id", row["source_id"], sources, "the id of a source in sources.csv")
        check.seed_records(row, "seed_record")
        check.one_of(row, "provenance", CLAIM_CODES, optional=True)


def read(curation_dir: Path, strict: bool = True) -> Tables:
    """Every table, checked; with ``strict`` any problem raises CurationError, else it is kept in
    ``problems``."""
    problems: list[Problem] = []

    def read_table(name: str) -> list[Row]:
        return _read(curation_dir / name, problems)

    tables = Tables(
        factors=read_table("factors.csv"),
        innovations=read_table("innovations.csv"),
        sources=read_table("sources.csv"),
        findings=read_table("findings.csv"),
        organisations=read_table("organisations.csv"),
        involvements=read_table("involvements.csv"),
        strategies=read_table("barrier-strategies.csv"),
    )
    if not problems:  # a broken header makes every row's checks noise
        innovations = {row["id"] for row in tables.innovations}
        factors = {row["id"] for row in tables.factors}
        _check_sources(tables, _Checker("sources.csv", problems), innovations)
        _check_findings(tables, _Checker("findings.csv", problems), factors, innovations)
        _check_entities(tables, problems, {row["id"] for row in tables.sources})
    tables.problems = problems
    if strict and problems:
        raise CurationError(problems)
    return tables


def problems(curation_dir: Path) -> list[Problem]:
    """What is wrong with the tables, for ``carekg check``; empty when they can be compiled."""
    return read(curation_dir, strict=False).problems
