"""The confidence rule *cerqual-style-confidence* 1.0.0: how much confidence a consensus result deserves.

Modelled on GRADE-CERQual's four components, but computed from the graph by fixed thresholds: it is
CERQual-style, not a CERQual assessment made by a review team. Each component raises no or minor,
moderate or serious concerns, from the counts the consensus rule read (:class:`Tally`):

- methodological limitations: the share of the findings in the result's direction that come from
  counted studies (evaluations, reviews, peer-reviewed papers, research reports, independent) rather than
  grey literature, news, summary pages, official documents, developer-authored sources or sources of
  unknown independence: at least half, minor; at least a quarter, moderate; less, serious.
- coherence: counted studies reporting the opposite direction: none, minor; fewer than those for,
  moderate; as many or more, serious.
- adequacy: the number of independent studies: four or more, minor; three, moderate; two, serious.
- relevance: the share of the studies set in a UK nation (a setting that cannot be told is not UK):
  all, minor; at least half, moderate; less, serious. The sentence also says how many studies were
  published before the review's search and how many after it or undated; the date lowers nothing.

Overall confidence starts high and drops one level for each moderate concern and two for each serious
one: high, moderate, low, very low (the floor).
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import URIRef

from carekg.ids import RULE
from carekg.namespaces import CKG

CONFIDENCE_RULE = RULE["cerqual-style-confidence"]
CONFIDENCE_RULE_VERSION = "1.0.0"

LEVELS = (CKG.HighConfidence, CKG.ModerateConfidence, CKG.LowConfidence, CKG.VeryLowConfidence)
DROP = {CKG.NoOrMinorConcerns: 0, CKG.ModerateConcerns: 1, CKG.SeriousConcerns: 2}


@dataclass(frozen=True)
class Tally:
    """What the consensus rule read for one result (one factor, direction and evidence window)."""

    direction: str  # "enabler" or "barrier"
    findings: int  # every finding in the direction that the rule shows, counted or not
    counted_findings: int
    studies: int  # independent studies (counted units)
    contrary: int  # counted studies in the opposite direction
    uk_studies: int
    before_search_studies: int
    whole_window: bool  # the all-evidence window (else: up to the review's search)
    #: the findings shown but not counted, as (what they are, how many)
    uncounted: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class Judgement:
    component: URIRef
    concern: URIRef
    reason: str


@dataclass(frozen=True)
class Assessment:
    level: URIRef
    judgements: tuple[Judgement, ...]


def _grade(value: float, minor: float, moderate: float) -> URIRef:
    if value >= minor:
        return CKG.NoOrMinorConcerns
    return CKG.ModerateConcerns if value >= moderate else CKG.SeriousConcerns


def _studies(n: int) -> str:
    return f"{n} independent {'study' if n == 1 else 'studies'}"


def methodological_limitations(t: Tally) -> Judgement:
    share = t.counted_findings / t.findings if t.findings else 0.0
    others = "; ".join(f"{n} from {what}" for what, n in t.uncounted)
    return Judgement(CKG.MethodologicalLimitations, _grade(share, 0.5, 0.25),
                     f"{t.counted_findings} of {t.findings} findings in this direction come from independent "
                     "evaluations, reviews, peer-reviewed papers or research reports"
                     + (f"; the others: {others}." if others else "."))


def coherence(t: Tally) -> Judgement:
    opposite = "a barrier" if t.direction == "enabler" else "an enabler"
    if t.contrary == 0:
        return Judgement(CKG.Coherence, CKG.NoOrMinorConcerns,
                         f"No independent study the rule counts reports the factor as {opposite}.")
    concern = CKG.ModerateConcerns if t.contrary < t.studies else CKG.SeriousConcerns
    return Judgement(CKG.Coherence, concern,
                     f"{_studies(t.contrary)} report{'s' if t.contrary == 1 else ''} the factor as "
                     f"{opposite}, against {t.studies} for.")


def adequacy(t: Tally) -> Judgement:
    concern = {2: CKG.SeriousConcerns, 3: CKG.ModerateConcerns}.get(t.studies, CKG.NoOrMinorConcerns)
    fewest = ", the fewest the consensus rule accepts" if t.studies <= 2 else ""
    return Judgement(CKG.Adequacy, concern,
                     f"The result rests on {_studies(t.studies)} with {t.counted_findings} "
                     f"finding{'' if t.counted_findings == 1 else 's'}{fewest}.")


def relevance(t: Tally) -> Judgement:
    share = t.uk_studies / t.studies if t.studies else 0.0
    if t.whole_window:
        later = t.studies - t.before_search_studies
        was = "was" if t.before_search_studies == 1 else "were"
        timing = (f"{t.before_search_studies} of them {was} published "
                  f"before the review's search (November 2022) and {later} after it or undated")
    else:
        timing = "all were published before the review's search (November 2022)"
    concern = (CKG.NoOrMinorConcerns if share == 1
               else CKG.ModerateConcerns if share >= 0.5 else CKG.SeriousConcerns)
    return Judgement(CKG.Relevance, concern,
                     f"{t.uk_studies} of {t.studies} studies are set in the UK; {timing}.")


def assess(t: Tally) -> Assessment:
    """The overall level and the four component judgements for one consensus result."""
    judgements = (methodological_limitations(t), coherence(t), adequacy(t), relevance(t))
    drop = sum(DROP[j.concern] for j in judgements)
    return Assessment(LEVELS[min(drop, len(LEVELS) - 1)], judgements)
