"""CONTRIBUTING.md's worked examples work, read from the guide itself so the two cannot drift apart.

Adding one finding from a new evaluation report: replayed on a copy of curation/ and ontology/, the
source and finding rows build and pass every check; each usual mistake the guide lists makes both
`carekg build` and `carekg check` name file, row and column with the guide's message, and the build
writes nothing. Adding a factor: the factor is built and passes; with its definition left empty,
`carekg check` says so in a curator's words. Never skipped: nothing outside the repository is read.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, SKOS

from carekg import paths
from carekg.build import evidence, frameworks
from carekg.build.tables import COLUMNS, CurationError
from carekg.check import run_checks
from carekg.release import ontology_sources

GUIDE = (paths.ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
CKG = "https://w3id.org/carekg/def#"


def _block(name: str, language: str) -> str:
    block = re.search(rf"<!-- worked-example: {re.escape(name)} -->\n```{language}\n(.*?)\n```", GUIDE,
                      re.DOTALL)
    assert block, f"CONTRIBUTING.md has no worked-example block {name!r}"
    return block.group(1)


def example_row(table: str) -> dict[str, str]:
    cells = next(csv.reader(io.StringIO(_block(table, "csv"))))
    columns = COLUMNS[table]
    assert len(cells) == len(columns), \
        f"the guide's {table} row has {len(cells)} cells, the table {len(columns)}"
    return dict(zip(columns, cells, strict=True))


def guide_mistakes() -> list[tuple[str, str, str]]:
    """(column, bad value, message) for each row of the guide's table of usual mistakes."""
    table = GUIDE[GUIDE.index("<!-- worked-example: mistakes -->"):].split("\n\n", 1)[0]
    mistakes = re.findall(r"^\| [^|]+ \| `(\w+)` = `([^`]*)` \| `(.+)` \|$", table, re.MULTILINE)
    assert len(mistakes) == 5, table
    return mistakes


SOURCE_ROW = example_row("sources.csv")
FINDING_ROW = example_row("findings.csv")
FACTOR_ROW = example_row("factors.csv")
FINDING = URIRef(f"https://w3id.org/carekg/id/finding/{FINDING_ROW['id']}")
STUDY = URIRef(f"https://w3id.org/carekg/id/study/{SOURCE_ROW['id']}")
FACTOR = URIRef(f"https://w3id.org/carekg/id/factor/{FACTOR_ROW['id']}")


def _append(table: Path, row: dict[str, str]) -> int:
    """Append a row as a curator would; returns its row number as a spreadsheet shows it."""
    with table.open(newline="", encoding="utf-8") as handle:
        count = sum(1 for _ in csv.DictReader(handle))
    with table.open("a", newline="", encoding="utf-8") as handle:
        csv.DictWriter(handle, COLUMNS[table.name], lineterminator="\n").writerow(row)
    return count + 2


def _set_cell(table: Path, row_id: str, column: str, value: str) -> None:
    with table.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    next(row for row in rows if row["id"] == row_id)[column] = value
    with table.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, COLUMNS[table.name], lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def copy_repository(root: Path) -> tuple[Path, Path, Path]:
    curation, ontology, data = root / "curation", root / "ontology", root / "data"
    shutil.copytree(paths.CURATION_DIR, curation)
    shutil.copytree(paths.ONTOLOGY_DIR, ontology, ignore=shutil.ignore_patterns("release"))
    return curation, ontology, data


def build(curation: Path, ontology: Path, data: Path) -> None:
    frameworks.build(curation / "frameworks" / "frameworks.yaml", ontology / "modules")
    evidence.build(curation, ontology, data)


def check(curation: Path, ontology: Path, data: Path):
    """carekg check (without HermiT, which tests/ontology/test_check.py covers)."""
    return run_checks(data_files=sorted(data.rglob("*.ttl")), ontology_files=ontology_sources(ontology),
                      curation_dir=curation, reasoner=False)


