"""SHACL Core constraint components as SPARQL expressions, and the shapes that hold them.

A ValueConstraint judges one value node: ``expr(v, fresh)`` is a SPARQL expression, true when ``v``
conforms. Each subclass cites its constraint components' definitions in the SHACL Recommendation
(https://www.w3.org/TR/shacl/), as pyshacl's do, and says where it follows pyshacl rather than the text
(pyshacl is the reference carekg is proven equal to; docs/shacl-engines.md lists where the two part).
carekg.shacl.compiler reads a shapes graph into these and builds the queries.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH, XSD

from carekg.shacl import literals

NODE_KINDS = {
    SH.IRI: "isIRI({v})", SH.BlankNode: "isBlank({v})", SH.Literal: "isLiteral({v})",
    SH.BlankNodeOrIRI: "!isLiteral({v})", SH.BlankNodeOrLiteral: "!isIRI({v})",
    SH.IRIOrLiteral: "!isBlank({v})"}
_NUMERIC_LIMITS = (XSD.integer, XSD.decimal)

#: Where the SHACL Recommendation defines each constraint component: SPEC + "ClassConstraintComponent" ...
SPEC = "https://www.w3.org/TR/shacl/#"


class UnsupportedShape(ValueError):
    """The shapes use something this compiler does not handle; validate them with pyshacl instead."""


def sparql_term(term) -> str:
    """An rdflib term of the shapes graph as SPARQL (N-Triples) syntax."""
    if isinstance(term, URIRef):
        return str(ox.NamedNode(str(term)))
    if isinstance(term, Literal):
        if term.language:
            return str(ox.Literal(str(term), language=term.language))
        return str(ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype or XSD.string))))
    raise UnsupportedShape(f"blank node {term} used as a value in a shape: give it an IRI")


def stored_forms(datatype) -> str:
    """The datatype IRIs a literal of ``datatype`` can have in the store (see literals.preserve)."""
    if str(datatype) in literals.SETTLED_DATATYPES:
        return sparql_term(URIRef(datatype))
    return f"{sparql_term(URIRef(datatype))}, <{literals.PRESERVED}{datatype}>"


class Fresh:
    """Fresh variable names for the patterns nested in one query."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self) -> str:
        self.count += 1
        return f"?_{self.count}"


@dataclass(frozen=True)
class PropertyPath:
    predicate: str
    inverse: bool = False

    @property
    def sparql(self) -> str:
        return f"{'^' if self.inverse else ''}<{self.predicate}>"

    @property
    def rendering(self) -> str:
        """The result path as reported: the predicate IRI, or ``^`` and the IRI for an inverse path."""
        return f"{'^' if self.inverse else ''}{self.predicate}"


# --- constraints on one node ---------------------------------------------------------------------------

@dataclass(frozen=True)
class ValueConstraint:
    """A constraint judged on one value node: ``expr`` is a SPARQL expression true when it conforms.
    Each subclass implements the SHACL Core components it lists in ``components`` (local names, as in
    sh:ClassConstraintComponent) and cites each one's section of the spec in its docstring."""

    components: ClassVar[tuple[str, ...]] = ()
    #: the full IRI of the component a result reports, e.g. sh:ClassConstraintComponent
    component: str
    #: What the judgement reads besides the node itself (for incremental validation): the node's
    #: types; the paths it follows from the node; the paths whose values' types it reads; anything further.
    reads_types: bool = False
    paths: tuple[PropertyPath, ...] = ()
    typed_paths: tuple[PropertyPath, ...] = ()
    reads_further: bool = False
    #: whether a result names the failing node as its sh:value
    reports_value: bool = True

    def expr(self, v: str, fresh: Fresh) -> str:
        raise NotImplementedError


def identity(v: str) -> str:
    """The value as pyshacl tells values apart: rdflib normalises literals ("01"^^xsd:int is
    "1"^^xsd:int), so literals whose stored form may not be normalised are normalised by rdflib."""
    unsettled = (f'isLiteral({v}) && (STRSTARTS(STR(datatype({v})), "{literals.PRESERVED}") '
                 f'|| (datatype({v}) = xsd:integer && !REGEX(STR({v}), "^-?(0|[1-9][0-9]*)$")) '
                 f'|| (datatype({v}) = xsd:boolean && !(STR({v}) IN ("true", "false"))))')
    return f"IF({unsettled}, <{literals.NORMALISED}>({v}), {v})"


