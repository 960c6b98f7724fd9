"""The carekg use cases: plain answers to the questions that the API, the pages and the CLI ask.

Every public function takes a :class:`~carekg.store.GraphStore` and returns dataclasses of plain
Python values (no rdflib or pyoxigraph types), or serialised bytes. The SPARQL behind them lives in
``queries/api_*.rq`` and receives values as bindings. Answers are cached per dataset version
(``answer_cache``), so a reload of the store invalidates them and nothing else has to. An unknown id
raises :class:`NotFound`; a filter value outside its vocabulary raises :class:`InvalidArgument`.
Nothing here knows of HTTP.

One module per resource or concern; this package re-exports what callers use:

- ``innovations``: the innovation list, an innovation's page and its profile by NASSS domain;
  ``cfir_profile``: the same profile by CFIR 2.0 domain and construct
- ``factors``: the factor list and a factor's page
- ``findings``: every finding as a collection, filtered, sorted and paged in the store
- ``sources``: studies and other sources
- ``organisations``: organisations and their roles
- ``consensus``: the consensus and confidence rules, their results and the review's claims beside them
- ``frameworks``: the NASSS and CFIR 2.0 trees
- ``gaps``, ``compare``, ``gap_map``: evidence gaps, side-by-side profiles, the gap map's data
- ``briefing``: one innovation for a commissioner (strongest factors, strategies, gaps, sources)
- ``strategies``: the ERIC strategies suggested for a barrier factor, with their basis
- ``overview``, ``ontology``, ``describe``: counts, the ontology document, any resource as RDF or a table
- ``void``: the VoID description; ``exports``: CSV and whole-dataset RDF
- shared parts: ``vocabulary`` (codes), ``errors``, ``answer_cache``, ``rows`` (query rows to values),
  ``refs`` (references and the whole-table lookups), ``evidence`` (findings and roles), ``rdf``
"""

from carekg.services.briefing import UNCOUNTED_REASONS, Briefing, BriefingFactor, BriefingSource, briefing
from carekg.services.briefing_context import briefing_jsonld_context
from carekg.services.cfir_profile import (
                                         FRAMEWORKS,
                                         CfirDomainProfile,
                                         CfirFactorEvidence,
                                         CfirProfile,
                                         innovation_cfir_profile,
)
from carekg.services.compare import (
                                         MAX_COMPARED,
                                         Comparison,
                                         ComparisonCell,
                                         ComparisonRow,
                                         UniqueFactors,
                                         compare,
)
from carekg.services.consensus import Consensus, ConsensusFinding, ConsensusRule, consensus, consensus_rdf
from carekg.services.describe import ResourceDescription, Statement, describe, require_resource, resource
from carekg.services.errors import InvalidArgument, NotFound
from carekg.services.evidence import Evidence, Involvement
from carekg.services.exports import CSV_COLUMNS, export_dataset, findings_csv
from carekg.services.factors import (
                                         FINDINGS_PER_INNOVATION,
                                         INNOVATIONS_LIMIT,
                                         INNOVATIONS_WITH_FINDINGS,
                                         MAX_FINDINGS_PER_INNOVATION,
                                         MAX_INNOVATIONS_LIMIT,
                                         MAX_INNOVATIONS_WITH_FINDINGS,
                                         ConceptMatch,
                                         FactorDetail,
                                         FactorForInnovation,
                                         FactorSummary,
                                         factor,
                                         list_factors,
)
from carekg.services.findings import (
                                         REVIEW_WINDOWS,
                                         SORT_LIMIT,
                                         SORTS,
                                         FilterChoices,
                                         FindingFilters,
                                         FindingsPage,
                                         ListedFinding,
                                         filter_choices,
                                         find_findings,
                                         findings_page_csv,
                                         findings_page_rdf,
)
from carekg.services.frameworks import ConceptNode, MappedFactor, Taxonomy, taxonomy
from carekg.services.gaps import InnovationGaps, SubdomainGap, gaps, gaps_page, innovation_gaps
from carekg.services.innovations import (
                                         FINDINGS_PER_FACTOR,
                                         MAX_FINDINGS_PER_FACTOR,
                                         MAX_SOURCES_LISTED,
                                         SOURCES_LISTED,
                                         DomainProfile,
                                         FactorEvidence,
                                         InnovationDetail,
                                         InnovationProfile,
                                         InnovationSummary,
                                         SubdomainProfile,
                                         innovation,
                                         innovation_profile,
                                         innovations_page,
                                         list_innovations,
                                         most_evidenced_innovations,
)
from carekg.services.ontology import OntologyDocument, Term, ontology, ontology_rdf
from carekg.services.organisations import (
                                         OrganisationDetail,
                                         OrganisationSummary,
                                         RolesForInnovation,
                                         list_organisations,
                                         most_involved_organisations,
                                         organisation,
                                         organisations_page,
)
from carekg.services.overview import Overview, overview
from carekg.services.rdf import RDF_FORMATS, jsonld_context
from carekg.services.refs import Concept, Counts, Ref, SourceRef, resource_iri
from carekg.services.sources import (
                                         DEVELOPER_AUTHORED,
                                         SourceDetail,
                                         SourceSummary,
                                         list_studies,
                                         studies_page,
                                         study,
)
from carekg.services.vocabulary import (
                                         DESIGNS,
                                         DIRECTIONS,
                                         INCLUSION_STATUSES,
                                         NO_INCLUSION_STATUS,
                                         PROVENANCE_KINDS,
                                         SOURCE_KINDS,
                                         SOURCE_TYPES,
                                         code,
)
from carekg.services.void import void_description

