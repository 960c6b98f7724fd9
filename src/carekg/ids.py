"""The ID policy in code: IRIs of instance data, named graphs and their prefixes.

Vocabulary terms are hash IRIs under ``https://w3id.org/carekg/def#`` (see namespaces.py);
instance data are slash IRIs ``{INSTANCE_BASE}id/{kind}/{slug}`` that the server answers with 303 See
Other to a describing document. Slugs are lowercase kebab-case.

``INSTANCE_BASE`` is ``CAREKG_BASE_IRI`` (by default ``https://w3id.org/carekg/``), read here once:
the build, the synthetic generator, the services and the server all mint and look up instance IRIs
from it, so data built under another base is served under that base. The vocabulary, the ontology
document and the named graphs stay under ``BASE``: they are published there, whatever the deployment.
"""

from __future__ import annotations

import hashlib
import os
import re

from rdflib import Namespace, URIRef

from carekg.namespaces import CKG

BASE = "https://w3id.org/carekg/"


INSTANCE_BASE = os.environ.get("CAREKG_BASE_IRI") or BASE


def check_instance_base() -> None:
    """ValueError naming the problem unless CAREKG_BASE_IRI is an absolute http(s) IRI ending with '/'.
    The entry points (the CLI, the service's Settings) call it before anything is minted."""
    if not re.match(r"^https?://[^\s<>\"{}|\\^`]+/$", INSTANCE_BASE):
        raise ValueError("CAREKG_BASE_IRI must be an absolute http(s) IRI ending with '/': "
                         f"{INSTANCE_BASE!r}")
ID_BASE = INSTANCE_BASE + "id/"
GRAPH_BASE = BASE + "graph/"
#: The vocabulary's namespace (its terms are in namespaces.CKG) and the ontology document.
VOCAB = BASE + "def#"
VOCAB_DOCUMENT = BASE + "def"
#: A finding's direction (ckg:direction) -> its code, as the curators' tables and the counts spell it: one
#: map for the build, the rules' counts and the writes' deltas.
DIRECTION_CODES = {str(CKG.Enabler): "enabler", str(CKG.Barrier): "barrier", str(CKG.Mixed): "mixed"}

SLUG_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
_SLUG = re.compile(SLUG_PATTERN)

#: Kinds of instance IRI, each a path segment after ``id/``.
KINDS = (
    "innovation",
    "study",
    "source",
    "organisation",
    "involvement",
    "factor",
    "finding",
    "nasss",
    "cfir",
    "scheme",
    "consensus",
    "rule",
    "eric",
    "suggestion",
    "cell",  # an innovation in one column of the evidence gap map (inferred, carekg.rules)
    "tally",  # the evidence one innovation has on one factor, counted (inferred, carekg.tallies)
    # minted by accepted writes (carekg.writes), recorded with PROV in graph/provenance/{submission}:
    "agent",  # who wrote: the name a write token is configured with
    "write",  # one write: {submission}-{n}, the n-th write of that submission
    "dataset",  # a dataset version a write started from
)

INNOVATION = Namespace(ID_BASE + "innovation/")
STUDY = Namespace(ID_BASE + "study/")
SOURCE = Namespace(ID_BASE + "source/")
ORGANISATION = Namespace(ID_BASE + "organisation/")
INVOLVEMENT = Namespace(ID_BASE + "involvement/")
FACTOR = Namespace(ID_BASE + "factor/")
FINDING = Namespace(ID_BASE + "finding/")
NASSS = Namespace(ID_BASE + "nasss/")
CFIR = Namespace(ID_BASE + "cfir/")
SCHEME = Namespace(ID_BASE + "scheme/")
CONSENSUS = Namespace(ID_BASE + "consensus/")
RULE = Namespace(ID_BASE + "rule/")
ERIC = Namespace(ID_BASE + "eric/")
SUGGESTION = Namespace(ID_BASE + "suggestion/")
AGENT = Namespace(ID_BASE + "agent/")
WRITE = Namespace(ID_BASE + "write/")
DATASET = Namespace(ID_BASE + "dataset/")

#: schema.org, whose terms the briefing's JSON-LD context uses (services/briefing_context.py).
SCHEMA_ORG = "https://schema.org/"

GRAPH_DATA = URIRef(GRAPH_BASE + "data")
GRAPH_ONTOLOGY = URIRef(GRAPH_BASE + "ontology")
GRAPH_INFERRED = URIRef(GRAPH_BASE + "inferred")
GRAPH_META = URIRef(GRAPH_BASE + "meta")
#: The agents of accepted writes, each described once (carekg.writes): a per-submission provenance graph
#: names its agent, and one agent's description in several graphs would be a statement twice in the union.
GRAPH_AGENTS = URIRef(GRAPH_BASE + "agents")
GRAPHS = (GRAPH_DATA, GRAPH_ONTOLOGY, GRAPH_INFERRED)


def source_kind_count(kind: str) -> URIRef:
    """What the meta graph records how many sources of ``kind`` (study, source, other) there are
    about (carekg.statistics)."""
    return URIRef(f"{GRAPH_META}#sources-{kind}")


def independent_findings_count(direction: str | None = None) -> URIRef:
    """What the meta graph records how many findings from an independent study there are under: of the
    direction whose IRI is ``direction``, or in all (carekg.statistics)."""
    named = f"-{DIRECTION_CODES[direction]}" if direction else ""
    return URIRef(f"{GRAPH_META}#independent-findings{named}")


