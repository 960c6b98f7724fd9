"""The short codes of vocabulary values (``ckg:SourceStudyClaim`` -> ``source-study``) and the
code lists that filters accept."""

from __future__ import annotations

import re

from rdflib import URIRef
from rdflib.namespace import SKOS

from carekg.namespaces import CKG

_CODE_SUFFIXES = ("Claim", "Design", "Role", "Window", "Confidence", "Concerns")
_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


def code(iri: str) -> str:
    """The short code of a vocabulary value: ``ckg:SourceStudyClaim`` -> ``source-study``,
    ``ckg:MixedMethodsEvaluationDesign`` -> ``mixed-methods-evaluation``, ``ckg:NHSTrust`` -> ``nhs-trust``.
    """
    name = iri.rsplit("#", 1)[-1]
    for suffix in _CODE_SUFFIXES:
        if name.endswith(suffix) and name != suffix:
            name = name[: -len(suffix)]
            break
    return _CAMEL_BOUNDARY.sub("-", name).lower()


def _codes(*terms: URIRef) -> dict[str, str]:
    return {code(term): str(term) for term in terms}


DIRECTIONS = _codes(CKG.Enabler, CKG.Barrier, CKG.Mixed)
PROVENANCE_KINDS = _codes(CKG.ReviewAbstractClaim, CKG.ReviewPageClaim, CKG.SourceStudyClaim,
                          CKG.CuratorInferenceClaim)
DESIGNS = _codes(
    CKG.SystematicReviewDesign, CKG.RapidReviewDesign, CKG.ProgrammeSynthesisDesign,
    CKG.MixedMethodsEvaluationDesign, CKG.ProcessEvaluationDesign, CKG.QualitativeStudyDesign,
    CKG.FeasibilityTrialDesign, CKG.QuasiExperimentalEvaluationDesign, CKG.CostStudyDesign,
    CKG.DescriptiveAccountDesign, CKG.PolicyOrOfficialDocumentDesign, CKG.PracticeAccountDesign,
    CKG.PressReleaseDesign, CKG.CommentaryDesign, CKG.UnknownDesign,
)
SOURCE_KINDS = ("study", "source")
SOURCE_TYPES = _codes(CKG.EvaluationReport, CKG.SystematicReviewReport, CKG.PeerReviewedPaper, CKG.Report,
                      CKG.SummaryPage, CKG.NewsOrGreyLiterature)
#: A source's inclusion in the founding review, by the code the API answers and filters on (the curation
#: codes, not the terms' names: ``confirmed`` for ckg:ConfirmedIncluded).
INCLUSION_STATUSES = {"confirmed": str(CKG.ConfirmedIncluded), "probable": str(CKG.ProbablyIncluded),
                      "possible": str(CKG.PossiblyIncluded), "cited-only": str(CKG.CitedOnly),
                      "not-known": str(CKG.NotKnownIncluded)}
#: The inclusion filter's extra value for sources with no status: by the data shapes, only the founding
#: review itself, for which being included in itself means nothing.
NO_INCLUSION_STATUS = "none"
_CONCEPT_LEVELS = _codes(CKG.NasssDomain, CKG.NasssSubdomain, CKG.CfirDomain, CKG.CfirConstruct,
                         CKG.CfirSubconstruct)
CONCEPT_LEVELS_BY_IRI = {iri: name for name, iri in _CONCEPT_LEVELS.items()}
MATCHES = {str(SKOS.broader): "broader", str(SKOS.closeMatch): "close", str(SKOS.relatedMatch): "related"}


def code_or_none(iri: str | None) -> str | None:
    return None if iri is None else code(iri)
