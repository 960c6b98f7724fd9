"""What tests submit through POST /evidence (api/routes/evidence.py, carekg.writes): the Turtle of a
finding that validates against the curated data, written in one place."""

from __future__ import annotations

from carekg.ids import FACTOR, FINDING, INNOVATION, SOURCE
from carekg.namespaces import CKG

FDAC = "family-drug-and-alcohol-court"


def submitted_finding(id: str, paraphrase: str, innovation: str = FDAC) -> str:
    """A source-study enabler finding ``id`` about ``innovation``, on shared understanding of the
    innovation, reported in the NatCen 2017 FDAC evaluation summary."""
    return f"""\
@prefix ckg: <{CKG}> .
<{FINDING[id]}> a ckg:Finding ;
    ckg:aboutFactor <{FACTOR["shared-understanding-of-the-innovation"]}> ;
    ckg:aboutInnovation <{INNOVATION[innovation]}> ;
    ckg:direction ckg:Enabler ;
    ckg:paraphrase "{paraphrase}"@en ;
    ckg:provenanceKind ckg:SourceStudyClaim ;
    ckg:reportedIn <{SOURCE["natcen-2017-fdac-national-unit-evaluation-summary"]}> .
"""
