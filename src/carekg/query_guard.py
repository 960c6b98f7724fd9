"""Checking a user's SPARQL before any engine sees it.

Every incoming query is parsed here, once, with rdflib's SPARQL 1.1 parser; updates, ``LOAD`` and
``SERVICE`` are refused before evaluation, because both engines would otherwise execute them, and the
query's form and dataset (FROM, FROM NAMED) are read from the same parse. :func:`check_query` is the
only way in, so replacing the parser (issue 14: a lexical scan) changes this module alone.
"""

from __future__ import annotations

from dataclasses import dataclass

from pyparsing import ParseException
from rdflib import URIRef
from rdflib.plugins.sparql import parser
from rdflib.plugins.sparql.algebra import translatePrologue
from rdflib.plugins.sparql.parserutils import CompValue


class RefusedQuery(ValueError):
    """The request is not a read-only SPARQL 1.1 query this endpoint will run."""


@dataclass(frozen=True)
class CheckedQuery:
    text: str
    form: str  # SELECT, ASK, CONSTRUCT or DESCRIBE
    #: the graphs of the query's FROM and FROM NAMED clauses, as absolute IRIs
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()


_FORMS = {"SelectQuery": "SELECT", "AskQuery": "ASK", "ConstructQuery": "CONSTRUCT",
          "DescribeQuery": "DESCRIBE"}


def _services(node, prologue, found: list) -> list:
    """Every SERVICE endpoint in the parsed query (an IRI, or None for ``SERVICE ?variable``)."""
    if isinstance(node, CompValue):
        if node.name == "ServiceGraphPattern":
            term = node.get("term")
            try:
                iri = str(prologue.absolutize(term)) if term is not None else None
            except Exception:  # noqa: BLE001 - an unresolvable prefix: treat as not allowed
                iri = None
            named = iri and not iri.startswith("?") and isinstance(prologue.absolutize(term), URIRef)
            found.append(iri if named else None)
        for value in node.values():
            _services(value, prologue, found)
    elif isinstance(node, (list, tuple)):
        for item in node:
            _services(item, prologue, found)
    return found


def check_query(text: str, allowed_services: frozenset[str] | set[str] = frozenset(),
                max_length: int | None = None, base: str | None = None) -> CheckedQuery:
    """Parse ``text`` and return its form and dataset clauses (relative IRIs resolved against ``base``,
    unless the query has its own BASE); raise RefusedQuery with a plain message otherwise.
    ``SERVICE`` is refused unless every endpoint it names is in ``allowed_services`` (configured by
    ``CAREKG_SERVICE_ALLOWLIST``; empty by default); ``max_length`` caps the query's characters."""
    if not text or not text.strip():
        raise RefusedQuery("the query is empty")
    if max_length is not None and len(text) > max_length:
        raise RefusedQuery(f"the query is longer than {max_length} characters")
    try:
        parsed = parser.parseQuery(text)
    except ParseException as error:
        try:
            parser.parseUpdate(text)
        except ParseException:
            raise RefusedQuery(f"SPARQL syntax error at line {error.lineno}, column {error.col}: "
                               f"{error.msg}") from None
        raise RefusedQuery("updates are not allowed: this endpoint is read-only") from None
    except Exception as error:  # rdflib raises assorted errors on odd input
        raise RefusedQuery(f"SPARQL syntax error: {error}") from None
    query = parsed[1]
    form = _FORMS.get(query.name)
    if form is None:
        raise RefusedQuery("not a SELECT, ASK, CONSTRUCT or DESCRIBE query")
    prologue = translatePrologue(parsed[0], base)
    services = _services(query, prologue, [])
    if services:
        if not allowed_services:
            raise RefusedQuery("SERVICE (federated query) is not allowed on this endpoint")
        refused = [iri for iri in services if iri not in allowed_services]
        if refused:
            shown = "a variable" if refused[0] is None else f"<{refused[0][:200]}>"
            raise RefusedQuery(f"SERVICE {shown} is not on this endpoint's allow-list")
    clauses = query["datasetClause"] if "datasetClause" in query else []  # not .get: CompValue.get differs
    return CheckedQuery(text=text, form=form,
                        default_graphs=tuple(str(prologue.absolutize(c["default"]))
                                             for c in clauses if "default" in c),
                        named_graphs=tuple(str(prologue.absolutize(c["named"]))
                                           for c in clauses if "named" in c))
