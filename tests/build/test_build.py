"""`carekg build` reproduces the committed ontology modules, namespace module and data exactly from the
repository alone (curation/), so every triple in data/ traces back to a curation table row. Never
skipped: nothing outside the repository is read."""

import csv
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from carekg import paths
from carekg.build import crosswalk, evidence, frameworks, namespaces
from carekg.build.tables import CurationError


def test_namespaces_module_is_up_to_date():
    generated = namespaces.render(paths.ONTOLOGY_DIR / "modules")
    assert generated == (paths.ROOT / "src/carekg/namespaces.py").read_text(encoding="utf-8")


def test_framework_modules_are_up_to_date(tmp_path):
    written = frameworks.build(paths.FRAMEWORKS_YAML, tmp_path)
    assert sorted(p.name for p in written) == ["cfir.ttl", "eric.ttl", "nasss.ttl"]
    for path in written:
        assert path.read_text() == (paths.ONTOLOGY_DIR / "modules" / path.name).read_text(), \
            f"ontology/modules/{path.name} is stale: run `carekg build`"


def test_data_and_factors_are_up_to_date(tmp_path):
    (tmp_path / "modules").mkdir()
    written = evidence.build(paths.CURATION_DIR, tmp_path, tmp_path / "data")
    # factors and crosswalk modules; innovations, organisations, sources, strategies and 3 finding files
    assert {p.name for p in written} >= {"factors.ttl", "crosswalk.ttl", "strategies.ttl"}
    assert len(written) == 9
    for path in written:
        committed = paths.ONTOLOGY_DIR / path.relative_to(tmp_path) if path.parent.name == "modules" \
            else paths.DATA_DIR / path.relative_to(tmp_path / "data")
        assert path.read_text() == committed.read_text(), f"{committed} is stale: run `carekg build`"


def _edit_row(table: Path, row_id: str, **cells: str) -> int:
    """Set cells of the row whose id is ``row_id``; returns its row number as a spreadsheet shows it."""
    with table.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        fields, rows = reader.fieldnames, list(reader)
    number = next(i for i, row in enumerate(rows, start=2) if row["id"] == row_id)
    rows[number - 2].update(cells)
    with table.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return number


FINDING, SOURCE = ("findings.csv", "a-mfm-01"), ("sources.csv", "fostering-network-2015-mockingbird-award")


@pytest.mark.parametrize(("row", "column", "value", "message"), [
    (FINDING, "factor", "no-such-factor", "'no-such-factor' is not the id of a factor in factors.csv"),
    (FINDING, "source", "no-such-source", "'no-such-source' is not the id of a source in sources.csv"),
    (FINDING, "direction", "helps", "'helps' is not one of: enabler, barrier, mixed"),
    (FINDING, "paraphrase", "", "is empty: say in your own words what the source states"),
    (FINDING, "provenance", "R-abs", "R-abs and R-web are for findings of the founding review"),
    (FINDING, "read_via", "a-mfm-01", "'a-mfm-01' is not the id of a source in sources.csv"),
    (SOURCE, "summarises", "no-such-study", "'no-such-study' is not the id of a study in sources.csv"),
    (SOURCE, "developer_basis", "", "is empty: say why the source is (or is not) developer-authored"),
    (SOURCE, "year", "c.2020", "'c.2020' is not a four-digit year"),
    (SOURCE, "source_type", "blog", "'blog' is not one of: evaluation, systematic-review"),
    (SOURCE, "inclusion_status", "", "'' is not one of: confirmed"),
])
def test_a_bad_row_is_refused_naming_file_row_and_column_and_nothing_is_written(tmp_path, row, column, value,
                                                                                 message):
    (table, row_id), curation = row, _copy_curation(tmp_path)
    number = _edit_row(curation / table, row_id, **{column: value})
    with pytest.raises(CurationError) as refused:
        evidence.build(curation, tmp_path, tmp_path / "data")
    assert f"curation/{table} row {number}, column {column}: {message}" in str(refused.value)
    assert not (tmp_path / "data").exists(), "nothing is written"
    assert not list((tmp_path / "modules").iterdir()), "nothing is written"


def test_the_founding_review_has_no_inclusion_status(tmp_path):
    curation = _copy_curation(tmp_path)
    number = _edit_row(curation / "sources.csv", "mann-2023-rapid-review",
                       inclusion_status="not-known-included")
    refusal = f"sources.csv row {number}, column inclusion_status: must be empty"
    with pytest.raises(CurationError, match=refusal):
        evidence.build(curation, tmp_path, tmp_path / "data")


