"""SHACL shapes compiled to SPARQL: the part of SHACL Core carekg's shapes use, judged as pyshacl does.

Each shape with targets becomes a few SELECT queries over the validated graph: one over its focus
nodes (node-level constraints, sh:minCount 1, sh:hasValue), one per property shape over the distinct
values of its path (value constraints, each value judged once and joined back to its focus nodes only
when it fails), and one per sh:maxCount or larger sh:minCount (GROUP BY focus node). Each query binds
one boolean per constraint, so a row names exactly the constraints that failed. Every query comes in
two forms: over every target, and over given focus nodes (for validating what a change touches).

Anything else in the shapes graph (sh:sparql, sh:node, sh:closed, complex paths, a shape that reports
without sh:message ...) raises :class:`UnsupportedShape` naming it: validate those shapes with pyshacl.

The constraint components, each citing its section of the SHACL Recommendation, are in
carekg.shacl.constraints (and sh:minCount, sh:maxCount and sh:hasValue on a path in ``_checks``);
``implemented_components()`` names them all.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH, XSD

from carekg.shacl import literals
from carekg.shacl.constraints import (
    NODE_KINDS,
    ClassConstraint,
    DatatypeConstraint,
    Fresh,
    HasValueConstraint,
    InConstraint,
    LanguageInConstraint,
    LogicalConstraint,
    MinLengthConstraint,
    NodeKindConstraint,
    PatternConstraint,
    PropertyPath,
    RangeConstraint,
    Shape,
    UnsupportedShape,
    ValueConstraint,
    identity,
    python_to_rust_regex,
    sparql_term,
)

PREFIXES = f"PREFIX rdf: <{RDF}>\nPREFIX rdfs: <{RDFS}>\nPREFIX xsd: <{XSD}>\n"
#: Where the focus nodes go in the restricted form of a query (a VALUES block, or nothing when a blank
#: node is substituted for ?this).
FOCUS_MARKER = "#FOCUS#"
FOCUS_VALUES = f"VALUES ?this {{ {FOCUS_MARKER} }}"

#: Every sh: term this compiler understands as a predicate. Any other is refused by name.
_TARGETS = {SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf}
_PARAMETERS = {SH["class"], SH.datatype, SH["in"], SH.pattern, SH.nodeKind, SH.languageIn, SH.minLength,
               SH.minInclusive, SH.maxInclusive, SH.minExclusive, SH.maxExclusive, SH.hasValue, SH["or"],
               SH.xone, SH.minCount, SH.maxCount, SH.property}
_ANNOTATIONS = {SH.message, SH.severity, SH.deactivated, SH.name, SH.description, SH.order, SH.group,
                SH.defaultValue}
SUPPORTED = _TARGETS | _PARAMETERS | _ANNOTATIONS | {SH.path, SH.inversePath}
_RANGES = {SH.minInclusive: ("minInclusive", ">="), SH.maxInclusive: ("maxInclusive", "<="),
           SH.minExclusive: ("minExclusive", ">"), SH.maxExclusive: ("maxExclusive", "<")}
#: Components compiled per property shape by _checks (and constraints._property_conditions), not by a
#: ValueConstraint.
PATH_COMPONENTS = ("MinCount", "MaxCount", "HasValue")


class _Compiler:
    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self.shapes: dict = {}
        self._check_vocabulary()

    def _check_vocabulary(self) -> None:
        unknown = sorted({p for p in self.graph.predicates()
                          if isinstance(p, URIRef) and p.startswith(str(SH)) and p not in SUPPORTED})
        if unknown:
            names = ", ".join(f"sh:{p.removeprefix(str(SH))}" for p in unknown)
            verb = "is" if len(unknown) == 1 else "are"
            raise UnsupportedShape(f"{names} {verb} not supported by the SPARQL SHACL engine: validate these "
                                   "shapes with pyshacl")

    def _one(self, node, predicate, check: Callable[[object], bool], what: str):
        values = list(self.graph.objects(node, predicate))
        if len(values) > 1:
            raise UnsupportedShape(f"{node} has {len(values)} sh:{predicate.removeprefix(str(SH))} values")
        if values and not check(values[0]):
            raise UnsupportedShape(f"sh:{predicate.removeprefix(str(SH))} of {node} must be {what}")
        return values[0] if values else None

    def _count(self, node, predicate) -> int | None:
        value = self._one(node, predicate, lambda v: isinstance(v, Literal) and isinstance(v.value, int)
                          and not isinstance(v.value, bool) and v.value >= 0, "a non-negative integer")
        return None if value is None else value.value

    def _list(self, head) -> list:
        items = list(self.graph.items(head))
        if head != RDF.nil and not items:
            raise UnsupportedShape(f"{head} is not an RDF list")
        return items

    def _path(self, node) -> PropertyPath | None:
        """sh:path (https://www.w3.org/TR/shacl/#property-paths): a predicate path or an inverse path
        of one; sequence, alternative and */+/? paths are refused."""
        path = self._one(node, SH.path, lambda v: True, "")
        if path is None:
            return None
        if isinstance(path, URIRef):
            return PropertyPath(str(path))
        inverse = list(self.graph.predicate_objects(path))
        if len(inverse) == 1 and inverse[0][0] == SH.inversePath and isinstance(inverse[0][1], URIRef):
            return PropertyPath(str(inverse[0][1]), inverse=True)
        raise UnsupportedShape(f"the path of {node} is not an IRI or sh:inversePath of an IRI "
                               "(sequence, alternative and */+/? paths are not supported)")

    def shape(self, node) -> Shape:
        if node in self.shapes:
            if self.shapes[node] is None:
                raise UnsupportedShape(f"shape {node} refers to itself")
            return self.shapes[node]
        self.shapes[node] = None
        g = self.graph
        deactivated = self._one(node, SH.deactivated, lambda v: isinstance(v, Literal), "a boolean")
        severity = self._one(node, SH.severity, lambda v: isinstance(v, URIRef), "an IRI")
        shape = Shape(node=node, path=self._path(node),
                      messages=tuple(sorted(str(m) for m in g.objects(node, SH.message))),
                      severity=str(severity or SH.Violation),
                      deactivated=bool(deactivated and deactivated.value))
        shape.min_count = self._count(node, SH.minCount) or 0
        shape.max_count = self._count(node, SH.maxCount)
        shape.constraints = list(self._constraints(node, shape.path is not None))
        if shape.path is not None:
            for value in g.objects(node, SH.hasValue):
                shape.has_values.append(sparql_term(self._iri_value(node, value)))
        shape.properties = [self.shape(p) for p in g.objects(node, SH.property)]
        if shape.path is not None and shape.properties:
            raise UnsupportedShape(f"sh:property on the property shape {node}")
        shape.targets = list(self._targets(node))
        self.shapes[node] = shape
        return shape

    def _iri_value(self, node, value):
        if not isinstance(value, URIRef):
            raise UnsupportedShape(f"sh:hasValue of {node} must be an IRI")
        return value

    def _constraints(self, node, is_property: bool) -> Iterator[ValueConstraint]:
        g = self.graph

        def component(name: str) -> str:
            return f"{SH}{name}ConstraintComponent"

        for cls in g.objects(node, SH["class"]):
            yield ClassConstraint(component("Class"), cls=sparql_term(cls))
        datatype = self._one(node, SH.datatype, lambda v: isinstance(v, URIRef), "an IRI")
        if datatype is not None:
            if datatype == RDFS.Datatype:
                raise UnsupportedShape("sh:datatype rdfs:Datatype is not supported")
            yield DatatypeConstraint(component("Datatype"), datatype=datatype)
        members = self._one(node, SH["in"], lambda v: True, "")
        if members is not None:
            items = tuple(self._list(members))
            for item in items:
                sparql_term(item)  # refuses blank nodes
            yield InConstraint(component("In"), members=items)
        if g.value(node, SH.flags) is not None:
            raise UnsupportedShape(f"sh:flags on {node}")
        for pattern in g.objects(node, SH.pattern):
            if not isinstance(pattern, Literal):
                raise UnsupportedShape(f"sh:pattern of {node} must be a literal")
            yield PatternConstraint(component("Pattern"), pattern=_checked_pattern(str(pattern)))
        kind = self._one(node, SH.nodeKind, lambda v: v in NODE_KINDS, "one of the six SHACL node kinds")
        if kind is not None:
            yield NodeKindConstraint(component("NodeKind"), kind=kind)
        languages = self._one(node, SH.languageIn, lambda v: True, "")
        if languages is not None:
            tags = self._list(languages)
            if not all(isinstance(t, Literal) and isinstance(t.value, str) for t in tags):
                raise UnsupportedShape(f"sh:languageIn of {node} must list strings")
            yield LanguageInConstraint(component("LanguageIn"), languages=tuple(str(t).lower() for t in tags))
        length = self._count(node, SH.minLength)
        if length is not None:
            yield MinLengthConstraint(component("MinLength"), length=length)
        for predicate, (name, operator) in _RANGES.items():
            for limit in g.objects(node, predicate):
                if not isinstance(limit, Literal):
                    raise UnsupportedShape(f"sh:{name} of {node} must be a literal")
                yield RangeConstraint(component(name[0].upper() + name[1:]), limit=limit, name=name,
                                operator=operator)
        if not is_property:
            for value in g.objects(node, SH.hasValue):
                yield HasValueConstraint(component("HasValue"),
                                         value=sparql_term(self._iri_value(node, value)))
        for predicate, name, exactly_one in ((SH["or"], "Or", False), (SH.xone, "Xone", True)):
            for head in g.objects(node, predicate):
                members = tuple(self.shape(m) for m in self._list(head))
                if not members:
                    raise UnsupportedShape(f"an empty sh:{name.lower()} list on {node}")
                for member in members:
                    _check_member(member)
                yield _logical(component(name), members, exactly_one)

    def _targets(self, node) -> Iterator[str]:
        """The focus nodes of a shape (https://www.w3.org/TR/shacl/#targets): sh:targetClass, a class
        that is a shape (https://www.w3.org/TR/shacl/#implicit-targetClass), sh:targetNode,
        sh:targetSubjectsOf and sh:targetObjectsOf."""
        g = self.graph
        classes = list(g.objects(node, SH.targetClass))
        class_types = {RDFS.Class, *g.subjects(RDFS.subClassOf, RDFS.Class)}
        if any(t in class_types for t in g.objects(node, RDF.type)):
            classes.append(node)  # an implicit class target: the shape is a class
        for cls in classes:
            yield f"?this rdf:type/rdfs:subClassOf* {sparql_term(cls)} ."
        for target in g.objects(node, SH.targetNode):
            yield f"VALUES ?this {{ {sparql_term(target)} }}"
        for predicate in g.objects(node, SH.targetSubjectsOf):
            yield f"?this {sparql_term(predicate)} [] ."
        for predicate in g.objects(node, SH.targetObjectsOf):
            yield f"[] {sparql_term(predicate)} ?this ."


def _check_member(member: Shape) -> None:
    """A member of sh:or / sh:xone is compiled into one expression: counts beyond 1 cannot be."""
    for prop in [member] if member.path is not None else member.properties:
        if prop.min_count > 1 or (prop.max_count or 0) > 1:
            raise UnsupportedShape(f"sh:minCount or sh:maxCount above 1 in {prop.describe()}, a member of "
                                   "sh:or / sh:xone")


def _logical(component: str, members: tuple[Shape, ...], exactly_one: bool) -> LogicalConstraint:
    paths, typed, further, reads_types = [], [], False, False
    for member in members:
        if member.path is None:
            reads_types |= any(t.reads_types for t in member.constraints)
            further |= any(t.paths or t.typed_paths or t.reads_further for t in member.constraints)
        for prop in [member] if member.path is not None else member.properties:
            paths.append(prop.property_path)
            typed += [prop.property_path] if any(t.reads_types for t in prop.constraints) else []
            further |= any(t.paths or t.typed_paths or t.reads_further for t in prop.constraints)
    return LogicalConstraint(component, members=members, exactly_one=exactly_one, reads_types=reads_types,
                       paths=tuple(paths), typed_paths=tuple(typed), reads_further=further)


@lru_cache(maxsize=256)
def _checked_pattern(pattern: str) -> str:
    try:
        re.compile(pattern)
    except re.error as error:
        raise UnsupportedShape(f"sh:pattern {pattern!r} is not a valid regular expression: {error}") from None
    probe = f'SELECT ?ok WHERE {{ BIND(REGEX("", {ox.Literal(python_to_rust_regex(pattern))}) AS ?ok) }}'
    solutions = ox.Store().query(probe)
    assert isinstance(solutions, ox.QuerySolutions)  # a SELECT query
    if next(solutions)["ok"] is None:
        raise UnsupportedShape(f"sh:pattern {pattern!r} uses regular expression syntax Oxigraph does not run")
    return pattern


# --- queries ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Outcome:
    """What a failed constraint reports."""

    component: str
    shape: str | None
    path: str | None
    severity: str
    messages: tuple[str, ...]
    #: which variable is the result's sh:value: "this" (node-level), "value" (a path's value) or None
    value: str | None


@dataclass(frozen=True)
class Check:
    """One query and the outcome each of its flags ?c0, ?c1 ... stands for (a row whose flag is false
    is a result). A check without flags reports ``outcomes[0]`` for every row."""

    full: str
    restricted: str
    outcomes: tuple[Outcome, ...]
    flagged: bool = True
    #: for sh:maxCount over every target: a cheap query; when ?n = ?d no node has two values
    precheck: str | None = None


@dataclass
class Program:
    """The compiled shapes, and what they read (so a change's reach can be worked out)."""

    checks: list[Check]
    forward_predicates: set[str] = field(default_factory=set)
    inverse_predicates: set[str] = field(default_factory=set)
    #: predicates whose values' rdf:type is read (sh:class on their values), forwards and inverse
    typed_forward_predicates: set[str] = field(default_factory=set)
    typed_inverse_predicates: set[str] = field(default_factory=set)
    target_subject_predicates: set[str] = field(default_factory=set)
    target_object_predicates: set[str] = field(default_factory=set)
    #: why a change cannot be validated on its neighbourhood alone (None: it can)
    not_local: str | None = None

    def read(self, path: PropertyPath, types: bool) -> None:
        (self.inverse_predicates if path.inverse else self.forward_predicates).add(path.predicate)
        if types:
            typed = self.typed_inverse_predicates if path.inverse else self.typed_forward_predicates
            typed.add(path.predicate)


def _focus(shape: Shape) -> str:
    parts = [f"{{ {t} }}" for t in shape.targets]
    return parts[0] if len(parts) == 1 else " UNION ".join(parts)


def _outcome(component: str, shape: Shape, value: str | None) -> Outcome:
    return Outcome(component, shape.iri, shape.path.rendering if shape.path else None, shape.severity,
                   shape.messages, value)


def _flags(expressions: list[str]) -> tuple[str, str]:
    """The flag variables, and the BINDs and FILTER keeping rows where one of them is false."""
    names = " ".join(f"?c{i}" for i in range(len(expressions)))
    binds = " ".join(f"BIND(COALESCE({e}, false) AS ?c{i})" for i, e in enumerate(expressions))
    return names, binds + " FILTER(!(" + " && ".join(f"?c{i}" for i in range(len(expressions))) + "))"


def _checks(root: Shape, program: Program) -> Iterator[Check]:
    """The checks of a shape with targets: its own constraints and its property shapes'. Besides each
    ValueConstraint, the components counted per focus node are compiled here:
    sh:minCount, https://www.w3.org/TR/shacl/#MinCountConstraintComponent;
    sh:maxCount, https://www.w3.org/TR/shacl/#MaxCountConstraintComponent (values counted as rdflib
    tells them apart, see identity); sh:hasValue on a property shape,
    https://www.w3.org/TR/shacl/#HasValueConstraintComponent."""
    focus, fresh = _focus(root), Fresh()
    properties = [root] if root.path is not None else [p for p in root.properties if not p.deactivated]
    for shape in [root, *properties]:
        if shape.reports and not shape.messages:
            raise UnsupportedShape(f"{shape.describe()} has no sh:message: this engine reports sh:message "
                                   "only (pyshacl would make one up); add one")
    # 1. the focus nodes themselves: node-level constraints, then sh:minCount 1 and sh:hasValue per path
    expressions, outcomes = [], []
    if root.path is None:
        for constraint in root.constraints:
            expressions.append(constraint.expr("?this", fresh))
            outcomes.append(_outcome(constraint.component, root,
                                     "this" if constraint.reports_value else None))
            for read in constraint.paths:
                program.read(read, read in constraint.typed_paths)
            if constraint.reads_further:
                program.not_local = f"{constraint.component} in {root.describe()} reads beyond its paths"
    for prop in properties:
        if prop.min_count == 1:
            expressions.append(f"EXISTS {{ ?this {prop.property_path.sparql} {fresh()} }}")
            outcomes.append(_outcome(f"{SH}MinCountConstraintComponent", prop, None))
        for value in prop.has_values:
            expressions.append(f"EXISTS {{ ?this {prop.property_path.sparql} {value} }}")
            outcomes.append(_outcome(f"{SH}HasValueConstraintComponent", prop, None))
    if expressions:
        names, keep = _flags(expressions)
        yield Check(f"{PREFIXES}SELECT DISTINCT ?this {names} WHERE {{ {focus} {keep} }}",
                    f"{PREFIXES}SELECT DISTINCT ?this {names} WHERE {{ {FOCUS_VALUES} {focus} {keep} }}",
                    tuple(outcomes))
    for prop in properties:
        path = prop.property_path.sparql
        program.read(prop.property_path, any(t.reads_types for t in prop.constraints))
        if any(t.paths or t.typed_paths or t.reads_further for t in prop.constraints):
            program.not_local = f"{prop.describe()} checks its values' own properties"
        # 2. the values: each distinct value judged once, joined back to its focus nodes only if it fails
        if prop.constraints:
            names, keep = _flags([t.expr("?value", fresh) for t in prop.constraints])
            distinct = f"{{ SELECT DISTINCT ?value WHERE {{ ?_s {path} ?value }} }}"
            judged = f"{{ SELECT ?value {names} WHERE {{ {distinct} {keep} }} }}"
            yield Check(f"{PREFIXES}SELECT DISTINCT ?this ?value {names} WHERE {{ {judged} "
                        f"?this {path} ?value . {focus} }}",
                        f"{PREFIXES}SELECT DISTINCT ?this ?value {names} WHERE {{ {FOCUS_VALUES} {focus} "
                        f"?this {path} ?value . {keep} }}",
                        tuple(_outcome(t.component, prop, "value") for t in prop.constraints))
        # 3. counts that need a GROUP BY
        if prop.min_count > 1:
            full, restricted = (f"{PREFIXES}SELECT ?this WHERE {{ {values} {focus} OPTIONAL {{ ?this {path} "
                                f"?value BIND({identity('?value')} AS ?identity) }} }} GROUP BY ?this "
                                f"HAVING (COUNT(DISTINCT ?identity) < {prop.min_count})"
                                for values in ("", FOCUS_VALUES))
            yield Check(full, restricted, (_outcome(f"{SH}MinCountConstraintComponent", prop, None),),
                        flagged=False)
        if prop.max_count is not None:
            having = f"HAVING (COUNT(DISTINCT {identity('?value')}) > {prop.max_count})"
            precheck = f"SELECT (COUNT(*) AS ?n) (COUNT(DISTINCT ?this) AS ?d) WHERE {{ ?this {path} [] }}"
            grouped = f"{{ SELECT ?this WHERE {{ ?this {path} ?value }} GROUP BY ?this {having} }}"
            yield Check(f"{PREFIXES}SELECT DISTINCT ?this WHERE {{ {grouped} {focus} }}",
                        f"{PREFIXES}SELECT ?this WHERE {{ {FOCUS_VALUES} {focus} ?this {path} ?value }} "
                        f"GROUP BY ?this {having}",
                        (_outcome(f"{SH}MaxCountConstraintComponent", prop, None),), flagged=False,
                        precheck=None if prop.max_count == 0 else PREFIXES + precheck)


def implemented_components() -> set[str]:
    """The local names of every SHACL Core constraint component compiled here (sh:...ConstraintComponent)."""
    found, classes = set(PATH_COMPONENTS), [ValueConstraint]
    while classes:
        cls = classes.pop()
        found.update(cls.components)
        classes += cls.__subclasses__()
    return found


def compile_shapes(graph: Graph) -> Program:
    """The checks of every shape in ``graph`` that has targets. Raises UnsupportedShape."""
    compiler = _Compiler(graph)
    program = Program(checks=[])
    declared = {s for predicate in _TARGETS for s in graph.subjects(predicate, None)}
    declared |= {*graph.subjects(RDF.type, SH.NodeShape), *graph.subjects(RDF.type, SH.PropertyShape),
                 *graph.objects(None, SH.property)}
    for node in sorted(declared, key=str):
        compiler.shape(node)  # every shape compiles, targeted or not, so nothing unsupported hides
    for node in sorted(compiler.shapes, key=str):
        shape = compiler.shapes[node]
        if not shape.targets or shape.deactivated:
            continue
        for predicate in graph.objects(node, SH.targetSubjectsOf):
            program.target_subject_predicates.add(str(predicate))
        for predicate in graph.objects(node, SH.targetObjectsOf):
            program.target_object_predicates.add(str(predicate))
        program.checks.extend(_checks(shape, program))
    for check in program.checks:  # a query Oxigraph cannot parse is a bug here, caught at load time
        for query in (check.full, check.restricted.replace(FOCUS_MARKER, ""), check.precheck):
            if query:
                ox.Store().query(query, custom_functions=literals.FUNCTIONS)
    return program


@lru_cache(maxsize=16)
def _load(path: str, stamp: tuple[int, int]) -> Program:
    return compile_shapes(Graph().parse(path, format="turtle"))


def load_shapes(path: Path) -> Program:
    """The compiled shapes of a Turtle file, cached until the file changes. Raises UnsupportedShape."""
    stat = Path(path).stat()
    return _load(str(Path(path).resolve()), (stat.st_mtime_ns, stat.st_size))

