"""Synthetic evidence graphs for benchmarks: the real ontology and factors, with innovations,
sources, organisations and findings in the proportions and skew of real evidence (a few innovations
with many findings, many with few). Deterministic for a seed; written as N-Triples, streamed."""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

from rdflib import RDF, RDFS, Graph
from rdflib.namespace import DCTERMS, XSD

from carekg import paths
from carekg.ids import FINDING, INNOVATION, INVOLVEMENT, ORGANISATION, STUDY
from carekg.namespaces import CKG

RDF_TYPE = f"<{RDF.type}>"
RDFS_LABEL = f"<{RDFS.label}>"
DESCRIPTION = f"<{DCTERMS.description}>"
XSD_INTEGER = f"<{XSD.integer}>"
XSD_BOOLEAN = f"<{XSD.boolean}>"
ANY_URI = f"<{XSD.anyURI}>"

#: Triples written per finding, and the share of the graph findings account for.
TRIPLES_PER_FINDING = 9
FINDINGS_PER_SOURCE = 5
FINDINGS_PER_INNOVATION = 200

DIRECTIONS = [(CKG.Enabler, 0.6), (CKG.Barrier, 0.33), (CKG.Mixed, 0.07)]
SOURCE_TYPES = [CKG.EvaluationReport, CKG.PeerReviewedPaper, CKG.SummaryPage, CKG.NewsOrGreyLiterature,
                CKG.Report]
DESIGNS = [CKG.MixedMethodsEvaluationDesign, CKG.QualitativeStudyDesign, CKG.ProcessEvaluationDesign,
           CKG.PracticeAccountDesign, CKG.QuasiExperimentalEvaluationDesign]
KINDS = [CKG.PracticeFramework, CKG.FosteringModel, CKG.CourtModel, CKG.ParentingIntervention,
         CKG.ServiceModel]
ROLES = [CKG.DeveloperRole, CKG.ImplementerRole, CKG.FunderRole, CKG.EvaluatorRole]
ORG_TYPES = [CKG.LocalAuthority, CKG.Charity, CKG.ResearchCentre, CKG.GovernmentBody, CKG.NHSTrust]


def _iri(term) -> str:
    return f"<{term}>"


def _en(text: str) -> str:
    return f'"{text}"@en'


def factor_iris() -> list[str]:
    graph = Graph().parse(paths.ONTOLOGY_DIR / "modules" / "factors.ttl", format="turtle")
    return sorted(str(s) for s in graph.subjects(RDF.type, CKG.ImplementationFactor))


