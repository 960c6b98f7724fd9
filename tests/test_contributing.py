"""CONTRIBUTING.md's worked example works: replayed on a copy of curation/ and ontology/, the new factor
is built and passes every check; with its definition left empty, `carekg check` says so in a curator's
words. The rows are read from CONTRIBUTING.md itself, so the guide and the test cannot drift apart."""

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
from carekg.build import frameworks, seed
from carekg.check import run_checks
from carekg.release import ontology_sources

pytestmark = pytest.mark.skipif(not paths.SEED_DIR.exists(), reason=f"seed material not found at {paths.SEED_DIR}")

GUIDE = (paths.ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
CKG = "https://w3id.org/carekg/def#"


def example_row(table: str) -> list[str]:
    block = re.search(rf"<!-- worked-example: {re.escape(table)} -->\n```csv\n(.*?)\n```", GUIDE, re.S)
    assert block, f"CONTRIBUTING.md has no worked-example block for {table}"
    return next(csv.reader(io.StringIO(block.group(1))))


FACTOR_ROW = example_row("factors.csv")
MAP_ROW = example_row("finding-map.csv")
FACTOR = URIRef(f"https://w3id.org/carekg/id/factor/{FACTOR_ROW[0]}")


def replay(root: Path, definition: str | None = None) -> tuple[Path, Path]:
    """Steps 1-3 of the guide on a copy of the repository under ``root``; returns (ontology, data) dirs."""
    curation, ontology, data = root / "curation", root / "ontology", root / "data"
    shutil.copytree(paths.CURATION_DIR, curation)
    shutil.copytree(paths.ONTOLOGY_DIR, ontology, ignore=shutil.ignore_patterns("release"))
    row = list(FACTOR_ROW)
    if definition is not None:
        row[2] = definition
    # 1. one row in curation/factors.csv
    with (curation / "factors.csv").open("a", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerow(row)
    # 2. map the finding to the new factor
    table = curation / "finding-map.csv"
    with table.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    index = next(i for i, r in enumerate(rows) if r[0] == MAP_ROW[0])
    rows[index] = MAP_ROW
    with table.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    # 3. carekg build
    frameworks.build(paths.FRAMEWORKS_YAML, ontology / "modules")
    seed.build(paths.SEED_DIR, curation, ontology, data)
    return ontology, data


def check(ontology: Path, data: Path):
    """4. carekg check (without HermiT, which tests/ontology/test_check.py covers)."""
    return run_checks(data_files=sorted(data.rglob("*.ttl")), ontology_files=ontology_sources(ontology),
                      reasoner=False)


def test_worked_example_adds_the_factor_and_passes_every_check(tmp_path):
    ontology, data = replay(tmp_path)
    factors = Graph().parse(ontology / "modules" / "factors.ttl")
    assert str(factors.value(FACTOR, SKOS.prefLabel)) == FACTOR_ROW[1]
    assert factors.value(FACTOR, SKOS.broader) == URIRef("https://w3id.org/carekg/id/nasss/4a")
    assert factors.value(FACTOR, SKOS.closeMatch) == URIRef("https://w3id.org/carekg/id/cfir/iv-c-d")
    assert "A-FDAC-20" in str(factors.value(FACTOR, DCTERMS.source))
    findings = Graph().parse(data / "findings" / "evidence-more-innovations.ttl")
    finding = URIRef("https://w3id.org/carekg/id/finding/a-fdac-20")
    assert findings.value(finding, URIRef(CKG + "aboutFactor")) == FACTOR
    report = check(ontology, data)
    assert report.ok, report.render()


def test_worked_example_with_an_empty_definition_is_reported(tmp_path):
    ontology, data = replay(tmp_path, definition="")
    report = check(ontology, data)
    assert not report.ok
    about = [v for v in report.violations if v.node == str(FACTOR)]
    assert about, report.render()
    assert {v.path for v in about} == {str(SKOS.definition)}, report.render()
    assert any(v.check == "shacl data" and "definition column of curation/factors.csv" in v.message
               and v.file.endswith("factors.ttl") for v in about), report.render()
    rendered = report.render()
    assert "A factor needs exactly one English definition" in rendered
