"""`carekg build` reproduces the committed ontology modules, namespace module and data exactly, so
every triple in data/ traces back to the seed material and the curation tables."""

import shutil
from pathlib import Path

import pytest

from carekg import paths
from carekg.build import crosswalk, frameworks, namespaces, seed

pytestmark = pytest.mark.skipif(not paths.SEED_DIR.exists(), reason=f"seed material not found at {paths.SEED_DIR}")


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
    written = seed.build(paths.SEED_DIR, paths.CURATION_DIR, tmp_path, tmp_path / "data")
    # factors and crosswalk modules; innovations, organisations, sources, strategies and 3 finding files
    assert {p.name for p in written} >= {"factors.ttl", "crosswalk.ttl", "strategies.ttl"}
    assert len(written) == 9
    for path in written:
        committed = paths.ONTOLOGY_DIR / path.relative_to(tmp_path) if path.parent.name == "modules" \
            else paths.DATA_DIR / path.relative_to(tmp_path / "data")
        assert path.read_text() == committed.read_text(), f"{committed} is stale: run `carekg build`"


def test_a_finding_mapped_to_an_unknown_factor_is_refused(tmp_path):
    curation = tmp_path / "curation"
    shutil.copytree(paths.CURATION_DIR, curation)
    table = curation / "finding-map.csv"
    lines = table.read_text().splitlines()
    lines[1] = lines[1].replace(lines[1].split(",")[1], "no-such-factor", 1)
    table.write_text("\n".join(lines) + "\n")
    (tmp_path / "modules").mkdir()
    with pytest.raises(seed.CurationError, match="no-such-factor"):
        seed.build(paths.SEED_DIR, curation, tmp_path, tmp_path / "data")


def test_build_is_reproducible(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    for root in (first, second):
        (root / "modules").mkdir(parents=True)
        frameworks.build(paths.FRAMEWORKS_YAML, root / "modules")
        seed.build(paths.SEED_DIR, paths.CURATION_DIR, root, root / "data")
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
    with pytest.raises(seed.CurationError, match="fill in comment"):
        seed.build(paths.SEED_DIR, curation, tmp_path, tmp_path / "data")


def test_a_suggestion_outside_the_factors_crosswalk_is_refused(tmp_path):
    curation = _copy_curation(tmp_path)
    table = curation / "barrier-strategies.csv"
    text = table.read_text()
    table.write_text(text.replace("funding-availability-and-continuity,ERIC-01,III.J.1,",
                                  "funding-availability-and-continuity,ERIC-01,V.H,", 1))
    with pytest.raises(seed.CurationError, match="not in the factor's CFIR crosswalk"):
        seed.build(paths.SEED_DIR, curation, tmp_path, tmp_path / "data")


def test_a_curator_cannot_give_an_endorsement_figure(tmp_path):
    curation = _copy_curation(tmp_path)
    table = curation / "barrier-strategies.csv"
    text = table.read_text()
    table.write_text(text.replace("funding-availability-and-continuity,ERIC-01,III.J.1,curator-judgement,,,",
                                  "funding-availability-and-continuity,ERIC-01,III.J.1,curator-judgement,1,55,", 1))
    with pytest.raises(seed.CurationError, match="no expert endorsement"):
        seed.build(paths.SEED_DIR, curation, tmp_path, tmp_path / "data")


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