def _lexical(v: str) -> str:
    """The string pyshacl matches and measures: the lexical form, normalised by rdflib where it would
    differ from Oxigraph's (typed literals other than strings, canonical integers and booleans)."""
    settled = (f'datatype({v}) IN (xsd:string, rdf:langString, xsd:anyURI) '
               f'|| (datatype({v}) = xsd:integer && REGEX(STR({v}), "^-?(0|[1-9][0-9]*)$")) '
               f'|| (datatype({v}) = xsd:boolean && STR({v}) IN ("true", "false"))')
    return f"IF(isLiteral({v}) && !({settled}), <{literals.LEXICAL}>({v}), STR({v}))"


@dataclass(frozen=True)
class ClassConstraint(ValueConstraint):
    """sh:class, https://www.w3.org/TR/shacl/#ClassConstraintComponent: each value is a SHACL instance
    of the class (an rdf:type that is the class or a subclass, via rdfs:subClassOf*); a literal never is."""

    components = ("Class",)
    cls: str = ""
    reads_types: bool = True

    def expr(self, v, fresh):
        return f"(!isLiteral({v}) && EXISTS {{ {v} rdf:type/rdfs:subClassOf* {self.cls} }})"


@dataclass(frozen=True)
class DatatypeConstraint(ValueConstraint):
    """sh:datatype, https://www.w3.org/TR/shacl/#DatatypeConstraintComponent: each value is a literal
    of the datatype whose lexical form is valid for it. "Valid" is judged as rdflib does, as pyshacl
    reads its literals through rdflib (carekg.shacl.literals): rdflib accepts " 2.5 "^^xsd:decimal, for
    instance, which the spec's lexical space does not."""

    components = ("Datatype",)
    datatype: URIRef = XSD.string

    def expr(self, v, fresh):
        if self.datatype == RDF.langString:
            return f'(isLiteral({v}) && lang({v}) != "")'
        if self.datatype == RDFS.Literal:
            return f"isLiteral({v})"
        dt = sparql_term(self.datatype)
        if self.datatype in (XSD.string, XSD.anyURI):  # kept as the lexical form by rdflib: never ill typed
            return f"(isLiteral({v}) && datatype({v}) = {dt})"
        if self.datatype == XSD.boolean:  # rdflib's whole rule for booleans
            return f'(isLiteral({v}) && datatype({v}) = {dt} && STR({v}) IN ("true", "false", "1", "0"))'
        settled = f'REGEX(STR({v}), "^[+-]?[0-9]+$")' if self.datatype == XSD.integer else "false"
        return (f"(isLiteral({v}) && datatype({v}) IN ({stored_forms(self.datatype)}) "
                f"&& ({settled} || <{literals.WELL_TYPED}>({v}, {dt})))")


@dataclass(frozen=True)
class InConstraint(ValueConstraint):
    """sh:in, https://www.w3.org/TR/shacl/#InConstraintComponent: each value is a member of the list.
    The spec compares RDF terms; pyshacl, and so this, compares typed literals after rdflib has
    normalised them ("01"^^xsd:integer and "1"^^xsd:integer are one member; "0"^^xsd:boolean is false)."""

    components = ("In",)
    members: tuple = ()

    def expr(self, v, fresh):
        same = [f"sameTerm({v}, {sparql_term(m)})" for m in self.members]
        # rdflib normalises typed literals before comparing them ("01"^^xsd:integer is 1)
        normalised = [f"(isLiteral({v}) && datatype({v}) IN ({stored_forms(m.datatype)}) "
                      f"&& <{literals.SAME_LITERAL}>({v}, {sparql_term(m)}))"
                      for m in self.members
                      if isinstance(m, Literal) and m.datatype not in (None, XSD.string)]
        return "(" + " || ".join(same + normalised or ["false"]) + ")"


def python_to_rust_regex(pattern: str) -> str:
    """pyshacl's patterns are Python regular expressions; Oxigraph runs Rust's. They agree on the
    syntax both accept except for ``$`` (Python also matches before a final newline) and ``\\Z``."""
    out, i, in_class = [], 0, False
    while i < len(pattern):
        char = pattern[i]
        if char == "\\" and i + 1 < len(pattern):
            out.append("\\z" if pattern[i + 1] == "Z" and not in_class else pattern[i:i + 2])
            i += 2
            continue
        if in_class:
            in_class = char != "]"
            out.append(char)
        elif char == "[":
            in_class = True
            out.append(char)
            for leading in ("^", "]"):  # in "[^]...]" and "[]...]" the first ] is a member
                if pattern.startswith(leading, i + 1):
                    out.append(leading)
                    i += 1
        elif char == "$":
            out.append("(?:\\n?$)")
        else:
            out.append(char)
        i += 1
    return "".join(out)


