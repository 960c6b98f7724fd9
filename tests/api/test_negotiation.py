"""Content negotiation: q-values, wildcards, aliases and the format parameter."""

from __future__ import annotations

import pytest

from api.negotiation import NotAcceptable, negotiate, parse_accept

OFFERED = ("application/json", "text/turtle", "application/ld+json")


@pytest.mark.parametrize(("accept", "expected"), [
    (None, "application/json"),
    ("", "application/json"),
    ("*/*", "application/json"),
    ("text/turtle", "text/turtle"),
    ("text/*", "text/turtle"),
    ("application/ld+json, text/turtle;q=0.5", "application/ld+json"),
    ("text/turtle;q=0.4, application/ld+json;q=0.9", "application/ld+json"),
    ("text/turtle, */*;q=0.1", "text/turtle"),
    ("TEXT/TURTLE", "text/turtle"),
    ("application/json;q=0, */*", "text/turtle"),
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "application/json"),
])
def test_accept_header_picks_the_best_offer(accept, expected):
    assert negotiate(accept, OFFERED) == expected


@pytest.mark.parametrize("accept", ["text/html", "image/png, text/csv", "text/turtle;q=0",
                                    "application/*;q=0, text/*;q=0"])
def test_nothing_acceptable(accept):
    with pytest.raises(NotAcceptable) as raised:
        negotiate(accept, OFFERED)
    assert raised.value.offered == list(OFFERED)


def test_a_more_specific_range_overrides_a_wildcard():
    assert negotiate("*/*;q=1, application/json;q=0.1", OFFERED) == "text/turtle"


def test_malformed_q_counts_as_unacceptable():
    ranges = parse_accept("text/turtle;q=high, application/json")
    assert ranges == [("text/turtle", 0.0), ("application/json", 1.0)]


@pytest.mark.parametrize(("format", "expected"), [
    ("turtle", "text/turtle"), ("ttl", "text/turtle"), ("jsonld", "application/ld+json"),
    ("json", "application/json"), ("text/turtle", "text/turtle"),
])
def test_format_parameter_wins_over_accept(format, expected):
    assert negotiate("application/json", OFFERED, format=format) == expected


def test_unknown_format_is_not_acceptable():
    with pytest.raises(NotAcceptable):
        negotiate(None, OFFERED, format="yaml")


def test_aliases_map_generic_types_onto_offered_ones():
    offered = ("application/sparql-results+json", "text/csv")
    aliases = {"application/json": "application/sparql-results+json"}
    assert negotiate("application/json", offered, aliases=aliases) == "application/sparql-results+json"
    assert negotiate("text/csv, application/json;q=0.5", offered, aliases=aliases) == "text/csv"
