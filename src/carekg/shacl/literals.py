"""pyshacl's reading of literals, for the few values SPARQL cannot judge the same way.

pyshacl sees literals through rdflib, which is more lenient than XSD (``int(" 7 ")`` is 7, so
``" 7 "^^xsd:integer`` is well typed), normalises lexical forms its own way (``"1.0"^^xsd:decimal``
stays ``"1.0"``) and orders literals of different datatypes by their datatype IRIs. The compiled
queries decide the common cases in SPARQL and call these functions (as SPARQL extension functions)
only for the rest, so a value is judged exactly as pyshacl judges it.

Oxigraph's store rewrites some literals as it stores them: ``"7"^^xsd:int`` becomes
``"7"^^xsd:integer``, ``"1.0"^^xsd:decimal`` becomes ``"1"^^xsd:decimal``. :func:`preserve` keeps a
literal as written by storing it under a stand-in datatype Oxigraph does not know (so it keeps the
lexical form); every query and function here reads both forms, and :func:`restore` turns results back.
Load data with :func:`preserved` for exact agreement with pyshacl; data loaded as Oxigraph stores it is
judged exactly but for the rewritten literals.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from functools import lru_cache
from typing import Any

import pyoxigraph as ox
from rdflib import Literal, URIRef
from rdflib.namespace import RDF, XSD

from carekg.ids import SHACL_FUNCTIONS

_BASE = SHACL_FUNCTIONS
#: ``wellTyped(?value, datatype)``: rdflib does not find the literal ill typed and its Python value
#: has the type pyshacl expects for the datatype.
WELL_TYPED = _BASE + "wellTyped"
#: ``lexical(?value)``: the string pyshacl matches sh:pattern against and measures for sh:minLength.
LEXICAL = _BASE + "lexical"
#: ``inRange(?value, limit, "minInclusive")``: the value passes the range constraint as pyshacl says.
IN_RANGE = _BASE + "inRange"
#: ``sameLiteral(?value, member)``: rdflib's term equality, after rdflib normalised both lexical forms.
SAME_LITERAL = _BASE + "sameLiteral"
#: ``normalised(?value)``: the literal as rdflib normalises it, in its stored form: two values are one
#: value node for pyshacl when these are the same term.
NORMALISED = _BASE + "normalised"

TRUE, FALSE = ox.Literal(True), ox.Literal(False)
#: The stand-in datatype of a preserved literal is this prefix and the real datatype IRI.
PRESERVED = _BASE + "as-written:"
#: Datatypes whose literals Oxigraph stores so that SPARQL and rdflib still agree on them.
SETTLED_DATATYPES = frozenset(str(d) for d in (XSD.string, RDF.langString, XSD.integer, XSD.boolean,
                                               XSD.anyURI))
#: What pyshacl's DatatypeConstraintComponent expects the Python value of each datatype to be.
_PYTHON_TYPES: dict[URIRef, type | tuple[type, ...]] = {
    XSD.string: (str, bytes), RDF.langString: (str, bytes), XSD.integer: int, XSD.float: float,
    XSD.decimal: Decimal, XSD.boolean: bool, XSD.date: dt.date, XSD.time: dt.time, XSD.dateTime: dt.datetime}
#: pyshacl compares these by Python value, not by rdflib's literal ordering.
_VALUE_ORDERED = {dt.datetime, dt.time}
_RANGE_TESTS: dict[str, Callable[[int], bool]] = {
    "minInclusive": lambda c: c >= 0, "minExclusive": lambda c: c > 0,
    "maxInclusive": lambda c: c <= 0, "maxExclusive": lambda c: c < 0}


def preserve(term):
    """The term as it must be stored to keep its lexical form and datatype (literals of unsettled
    datatypes get their stand-in datatype; everything else is unchanged)."""
    if isinstance(term, ox.Literal) and not term.language and term.datatype.value not in SETTLED_DATATYPES \
            and not term.datatype.value.startswith(PRESERVED):
        return ox.Literal(term.value, datatype=ox.NamedNode(PRESERVED + term.datatype.value))
    return term


def restore(term):
    """A stored term as it was written."""
    if isinstance(term, ox.Literal) and term.datatype.value.startswith(PRESERVED):
        return ox.Literal(term.value, datatype=ox.NamedNode(term.datatype.value.removeprefix(PRESERVED)))
    return term


def preserved(quads: Iterable[ox.Quad]) -> Iterator[ox.Quad]:
    """Quads to store, literals preserved: ``store.extend(preserved(ox.parse(...)))``."""
    for quad in quads:
        yield ox.Quad(quad.subject, quad.predicate, preserve(quad.object), quad.graph_name)


def to_rdflib(term: ox.Literal) -> Literal:
    """The literal as rdflib builds it from the same lexical form (a plain string has no datatype)."""
    term = restore(term)
    if term.language:
        return Literal(term.value, lang=term.language)
    datatype = term.datatype.value
    return Literal(term.value, datatype=None if datatype == str(XSD.string) else URIRef(datatype))


def from_rdflib(literal: Literal) -> ox.Literal:
    if literal.language:
        return ox.Literal(str(literal), language=literal.language.lower())
    return ox.Literal(str(literal), datatype=ox.NamedNode(str(literal.datatype or XSD.string)))


def normalised(term):
    """A term as rdflib reads it (literals normalised: ``" 7 "^^xsd:integer`` is ``"7"``), as written."""
    return from_rdflib(to_rdflib(term)) if isinstance(term, ox.Literal) else term


@lru_cache(maxsize=4096)
def _well_typed(lexical: str, datatype: str) -> bool:
    literal = Literal(lexical, datatype=URIRef(datatype))
    if literal.ill_typed is True:
        return False
    expected = _PYTHON_TYPES.get(URIRef(datatype))
    return expected is None or isinstance(literal.value, expected)


def _compare(value: Literal, limit: Literal) -> int:
    """pyshacl's compare_literal: rdflib's value equality, then rdflib's ordering."""
    if value.eq(limit):
        return 0
    if type(value.value) in _VALUE_ORDERED:
        return 0 if value.value == limit.value else 1 if value.value > limit.value else -1
    return 1 if value > limit else -1


