"""`carekg build` reproduces the committed ontology modules, namespace module and data exactly, so
every triple in data/ traces back to the seed material and the curation tables."""

import shutil
from pathlib import Path

import pytest

from carekg import paths
from carekg.build import frameworks, namespaces, seed

pytestmark = pytest.mark.skipif(not paths.SEED_DIR.exists(), reason=f"seed material not found at {paths.SEED_DIR}")


def test_namespaces_module_is_up_to_date():
    generated = namespaces.render(paths.ONTOLOGY_DIR / "modules")
    assert generated == (paths.ROOT / "src/carekg/namespaces.py").read_text(encoding="utf-8")


def test_framework_modules_are_up_to_date(tmp_path):
    for written in frameworks.build(paths.FRAMEWORKS_YAML, tmp_path):
        assert written.read_text() == (paths.ONTOLOGY_DIR / "modules" / written.name).read_text()


def test_data_and_factors_are_up_to_date(tmp_path):
    (tmp_path / "modules").mkdir()
    written = seed.build(paths.SEED_DIR, paths.CURATION_DIR, tmp_path, tmp_path / "data")
    assert len(written) == 7
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


def test_every_seed_finding_is_in_the_data_once(store):
    counted = store.select("""PREFIX ckg: <https://w3id.org/carekg/def#>
        SELECT (COUNT(DISTINCT ?f) AS ?findings) (COUNT(DISTINCT ?record) AS ?records) {
          GRAPH <https://w3id.org/carekg/graph/data> { ?f a ckg:Finding ; ckg:seedRecord ?record } }""")[0]
    assert int(counted["records"]) == 233  # 42 in evidence-facts + 86 + 105 in the packs
    assert int(counted["findings"]) == 233 - 31  # 31 seed findings merged into their pack duplicates