#: The start of what the meta graph records how many innovations an organisation is involved in under:
#: the organisation's IRI follows it (carekg.statistics).
ORGANISATION_INNOVATIONS_COUNT = f"{GRAPH_META}#innovations-of-"


def organisation_innovations_count(organisation: str) -> URIRef:
    """What the meta graph records how many innovations ``organisation`` is involved in under."""
    return URIRef(ORGANISATION_INNOVATIONS_COUNT + organisation)


def module_iri(name: str) -> URIRef:
    """The IRI of the ontology module ``name`` (``core``, ``nasss``, ``crosswalk``...)."""
    return URIRef(f"{VOCAB_DOCUMENT}/{name}")


def is_slug(text: str) -> bool:
    """True when ``text`` follows the slug policy."""
    return bool(_SLUG.match(text)) and len(text) <= 120


def slugify(text: str) -> str:
    """Turn a code such as ``III.J.1`` or ``5A`` into a policy slug (``iii-j-1``, ``5a``)."""
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    if not is_slug(slug):
        raise ValueError(f"cannot make a slug from {text!r}")
    return slug


def mint(kind: str, slug: str) -> URIRef:
    """The IRI of an instance of ``kind`` named ``slug``; refuses anything outside the policy."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; expected one of {', '.join(KINDS)}")
    if not is_slug(slug):
        raise ValueError(f"{slug!r} is not a valid id: use lowercase letters, digits and single hyphens")
    return URIRef(f"{ID_BASE}{kind}/{slug}")


def gap_map_cell(innovation: str, column: str) -> URIRef:
    """The IRI of the gap map cell of ``innovation`` in ``column`` (a NASSS or CFIR concept), both IRIs:
    ``cell/{framework}-{column}-{innovation}``, as ``cell/nasss-2a-signs-of-safety``. A framework's column
    ids hold no hyphen (``2a``, ``iii``), so no two cells share an IRI; an IRI outside carekg's ids is
    named by its digest."""

    def named(iri: str, kind: bool) -> str:
        parts = split(iri)
        if parts is None:
            return hashlib.sha256(iri.encode()).hexdigest()[:16]
        return "-".join(parts) if kind else parts[1]

    return mint("cell", f"{named(column, True)}-{named(innovation, False)}")


def innovation_factor_tally(innovation: str, factor: str) -> URIRef:
    """The IRI of the tally of ``innovation``'s findings about ``factor`` (both IRIs): ``tally/`` and a
    digest of the two, as ids must be one slug (two slugs joined by a hyphen could be read two ways, and
    could pass the slug length)."""
    return mint("tally", hashlib.sha256(f"{innovation} {factor}".encode()).hexdigest()[:24])


def innovation_factor_uncounted(innovation: str, factor: str) -> URIRef:
    """The IRI of the tally of why some of ``innovation``'s findings about ``factor`` are not counted by
    the consensus rule (carekg.uncounted): a ``tally/`` digest of its own, never an innovation factor
    tally's."""
    return mint("tally", hashlib.sha256(f"uncounted {innovation} {factor}".encode()).hexdigest()[:24])


def split(iri: str) -> tuple[str, str] | None:
    """``(kind, slug)`` for an instance IRI of carekg, or None for any other IRI."""
    if not iri.startswith(ID_BASE):
        return None
    kind, _, slug = iri[len(ID_BASE):].partition("/")
    if kind in KINDS and is_slug(slug):
        return kind, slug
    return None


PREFIXES: dict[str, str] = {
    "ckg": VOCAB,
    "inn": str(INNOVATION),
    "study": str(STUDY),
    "src": str(SOURCE),
    "orgn": str(ORGANISATION),
    "inv": str(INVOLVEMENT),
    "fac": str(FACTOR),
    "fnd": str(FINDING),
    "nasss": str(NASSS),
    "cfir": str(CFIR),
    "scheme": str(SCHEME),
    "eric": str(ERIC),
    "sugg": str(SUGGESTION),
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
}


def sparql_prefixes() -> str:
    """PREFIX lines for every prefix above, for queries typed by people."""
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())


def slug_of(iri: str) -> str:
    """The id of a carekg instance IRI (its slug); any other IRI unchanged."""
    parts = split(iri)
    return parts[1] if parts else iri


# --- other IRIs carekg writes or reads, which rdflib.namespace does not name --------------------------

#: The licence of the data and the ontology (CC BY 4.0).
DATA_LICENSE = URIRef("https://creativecommons.org/licenses/by/4.0/")
#: A DOI resolves as this prefix + the DOI.
DOI_RESOLVER = "https://doi.org/"
#: SPARQL 1.1 Service Description and the W3C format IRIs it names result formats with.
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")
#: SSSOM and SEMAPV, for the NASSS-CFIR crosswalk's mapping metadata.
SSSOM = Namespace("https://w3id.org/sssom/")
SEMAPV = Namespace("https://w3id.org/semapv/vocab/")
#: Hydra, for the collection a bounded description links (carekg.services.describe).
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
#: The XML namespaces of SPARQL XML results (read from remote stores) and of SVG (the drawings).
SPARQL_RESULTS_XML = "http://www.w3.org/2005/sparql-results#"
SVG = "http://www.w3.org/2000/svg"
#: The names of the SHACL engine's own SPARQL functions (not dereferenceable; never in the data).
SHACL_FUNCTIONS = "urn:carekg:shacl:"
