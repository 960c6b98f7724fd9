"""`carekg check` validates with the SPARQL engine by default, reports exactly what pyshacl reports,
and hands shapes it cannot compile to pyshacl, saying why."""

import shutil
from collections import Counter
from pathlib import Path

import pytest

from carekg import paths
from carekg.check import SHACL_ENGINES, run_checks

FIXTURE = Path(__file__).parent / "fixtures" / "check-data.ttl"


def shacl_violations(report) -> Counter:
    return Counter(v for v in report.violations if v.check.startswith("shacl"))


@pytest.fixture(scope="module")
def reports():
    files = [*paths.data_files(), FIXTURE]
    return {engine: run_checks(data_files=files, reasoner=False, shacl_engine=engine)
            for engine in SHACL_ENGINES}


def test_both_engines_report_the_same_problems(reports):
    ours, theirs = shacl_violations(reports["oxigraph"]), shacl_violations(reports["pyshacl"])
    assert ours.total() == theirs.total() == 5

    # pyshacl names a blank node and an inverse path by blank-node ids of its own; the rest is identical
    def named(violations):
        return Counter({v: n for v, n in violations.items()
                        if v.node.startswith("https://") and v.path.startswith("https://")})

    assert named(ours) == named(theirs) and named(ours).total() == 2
    assert all(v.file == "tests/shacl/fixtures/check-data.ttl" for v in ours)
    inverse = next(v for v in ours if v.path.startswith("^"))
    assert inverse.path == "^https://w3id.org/carekg/def#involvement"
    assert inverse.node.endswith("/involvement/check-orphan")
    wrong = next(v for v in ours if v.node.endswith("/check-wrong-factor"))
    assert wrong.message.endswith("(value: https://w3id.org/carekg/id/innovation/casa)")


def test_shapes_the_engine_cannot_compile_go_to_pyshacl(tmp_path):
    shutil.copytree(paths.SHAPES_DIR, tmp_path / "shapes")
    sparql_shape = """
cks:ParaphraseShape a sh:NodeShape ; sh:targetClass ckg:Finding ;
    sh:sparql [ sh:message "a paraphrase must not say it has no IRI" ;
                sh:select '''SELECT $this WHERE { $this <https://w3id.org/carekg/def#paraphrase> ?p
                                                  FILTER(CONTAINS(?p, "without an IRI")) }''' ] .
"""
    with (tmp_path / "shapes" / "data.ttl").open("a", encoding="utf-8") as handle:
        handle.write(sparql_shape)
    said = []
    report = run_checks(data_files=[*paths.data_files(), FIXTURE], shapes_dir=tmp_path / "shapes",
                        reasoner=False, progress=said.append)
    assert any("shacl data: validating with pyshacl instead: sh:select, sh:sparql are not supported" in s
               for s in said), said
    assert any(v.message == "a paraphrase must not say it has no IRI" for v in report.violations)
    assert not any("shacl ontology" in s and "pyshacl" in s for s in said)


def test_an_unknown_engine_is_refused():
    with pytest.raises(ValueError, match="unknown SHACL engine"):
        run_checks(shacl_engine="jena")
