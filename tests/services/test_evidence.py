"""carekg.services.evidence: organisations' roles carry the labels and types of the tables of every
organisation and innovation, read by the query bound to one innovation, organisation or source."""

from __future__ import annotations

from carekg import services
from carekg.services.refs import innovation_rows


def test_involvements_name_their_organisations_and_innovations_as_the_tables_do(store):
    organisations = {o.iri: o for o in services.list_organisations(store)}
    innovations = innovation_rows(store)
    involvements = [inv for i in services.list_innovations(store)
                    for inv in services.innovation(store, i.id).involvements]
    assert len({inv.organisation.iri for inv in involvements}) > 5
    for inv in involvements:
        assert inv.organisation.label == organisations[inv.organisation.iri].label
        assert inv.organisation_type == organisations[inv.organisation.iri].type
        assert inv.innovation.label == innovations[inv.innovation.iri]["label"]
