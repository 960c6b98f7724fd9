"""`carekg check` passes on the curated data and fails, for the right reason, on each broken fixture."""

from pathlib import Path

import pytest

from carekg import paths
from carekg.check import run_checks

BROKEN = Path(__file__).parent.parent / "fixtures" / "broken"

#: fixture file -> the check that must report it, and a phrase its message must contain
EXPECTED = {
    "parse-error.ttl": ("parse", "does not parse as Turtle"),
    "shacl-data.ttl": ("shacl data", "exactly one factor"),
    "shacl-ontology.ttl": ("shacl ontology", "exactly one English label"),
    "hermit.ttl": ("hermit", "inconsistent"),
    "sparql.ttl": ("sparql undeclared-term-violation", "aboutInovation"),
    # term hygiene, deprecation, versioning and strategy honesty (issue 8)
    "missing-term-metadata.ttl": ("sparql missing-term-metadata-violation", "names no defining module"),
    "duplicate-term-label.ttl": ("sparql duplicate-term-label-violation", 'same label "innovation"'),
    "orphan-term.ttl": ("sparql orphan-term-violation", "in no concept scheme"),
    "id-policy.ttl": ("sparql id-policy-violation", "outside the ID policy"),
    "deprecation.ttl": ("sparql deprecation-violation", "which is deprecated: use its replacement"),
    "version-stamp.ttl": ("sparql version-stamp-violation", "is stamped version 9.9.9"),
    "strategy-basis.ttl": ("sparql strategy-basis-violation", "labelled expert opinion but gives no endorsement"),
    "unsourced-addition.ttl": ("sparql unsourced-addition-violation", "without saying where it comes from"),
    # the data-quality checks that had no fixture (issue 13)
    "dangling-reference.ttl": ("sparql dangling-reference-violation", "turney-2018-casa-supervison-study, which is not"),
    "developer-basis.ttl": ("sparql developer-basis-violation", "add ckg:developerAuthoredBasis"),
    "duplicate-finding.ttl": ("sparql duplicate-finding-violation", "duplicates https://w3id.org/carekg/id/finding/f21"),
    "duplicate-label.ttl": ("sparql duplicate-label-violation", 'same label "adoption uk"'),
    "inferred-in-asserted.ttl": ("sparql inferred-in-asserted-violation", "asserts what carekg infers"),
    "misattributed-claim.ttl": ("sparql misattributed-claim-violation", "marked as a source-study claim"),
    # inclusion in the founding review: every source but the review itself (issue 12)
    "founding-review-inclusion.ttl": ("shacl data", "The founding review has no inclusion status"),
    "source-without-inclusion.ttl": ("shacl data", "A source needs an inclusion status"),
    # a factor may also sit under a grouping factor (fac:funding), but under one NASSS sub-domain (issue 12)
    "factor-placement.ttl": ("sparql factor-placement-violation", "sits under 2 NASSS sub-domains"),
}

#: other checks a fixture may trip as well, and why; any check not listed here is a wrong reason
ALSO = {
    # the misspelt kind names a node nothing describes, which is also a dangling reference
    "id-policy.ttl": {"sparql dangling-reference-violation"},
}

CHECKS = Path(__file__).parents[2] / "shapes" / "checks"


@pytest.fixture(scope="module")
def clean_report():
    return run_checks()


def test_curated_data_passes_every_check(clean_report):
    assert clean_report.ok, clean_report.render()
    assert {"parse", "shacl data", "shacl ontology", "hermit"} <= set(clean_report.checks_run)
    assert sum(c.startswith("sparql ") for c in clean_report.checks_run) >= 15


def test_every_broken_fixture_is_covered():
    assert sorted(p.name for p in BROKEN.glob("*.ttl")) == sorted(EXPECTED)


def test_every_violation_query_has_a_broken_fixture():
    queries = {f"sparql {p.stem}" for p in CHECKS.glob("*-violation.rq")}
    assert len(queries) >= 15 and queries == {f"sparql {p.stem}" for p in CHECKS.glob("*.rq")}
    covered = {check for check, _ in EXPECTED.values()}
    assert queries - covered == set(), "violation queries with no broken fixture"


@pytest.mark.parametrize("fixture", sorted(EXPECTED))
def test_broken_fixture_fails_its_check(fixture):
    check, phrase = EXPECTED[fixture]
    extra = BROKEN / fixture
    files = [*paths.data_files(), extra]
    ontology = paths.ontology_files()
    if check == "shacl ontology":
        files, ontology = paths.data_files(), [*ontology, extra]
    report = run_checks(data_files=files, ontology_files=ontology, reasoner=(check == "hermit"))
    assert not report.ok
    found = [v for v in report.violations if v.check == check]
    assert found, report.render()
    assert any(phrase in v.message or phrase in v.node for v in found), report.render()
    if check != "parse":
        allowed = {check, *ALSO.get(fixture, ())}
        assert {v.check for v in report.violations} <= allowed, report.render()


def test_report_names_file_node_and_path():
    report = run_checks(data_files=[*paths.data_files(), BROKEN / "shacl-data.ttl"], reasoner=False)
    violation = next(v for v in report.violations if v.check == "shacl data")
    assert violation.file.endswith("shacl-data.ttl")
    assert violation.node.endswith("/finding/broken-shacl")
    assert violation.path
    assert "tests/fixtures/broken/shacl-data.ttl" in report.render()