def plan(triples: int) -> dict[str, int]:
    """How many of each resource make a graph of about ``triples`` triples."""
    # per finding: 9 triples, plus a fifth of a source (8.4) and a 200th of an innovation with its
    # involvements and organisations (about 22)
    per_finding = TRIPLES_PER_FINDING + 8.4 / FINDINGS_PER_SOURCE + 22 / FINDINGS_PER_INNOVATION
    findings = max(20, int(triples / per_finding))
    innovations = max(5, findings // FINDINGS_PER_INNOVATION)
    return {"findings": findings, "sources": max(4, findings // FINDINGS_PER_SOURCE),
            "innovations": innovations, "organisations": max(5, innovations * 2)}


def generate(triples: int, out: Path, seed: int = 42,
             progress: Callable[[int, int], None] = lambda d, t: None) -> int:
    """Write a synthetic graph of about ``triples`` triples to ``out``; returns the triples written."""
    rng = random.Random(seed)
    counts = plan(triples)
    factors = factor_iris()
    written = 0
    with out.open("w", encoding="utf-8") as handle:
        def emit(s: str, p: str, o: str) -> None:
            nonlocal written
            handle.write(f"{s} {p} {o} .\n")
            written += 1

        for i in range(counts["organisations"]):
            org = _iri(ORGANISATION[f"syn-org-{i:06d}"])
            emit(org, RDF_TYPE, _iri(CKG.Organisation))
            emit(org, RDFS_LABEL, _en(f"Synthetic organisation {i}"))
            emit(org, _iri(CKG.organisationType), _iri(rng.choice(ORG_TYPES)))
        for i in range(counts["innovations"]):
            innovation = _iri(INNOVATION[f"syn-innovation-{i:06d}"])
            emit(innovation, RDF_TYPE, _iri(CKG.Innovation))
            emit(innovation, RDFS_LABEL, _en(f"Synthetic innovation {i}"))
            emit(innovation, _iri(CKG.innovationKind), _iri(rng.choice(KINDS)))
            emit(innovation, DESCRIPTION, _en(f"A synthetic innovation for benchmarks, number {i}."))
            for role in rng.sample(ROLES, 2):
                org_id = rng.randrange(counts["organisations"])
                involvement = _iri(INVOLVEMENT[f"syn-{i:06d}-{org_id:06d}-{role.split('#')[1].lower()}"])
                emit(innovation, _iri(CKG.involvement), involvement)
                emit(involvement, RDF_TYPE, _iri(CKG.Involvement))
                emit(involvement, _iri(CKG.organisation), _iri(ORGANISATION[f"syn-org-{org_id:06d}"]))
                emit(involvement, _iri(CKG.role), _iri(role))
                emit(involvement, _iri(CKG.basis), _en("synthetic"))
                emit(involvement, _iri(CKG.claimKind), _iri(CKG.CuratorInferenceClaim))
        for i in range(counts["sources"]):
            source = _iri(STUDY[f"syn-study-{i:07d}"])
            emit(source, RDF_TYPE, _iri(CKG.PrimaryStudy))
            emit(source, _iri(CKG.citation), f'"Synthetic study {i} ({2010 + i % 15})."')
            emit(source, _iri(CKG.sourceType), _iri(rng.choice(SOURCE_TYPES)))
            emit(source, _iri(CKG.designCategory), _iri(rng.choice(DESIGNS)))
            emit(source, _iri(CKG.inclusionStatus), _iri(CKG.NotKnownIncluded))
            emit(source, _iri(CKG.relativeToReviewSearch), _iri(CKG.BeforeReviewSearch))
            emit(source, _iri(CKG.publicationYear), f'"{2010 + i % 12}"^^{XSD_INTEGER}')
            emit(source, _iri(CKG.url), f'"https://example.org/study/{i}"^^{ANY_URI}')
            if rng.random() < 0.2:
                emit(source, _iri(CKG.developerAuthored), f'"true"^^{XSD_BOOLEAN}')
                emit(source, _iri(CKG.developerAuthoredBasis), _en("synthetic"))
        directions, weights = zip(*DIRECTIONS, strict=True)
        for i in range(counts["findings"]):
            finding = _iri(FINDING[f"syn-finding-{i:08d}"])
            # Skewed like real evidence: innovation 0 gets the most findings, the tail very few.
            picked = int(counts["innovations"] * rng.random() ** 3)
            emit(finding, RDF_TYPE, _iri(CKG.Finding))
            emit(finding, _iri(CKG.aboutInnovation), _iri(INNOVATION[f"syn-innovation-{picked:06d}"]))
            emit(finding, _iri(CKG.aboutFactor), f"<{rng.choice(factors)}>")
            emit(finding, _iri(CKG.direction), _iri(rng.choices(directions, weights)[0]))
            study = STUDY[f"syn-study-{rng.randrange(counts['sources']):07d}"]
            emit(finding, _iri(CKG.reportedIn), _iri(study))
            emit(finding, _iri(CKG.provenanceKind), _iri(CKG.SourceStudyClaim))
            emit(finding, _iri(CKG.paraphrase), _en(f"Synthetic finding {i} for benchmarking."))
            emit(finding, _iri(CKG.locator), f'"section {i % 9 + 1}"')
            emit(finding, _iri(CKG.factorAsReported), _en(f"synthetic factor wording {i % 97}"))
            if i % 50_000 == 0:
                progress(i, counts["findings"])
    progress(counts["findings"], counts["findings"])
    return written