@dataclass(frozen=True)
class PatternConstraint(ValueConstraint):
    """sh:pattern, https://www.w3.org/TR/shacl/#PatternConstraintComponent: the string of each value
    (not a blank node) matches the regular expression. As in pyshacl it is a Python regular expression
    (``$`` also matches before a final newline, where the spec's XPath ``fn:matches`` does not);
    sh:flags is refused."""

    components = ("Pattern",)
    pattern: str = ""

    def expr(self, v, fresh):
        regex = str(ox.Literal(python_to_rust_regex(self.pattern)))
        return f"(!isBlank({v}) && REGEX({_lexical(v)}, {regex}))"


@dataclass(frozen=True)
class NodeKindConstraint(ValueConstraint):
    """sh:nodeKind, https://www.w3.org/TR/shacl/#NodeKindConstraintComponent: each value is an IRI, a
    blank node or a literal, or one of the three pairs of them."""

    components = ("NodeKind",)
    kind: URIRef = SH.IRI

    def expr(self, v, fresh):
        return "(" + NODE_KINDS[self.kind].format(v=v) + ")"


@dataclass(frozen=True)
class LanguageInConstraint(ValueConstraint):
    """sh:languageIn, https://www.w3.org/TR/shacl/#LanguageInConstraintComponent: each value is a
    literal whose language tag is listed: its whole tag or its first subtag equals a listed tag, without
    regard to case ("*" admits any tag). That is pyshacl's rule; the spec names SPARQL langMatches."""

    components = ("LanguageIn",)
    languages: tuple[str, ...] = ()

    def expr(self, v, fresh):
        tagged = f'isLiteral({v}) && lang({v}) != ""'
        if "*" in self.languages:
            return f"({tagged})"
        listed = ", ".join(str(ox.Literal(lang)) for lang in self.languages)
        # pyshacl accepts the whole tag or its first subtag, case-insensitively
        return (f"({tagged} && (LCASE(lang({v})) IN ({listed}) "
                f'|| LCASE(STRBEFORE(CONCAT(lang({v}), "-"), "-")) IN ({listed})))')


@dataclass(frozen=True)
class MinLengthConstraint(ValueConstraint):
    """sh:minLength, https://www.w3.org/TR/shacl/#MinLengthConstraintComponent: the string of each
    value (not a blank node) has at least this many characters. (sh:maxLength is refused.)"""

    components = ("MinLength",)
    length: int = 0

    def expr(self, v, fresh):
        return "true" if self.length == 0 else f"(!isBlank({v}) && STRLEN({_lexical(v)}) >= {self.length})"


@dataclass(frozen=True)
class RangeConstraint(ValueConstraint):
    """sh:minExclusive, sh:minInclusive, sh:maxExclusive and sh:maxInclusive:
    https://www.w3.org/TR/shacl/#MinExclusiveConstraintComponent,
    https://www.w3.org/TR/shacl/#MinInclusiveConstraintComponent,
    https://www.w3.org/TR/shacl/#MaxExclusiveConstraintComponent and
    https://www.w3.org/TR/shacl/#MaxInclusiveConstraintComponent: each value compares with the limit as
    the operator says. Where the two cannot be compared (NaN, a gYear against a date) the spec reports
    the value and pyshacl does not; this follows pyshacl."""

    components = ("MinExclusive", "MinInclusive", "MaxExclusive", "MaxInclusive")
    limit: Literal = field(default_factory=lambda: Literal(0))
    name: str = "minInclusive"
    operator: str = ">="

    def expr(self, v, fresh):
        limit = sparql_term(self.limit)
        judged = f'<{literals.IN_RANGE}>({v}, {limit}, "{self.name}")'
        if self.limit.datatype in _NUMERIC_LIMITS:
            # integers and decimals that both engines read alike compare in SPARQL
            plain = (f'datatype({v}) IN (xsd:integer, xsd:decimal) '
                     f'&& REGEX(STR({v}), "^[+-]?[0-9]{{1,18}}([.][0-9]{{0,18}})?$")')
            judged = f"IF({plain}, {v} {self.operator} {limit}, {judged})"
        return f"(isLiteral({v}) && {judged})"