def add_the_finding(root: Path, **mistake: str) -> tuple[Path, Path, Path, int]:
    """Steps 1 and 2 of the guide on a copy under ``root``; returns the dirs and the finding's row number."""
    curation, ontology, data = copy_repository(root)
    _append(curation / "sources.csv", SOURCE_ROW)
    number = _append(curation / "findings.csv", {**FINDING_ROW, **mistake})
    return curation, ontology, data, number


def test_a_finding_from_a_new_report_is_built_and_passes_every_check(tmp_path):
    curation, ontology, data, _ = add_the_finding(tmp_path)
    build(curation, ontology, data)
    curated = Graph().parse(data / "findings" / "curated.ttl")
    assert curated.value(FINDING, URIRef(CKG + "reportedIn")) == STUDY
    assert curated.value(FINDING, URIRef(CKG + "provenanceKind")) == URIRef(CKG + "SourceStudyClaim")
    assert str(curated.value(FINDING, URIRef(CKG + "locator"))) == FINDING_ROW["locator"]
    sources = Graph().parse(data / "sources.ttl")
    assert sources.value(STUDY, URIRef(CKG + "sourceType")) == URIRef(CKG + "EvaluationReport")
    assert sources.value(STUDY, URIRef(CKG + "developerAuthored")).toPython() is False
    report = check(curation, ontology, data)
    assert report.ok, report.render()
    assert "curation tables" in report.checks_run


@pytest.mark.parametrize(("column", "value", "message"), guide_mistakes())
def test_each_usual_mistake_is_named_by_file_row_and_column(tmp_path, column, value, message):
    curation, ontology, data, number = add_the_finding(tmp_path, **{column: value})
    with pytest.raises(CurationError) as refused:
        evidence.build(curation, ontology, data)
    assert str(refused.value) == f"curation/findings.csv row {number}, column {column}: {message}"
    assert not data.exists(), "a refused build writes nothing"
    report = check(curation, ontology, paths.DATA_DIR)
    problems = [v for v in report.violations if v.check == "curation tables"]
    assert [(v.file, v.node, v.path, v.message) for v in problems] == \
        [("curation/findings.csv", f"row {number}", f"column {column}", message)], report.render()
    if column == "source":  # the guide shows this report in full
        shown = _block("check output", "text").replace("row 204", f"row {number}")
        assert shown in report.render(), report.render()


def test_worked_example_adds_the_factor_and_passes_every_check(tmp_path):
    curation, ontology, data = copy_repository(tmp_path)
    _append(curation / "factors.csv", FACTOR_ROW)
    finding, column, value = next(csv.reader(io.StringIO(_block("factor move", "csv"))))
    _set_cell(curation / "findings.csv", finding, column, value)
    build(curation, ontology, data)
    factors = Graph().parse(ontology / "modules" / "factors.ttl")
    assert str(factors.value(FACTOR, SKOS.prefLabel)) == FACTOR_ROW["label"]
    assert factors.value(FACTOR, SKOS.broader) == URIRef("https://w3id.org/carekg/id/nasss/4a")
    assert factors.value(FACTOR, SKOS.closeMatch) == URIRef("https://w3id.org/carekg/id/cfir/iv-c-d")
    assert "A-FDAC-20" in str(factors.value(FACTOR, DCTERMS.source))
    findings = Graph().parse(data / "findings" / "evidence-more-innovations.ttl")
    finding = URIRef("https://w3id.org/carekg/id/finding/a-fdac-20")
    assert findings.value(finding, URIRef(CKG + "aboutFactor")) == FACTOR
    report = check(curation, ontology, data)
    assert report.ok, report.render()


def test_worked_example_with_an_empty_definition_is_reported(tmp_path):
    curation, ontology, data = copy_repository(tmp_path)
    _append(curation / "factors.csv", {**FACTOR_ROW, "definition": ""})
    build(curation, ontology, data)
    report = check(curation, ontology, data)
    assert not report.ok
    about = [v for v in report.violations if v.node == str(FACTOR)]
    assert about, report.render()
    assert {v.path for v in about} == {str(SKOS.definition)}, report.render()
    assert any(v.check == "shacl data" and "definition column of curation/factors.csv" in v.message
               and v.file.endswith("factors.ttl") for v in about), report.render()
    assert "A factor needs exactly one English definition" in report.render()
