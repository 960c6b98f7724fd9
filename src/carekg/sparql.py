"""Checking a user's SPARQL before any engine sees it.

Every incoming query is parsed here with rdflib's SPARQL 1.1 parser; updates, ``LOAD`` and
``SERVICE`` are refused before evaluation, because both engines would otherwise execute them.
"""

from __future__ import annotations

from dataclasses import dataclass

from pyparsing import ParseException
from rdflib.plugins.sparql import parser
from rdflib.plugins.sparql.parserutils import CompValue


class RefusedQuery(ValueError):
    """The request is not a read-only SPARQL 1.1 query this endpoint will run."""


@dataclass(frozen=True)
class CheckedQuery:
    text: str
    form: str  # SELECT, ASK, CONSTRUCT or DESCRIBE


_FORMS = {"SelectQuery": "SELECT", "AskQuery": "ASK", "ConstructQuery": "CONSTRUCT", "DescribeQuery": "DESCRIBE"}


def _contains_service(node) -> bool:
    if isinstance(node, CompValue):
        if node.name == "ServiceGraphPattern":
            return True
        return any(_contains_service(value) for value in node.values())
    if isinstance(node, (list, tuple)):
        return any(_contains_service(item) for item in node)
    return False


def check_query(text: str) -> CheckedQuery:
    """Parse ``text`` and return its form; raise RefusedQuery with a plain message otherwise."""
    if not text or not text.strip():
        raise RefusedQuery("the query is empty")
    try:
        parsed = parser.parseQuery(text)
    except ParseException as error:
        try:
            parser.parseUpdate(text)
        except ParseException:
            raise RefusedQuery(f"SPARQL syntax error at line {error.lineno}, column {error.col}: {error.msg}") from None
        raise RefusedQuery("updates are not allowed: this endpoint is read-only") from None
    except Exception as error:  # rdflib raises assorted errors on odd input
        raise RefusedQuery(f"SPARQL syntax error: {error}") from None
    query = parsed[1]
    form = _FORMS.get(query.name)
    if form is None:
        raise RefusedQuery("not a SELECT, ASK, CONSTRUCT or DESCRIBE query")
    if _contains_service(query):
        raise RefusedQuery("SERVICE (federated query) is not allowed on this endpoint")
    return CheckedQuery(text=text, form=form)
