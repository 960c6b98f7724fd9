"""Strategy suggestions for barrier factors: ``curation/barrier-strategies.csv`` compiled into
``data/strategies.ttl``.

One row is one suggestion: an ERIC strategy that may address a factor when it acts as a barrier,
matched through one of the factor's CFIR 2.0 crosswalk concepts. Each row says its basis:

- ``expert-opinion``: a published survey of implementation experts endorsed the strategy for the
  matched CFIR barrier; the row gives the reported level and percentage and cites the table read.
- ``curator-judgement``: a carekg curator made the match, imitating the CFIR-ERIC Matching Tool's
  method without its endorsement data.

Neither kind was evaluated in children's social care, and the RDF says so on every suggestion.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from rdflib import RDF, XSD, Graph, Literal
from rdflib.namespace import DCTERMS

from carekg.build.turtle import new_graph
from carekg.ids import CFIR, ERIC, FACTOR, SUGGESTION, slugify
from carekg.namespaces import CKG

#: basis column value -> the ckg:EvidenceBasis individual's local name
BASES = {"expert-opinion": "ExpertOpinion", "curator-judgement": "CuratorJudgement"}
_ERIC_ID = re.compile(r"^ERIC-[0-9]{2}$")


def _en(text: str) -> Literal:
    return Literal(" ".join(text.split()), lang="en")


def compile_rows(rows: Sequence[Mapping[str, str]], factors: Sequence[Mapping[str, str]],
                 error: type[Exception]) -> Graph:
    """The suggestions as RDF; raises ``error`` with a curator's message for a row that cannot stand."""
    crosswalk = {
        row["id"]: {c.strip() for c in f"{row['cfir_close_match']};{row['cfir_related_match']}".split(";")
                    if c.strip()}
        for row in factors
    }
    graph = new_graph()
    seen: set[tuple[str, str]] = set()
    for number, row in enumerate(rows, start=2):
        where = f"curation/barrier-strategies.csv row {number} ({row.get('factor_id')}, {row.get('eric_id')})"
        required = ("factor_id", "eric_id", "via_cfir", "basis", "rationale", "source")
        missing = [c for c in required if not row.get(c)]
        if missing:
            raise error(f"{where}: fill in {', '.join(missing)}")
        factor, eric_id, via, basis = row["factor_id"], row["eric_id"], row["via_cfir"], row["basis"]
        if factor not in crosswalk:
            raise error(f"{where}: {factor!r} is not a factor in curation/factors.csv")
        if not _ERIC_ID.match(eric_id):
            raise error(f"{where}: eric_id must look like ERIC-05 (two digits)")
        if via not in crosswalk[factor]:
            raise error(f"{where}: via_cfir {via!r} is not in the factor's CFIR crosswalk "
                        f"({', '.join(sorted(crosswalk[factor])) or 'none'}); match through one of those")
        if basis not in BASES:
            raise error(f"{where}: basis must be one of {', '.join(BASES)}")
        level, percent = row.get("endorsement_level", ""), row.get("endorsement_percent", "")
        if basis == "expert-opinion" and not (level and percent):
            raise error(f"{where}: an expert-opinion row must give the endorsement level and percentage "
                        "exactly as the cited source reports them")
        if basis == "curator-judgement" and (level or percent):
            raise error(f"{where}: a curator-judgement row has no expert endorsement; leave "
                        "endorsement_level and endorsement_percent empty")
        if (factor, eric_id) in seen:
            raise error(f"{where}: the same factor and strategy appear twice")
        seen.add((factor, eric_id))
        node = SUGGESTION[f"{factor}-{slugify(eric_id)}"]
        graph.add((node, RDF.type, CKG.StrategySuggestion))
        graph.add((node, CKG.forFactor, FACTOR[factor]))
        graph.add((node, CKG.suggestsStrategy, ERIC[slugify(eric_id)]))
        graph.add((node, CKG.viaFrameworkConcept, CFIR[slugify(via)]))
        graph.add((node, CKG.evidenceBasis, CKG[BASES[basis]]))
        graph.add((node, CKG.evaluatedInChildrensSocialCare, Literal(False)))
        graph.add((node, CKG.basis, _en(row["rationale"])))
        graph.add((node, DCTERMS.source, Literal(" ".join(row["source"].split()))))
        if level:
            graph.add((node, CKG.endorsementLevel, Literal(int(level), datatype=XSD.integer)))
        if percent:
            graph.add((node, CKG.endorsementPercent, Literal(int(percent), datatype=XSD.integer)))
    return graph
