"""Strategy suggestions for barrier factors: which ERIC implementation strategies might address a factor
when it hinders an innovation, and on what basis.

Every suggestion is labelled honestly. ``basis`` is ``"expert-opinion"`` only where carekg read a
published table of implementation experts' endorsements (Waltz et al. 2019) for the CFIR barrier the
factor is crosswalked to, and then the reported level and percentage come with it; otherwise it is
``"curator-judgement"``: a carekg curator matched the factor's CFIR 2.0 crosswalk to ERIC strategies,
imitating the CFIR-ERIC Matching Tool's method without its data. No suggestion has been evaluated in
children's social care (``evaluated_in_childrens_social_care`` is False for all of them).

Example (against the loaded dataset)::

    >>> from carekg.ids import FACTOR
    >>> rows = strategies_for_factor(store, FACTOR["monitoring-evaluation-and-use-of-data"])  # doctest: +SKIP
    >>> rows[0]["notation"], rows[0]["basis"], rows[0]["endorsement_percent"]  # doctest: +SKIP
    ('ERIC-26', 'expert-opinion', 60)
"""

from __future__ import annotations

from carekg.namespaces import CKG
from carekg.queries import load_query
from carekg.services.rows import as_int
from carekg.store.base import GraphStore

BASIS_CODES = {str(CKG.ExpertOpinion): "expert-opinion", str(CKG.CuratorJudgement): "curator-judgement"}
CAVEAT = ("Suggestion only: ERIC strategies were compiled for health care and none has been evaluated for "
          "this factor in children's social care.")


def strategies_for_factor(store: GraphStore, factor_iri: str) -> list[dict]:
    """The ERIC strategies suggested for ``factor_iri``, expert-opinion ones first (by endorsement), then
    curator judgements by ERIC number. Each item is a plain dict::

        {"suggestion": IRI, "strategy": IRI, "notation": "ERIC-05", "label": "Audit and provide feedback",
         "cluster": IRI | None, "cluster_label": str | None,
         "via": IRI | None, "via_notation": "V.H" | None, "via_label": str | None,
         "basis": "expert-opinion" | "curator-judgement", "basis_label": "expert opinion",
         "rationale": str | None, "source": str,
         "endorsement_level": 1 | 2 | None, "endorsement_percent": int | None,
         "evaluated_in_childrens_social_care": False, "caveat": str}

    An unknown factor, or one with no barrier suggestions, gives an empty list.
    """
    rows = store.select(load_query("strategies_for_factor"), {"factor": str(factor_iri)})
    seen: dict[str, dict] = {}
    for row in rows:
        item = seen.get(row["suggestion"])
        if item is None:
            item = seen[row["suggestion"]] = {
                "suggestion": row["suggestion"],
                "strategy": row["strategy"],
                "notation": row["notation"],
                "label": row["strategyLabel"],
                "cluster": row.get("cluster"),
                "cluster_label": row.get("clusterLabel"),
                "via": row.get("concept"),
                "via_notation": row.get("conceptNotation"),
                "via_label": row.get("conceptLabel"),
                "basis": BASIS_CODES.get(row["basis"], row["basis"]),
                "basis_label": row["basisLabel"],
                "rationale": row.get("rationale"),
                "source": row["source"],
                "endorsement_level": as_int(row.get("endorsementLevel")),
                "endorsement_percent": as_int(row.get("endorsementPercent")),
                "evaluated_in_childrens_social_care": row.get("evaluated") == "true",
                "caveat": CAVEAT,
            }
    return sorted(seen.values(), key=lambda item: (item["basis"] != "expert-opinion",
                                                   -(item["endorsement_percent"] or 0), item["notation"]))