__all__ = [
    "FINDINGS_PER_FACTOR", "MAX_FINDINGS_PER_FACTOR", "FINDINGS_PER_INNOVATION", "INNOVATIONS_LIMIT",
    "INNOVATIONS_WITH_FINDINGS", "MAX_INNOVATIONS_LIMIT",
    "MAX_FINDINGS_PER_INNOVATION", "MAX_INNOVATIONS_WITH_FINDINGS", "MAX_SOURCES_LISTED", "SOURCES_LISTED",
    "DEVELOPER_AUTHORED", "INCLUSION_STATUSES", "NO_INCLUSION_STATUS", "SOURCE_TYPES",
    "CfirDomainProfile", "CfirFactorEvidence", "CfirProfile", "FRAMEWORKS", "innovation_cfir_profile",
    "Briefing", "BriefingFactor", "BriefingSource", "UNCOUNTED_REASONS", "briefing",
    "briefing_jsonld_context",
    "MAX_COMPARED", "UniqueFactors",
    "CSV_COLUMNS", "Comparison", "ComparisonCell", "ComparisonRow", "Concept", "ConceptMatch", "ConceptNode",
    "Consensus",
    "ConsensusFinding", "ConsensusRule", "Counts", "DESIGNS", "DIRECTIONS", "DomainProfile", "Evidence",
    "FactorDetail", "FactorEvidence", "FindingFilters", "FindingsPage", "ListedFinding", "REVIEW_WINDOWS",
    "SORT_LIMIT", "SORTS", "find_findings", "FilterChoices", "filter_choices",
    "findings_page_csv", "findings_page_rdf", "FactorForInnovation",
    "FactorSummary",
    "InnovationDetail",
    "InnovationGaps", "InnovationProfile", "InnovationSummary", "InvalidArgument", "Involvement",
    "MappedFactor", "NotFound", "OntologyDocument", "OrganisationDetail", "OrganisationSummary", "Overview",
    "PROVENANCE_KINDS", "RDF_FORMATS",
    "Ref", "ResourceDescription", "RolesForInnovation", "SOURCE_KINDS", "SourceDetail",
    "SourceRef", "SourceSummary", "Statement", "SubdomainGap", "SubdomainProfile", "Taxonomy", "Term", "code",
    "compare", "consensus", "consensus_rdf", "describe", "export_dataset", "factor", "findings_csv", "gaps",
    "gaps_page", "innovation", "innovation_gaps", "innovation_profile", "jsonld_context", "list_factors",
    "innovations_page", "list_innovations", "list_organisations", "organisations_page",
    "most_evidenced_innovations", "most_involved_organisations",
    "list_studies", "ontology", "ontology_rdf", "organisation", "overview", "require_resource", "resource",
    "resource_iri", "studies_page", "study", "taxonomy", "void_description",
]