@dataclass(frozen=True)
class HasValueConstraint(ValueConstraint):
    """sh:hasValue on a node shape, https://www.w3.org/TR/shacl/#HasValueConstraintComponent: the node
    itself is the value (pyshacl reports no sh:value). On a property shape it is a check of
    carekg.shacl.compiler._checks."""

    components = ("HasValue",)
    value: str = ""
    reports_value: bool = False

    def expr(self, v, fresh):
        return f"sameTerm({v}, {self.value})"


@dataclass(frozen=True)
class LogicalConstraint(ValueConstraint):
    """sh:or, https://www.w3.org/TR/shacl/#OrConstraintComponent (at least one member shape conforms),
    or sh:xone, https://www.w3.org/TR/shacl/#XoneConstraintComponent (exactly one does). A member is
    compiled into one expression, so its counts can be at most 1 (carekg.shacl.compiler._check_member)."""

    components = ("Or", "Xone")

    members: tuple[Shape, ...] = ()
    exactly_one: bool = False

    def expr(self, v, fresh):
        conditions = [f"COALESCE({conforms(member, v, fresh)}, false)" for member in self.members]
        if self.exactly_one:
            return "((" + " + ".join(f"IF({c}, 1, 0)" for c in conditions) + ") = 1)"
        return "(" + " || ".join(conditions) + ")"


# --- shapes -------------------------------------------------------------------------------------------

@dataclass
class Shape:
    node: URIRef | BNode
    path: PropertyPath | None = None
    constraints: list[ValueConstraint] = field(default_factory=list)
    min_count: int = 0
    max_count: int | None = None
    #: sh:hasValue on a property shape: some value of the path is this term (SPARQL syntax)
    has_values: list[str] = field(default_factory=list)
    properties: list[Shape] = field(default_factory=list)
    targets: list[str] = field(default_factory=list)
    messages: tuple[str, ...] = ()
    severity: str = str(SH.Violation)
    deactivated: bool = False

    @property
    def iri(self) -> str | None:
        return str(self.node) if isinstance(self.node, URIRef) else None

    @property
    def property_path(self) -> PropertyPath:
        """The path of a property shape (a sh:property member, or a shape with sh:path)."""
        if self.path is None:
            raise UnsupportedShape(f"{self.describe()} is used as a property shape but has no sh:path")
        return self.path

    @property
    def reports(self) -> bool:
        return bool(self.constraints or self.min_count or self.max_count is not None or self.has_values)

    def describe(self) -> str:
        if self.iri:
            return f"shape {self.iri}"
        return f"a blank-node shape (path {self.path.rendering})" if self.path else "a blank-node shape"


def conforms(shape: Shape, v: str, fresh: Fresh) -> str:
    """A SPARQL expression true when node ``v`` conforms to ``shape`` (a member of sh:or / sh:xone)."""
    if shape.deactivated:
        return "true"
    if shape.path is not None:
        parts = _property_conditions(shape, v, fresh)
    else:
        parts = [t.expr(v, fresh) for t in shape.constraints]
        for prop in shape.properties:
            if not prop.deactivated:
                parts += _property_conditions(prop, v, fresh)
    return "(" + " && ".join(f"COALESCE({p}, false)" for p in parts) + ")" if parts else "true"


def _property_conditions(prop: Shape, v: str, fresh: Fresh) -> list[str]:
    path, parts = prop.property_path.sparql, []
    if prop.min_count:
        parts.append(f"EXISTS {{ {v} {path} {fresh()} }}")
    if prop.max_count == 0:
        parts.append(f"NOT EXISTS {{ {v} {path} {fresh()} }}")
    elif prop.max_count == 1:
        a, b = fresh(), fresh()
        parts.append(f"NOT EXISTS {{ {v} {path} {a} . {v} {path} {b} "
                     f"FILTER(!sameTerm({identity(a)}, {identity(b)})) }}")
    parts += [f"EXISTS {{ {v} {path} {value} }}" for value in prop.has_values]
    for constraint in prop.constraints:
        y = fresh()
        parts.append(f"NOT EXISTS {{ {v} {path} {y} FILTER(!COALESCE({constraint.expr(y, fresh)}, false)) }}")
    return parts