def in_range(value: Literal, limit: Literal, test: str) -> bool:
    """pyshacl's range constraints: strings and non-strings never compare; errors fail."""
    if isinstance(limit.value, str) != isinstance(value.value, str):
        return False
    try:
        return _RANGE_TESTS[test](_compare(value, limit))
    except (TypeError, NotImplementedError):
        return False


def _well_typed_function(value, datatype) -> ox.Literal:
    return TRUE if isinstance(value, ox.Literal) and _well_typed(value.value, datatype.value) else FALSE


def _lexical_function(value) -> ox.Literal:
    return ox.Literal(str(to_rdflib(value)) if isinstance(value, ox.Literal) else value.value)


def _in_range_function(value, limit, test) -> ox.Literal:
    if not isinstance(value, ox.Literal):
        return FALSE
    return TRUE if in_range(to_rdflib(value), to_rdflib(limit), test.value) else FALSE


def _same_literal_function(value, member) -> ox.Literal:
    return TRUE if isinstance(value, ox.Literal) and to_rdflib(value) == to_rdflib(member) else FALSE


def _normalised_function(value):
    return preserve(normalised(value))


FUNCTIONS: dict[ox.NamedNode, Callable[..., Any]] = {
    ox.NamedNode(WELL_TYPED): _well_typed_function, ox.NamedNode(LEXICAL): _lexical_function,
    ox.NamedNode(IN_RANGE): _in_range_function, ox.NamedNode(SAME_LITERAL): _same_literal_function,
    ox.NamedNode(NORMALISED): _normalised_function}