def test_a_new_finding_without_a_locator_is_refused_but_an_imported_one_without_is_kept(tmp_path):
    curation = _copy_curation(tmp_path)
    number = _edit_row(curation / "findings.csv", "a-mfm-01", locator="", seed_records="")
    with pytest.raises(CurationError, match=f"findings.csv row {number}, column locator: is empty"):
        evidence.build(curation, tmp_path, tmp_path / "data")
    curation = _copy_curation(tmp_path / "again")
    _edit_row(curation / "findings.csv", "a-mfm-01", locator="")
    evidence.build(curation, tmp_path / "again", tmp_path / "again" / "data")


def test_the_cli_refuses_a_bad_table_with_a_non_zero_exit_and_changes_nothing(tmp_path):
    root = tmp_path / "repo"
    for folder in ("curation", "ontology", "data"):
        shutil.copytree(paths.ROOT / folder, root / folder, ignore=shutil.ignore_patterns("release"))
    before = {p: p.read_bytes() for p in (root / "data").rglob("*.ttl")}
    _edit_row(root / "curation" / "findings.csv", "a-mfm-01", direction="helps")
    done = subprocess.run([sys.executable, "-m", "carekg.cli", "build"], capture_output=True, text=True,
                          check=False, env={**os.environ, "CAREKG_ROOT": str(root)}, timeout=120)
    assert done.returncode != 0
    assert "curation/findings.csv row" in done.stderr and "column direction" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr
    assert {p: p.read_bytes() for p in (root / "data").rglob("*.ttl")} == before


def test_build_is_reproducible(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    for root in (first, second):
        (root / "modules").mkdir(parents=True)
        frameworks.build(paths.FRAMEWORKS_YAML, root / "modules")
        evidence.build(paths.CURATION_DIR, root, root / "data")
    for path in sorted(first.rglob("*.ttl")):
        assert path.read_bytes() == (second / path.relative_to(first)).read_bytes(), path.name


def _copy_curation(tmp_path):
    curation = tmp_path / "curation"
    shutil.copytree(paths.CURATION_DIR, curation)
    (tmp_path / "modules").mkdir()
    return curation


def test_a_mapping_without_justification_is_refused(tmp_path):
    curation = _copy_curation(tmp_path)
    table = curation / "mappings" / "nasss-cfir.sssom.tsv"
    lines = table.read_text().splitlines()
    row = next(i for i, line in enumerate(lines) if line.startswith("nasss:5b\t"))
    lines[row] = "\t".join(lines[row].split("\t")[:-1] + [""])
    table.write_text("\n".join(lines) + "\n")
    with pytest.raises(CurationError, match="fill in comment"):
        evidence.build(curation, tmp_path, tmp_path / "data")


def test_a_suggestion_outside_the_factors_crosswalk_is_refused(tmp_path):
    curation = _copy_curation(tmp_path)
    table = curation / "barrier-strategies.csv"
    text = table.read_text()
    table.write_text(text.replace("funding-availability-and-continuity,ERIC-01,III.J.1,",
                                  "funding-availability-and-continuity,ERIC-01,V.H,", 1))
    with pytest.raises(CurationError, match="not in the factor's CFIR crosswalk"):
        evidence.build(curation, tmp_path, tmp_path / "data")


def test_a_curator_cannot_give_an_endorsement_figure(tmp_path):
    curation = _copy_curation(tmp_path)
    table = curation / "barrier-strategies.csv"
    text = table.read_text()
    table.write_text(text.replace("funding-availability-and-continuity,ERIC-01,III.J.1,curator-judgement,,,",
                                  "funding-availability-and-continuity,ERIC-01,III.J.1,curator-judgement,1,55,",
                                  1))
    with pytest.raises(CurationError, match="no expert endorsement"):
        evidence.build(curation, tmp_path, tmp_path / "data")


def test_sssom_table_reads_as_sssom(tmp_path):
    mappings = crosswalk.read(paths.CURATION_DIR / "mappings" / "nasss-cfir.sssom.tsv")
    crosswalk.validate(mappings)
    assert mappings.metadata["curie_map"]["nasss"] == "https://w3id.org/carekg/id/nasss/"
    assert mappings.metadata["curie_map"]["cfir"] == "https://w3id.org/carekg/id/cfir/"


def test_every_seed_finding_is_in_the_data_once(store):
    counted = store.select("""PREFIX ckg: <https://w3id.org/carekg/def#>
        SELECT (COUNT(DISTINCT ?f) AS ?findings) (COUNT(DISTINCT ?record) AS ?records) {
          GRAPH <https://w3id.org/carekg/graph/data> { ?f a ckg:Finding ; ckg:seedRecord ?record } }""")[0]
    assert int(counted["records"]) == 233  # 42 in evidence-facts + 86 + 105 in the packs
    assert int(counted["findings"]) == 233 - 31  # 31 seed findings merged into their pack duplicates
