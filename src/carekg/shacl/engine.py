"""Running compiled shapes on a pyoxigraph store: over every target, over given focus nodes, or over
what a change can affect.

A change (statements added and removed) can only alter the results of the nodes it touches and of
the nodes whose sh:class checks read a touched node's types. :func:`validate_change` copies exactly what
those nodes' validation reads (their own statements, the incoming statements inverse paths follow, the
types of their values, and the class hierarchy) into a scratch store, applies the change there and
validates only those nodes. Statements that could change the class hierarchy, or shapes that read
further than one step from a node, make it validate the whole changed graph instead, and say why.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib.namespace import OWL, RDF, RDFS

from carekg.shacl import literals
from carekg.shacl.compiler import FOCUS_MARKER, FOCUS_VALUES, Check, Program, load_shapes
from carekg.shacl.literals import normalised, preserve

RDF_TYPE = ox.NamedNode(str(RDF.type))
SUBCLASS_OF = ox.NamedNode(str(RDFS.subClassOf))
#: Statements with these predicates can change which classes a node belongs to far from the change.
HIERARCHY_PREDICATES = (SUBCLASS_OF.value, str(OWL.equivalentClass))
_THIS = ox.Variable("this")

Term = ox.NamedNode | ox.BlankNode | ox.Literal
#: A node a change touches: with RDF-star, a quoted triple can be a statement's subject or object too.
Node = Term | ox.Triple


@dataclass(frozen=True)
class ValidationResult:
    focus_node: Term
    #: the property path: its IRI, or "^" and the IRI for an inverse path; None for node-level results
    result_path: str | None
    value: Term | None
    source_constraint_component: str
    #: the shape's IRI; None for a blank-node shape
    source_shape: str | None
    severity: str
    messages: tuple[str, ...]

    @property
    def message(self) -> str:
        return self.messages[0] if self.messages else "does not conform"

    def to_dict(self) -> dict:
        """JSON-able, in the form carekg's write API reports SHACL results."""
        return {"focus_node": self.focus_node.value, "path": self.result_path, "message": self.message,
                "value": None if self.value is None else self.value.value,
                "severity": self.severity.rsplit("#", 1)[-1], "shape": self.source_shape}


def _order(result: ValidationResult) -> tuple:
    return (str(result.focus_node), result.result_path or "", result.source_constraint_component,
            str(result.value or ""))


class _Query:
    """Queries over the union of the store's graphs, or over the given named graphs merged."""

    def __init__(self, store: ox.Store, graphs: Sequence[str] | None) -> None:
        self.store = store
        self.dataset = ({"use_default_graph_as_union": True} if graphs is None
                        else {"default_graph": [ox.NamedNode(g) for g in graphs]})

    def __call__(self, text: str, substitutions: dict | None = None):
        return self.store.query(text, custom_functions=literals.FUNCTIONS, substitutions=substitutions,
                                **self.dataset)


def _results(check: Check, solutions) -> set[ValidationResult]:
    """The results of a check's rows. Terms are reported as pyshacl reports them (literals normalised by
    rdflib), so values rdflib reads as one (``"01"^^xsd:int``, ``"1"^^xsd:int``) give one result."""
    results = set()
    for row in solutions:
        this = normalised(row["this"])
        failed = ([o for i, o in enumerate(check.outcomes) if row[f"c{i}"].value == "false"] if check.flagged
                  else check.outcomes[:1])
        for outcome in failed:
            value = (this if outcome.value == "this" else normalised(row["value"])
                     if outcome.value == "value" else None)
            results.add(ValidationResult(this, outcome.path, value, outcome.component, outcome.shape,
                                         outcome.severity, outcome.messages))
    return results


def _program(shapes: Program | Path | str) -> Program:
    return shapes if isinstance(shapes, Program) else load_shapes(Path(shapes))


def validate(store: ox.Store, shapes: Program | Path | str, focus_nodes: Iterable[Term] | None = None, *,
             graphs: Sequence[str] | None = None) -> list[ValidationResult]:
    """The SHACL results of the store's union graph (or of ``graphs`` merged) against ``shapes`` (a
    compiled Program or a Turtle file), sorted; empty when it conforms. ``focus_nodes`` limits the
    validation to those nodes (each still only where a shape targets it)."""
    return _validate(store, _program(shapes), focus_nodes, graphs, every_blank_node=False)


class UnparsableFile(ValueError):
    """Oxigraph cannot parse one of the files to validate; ``path`` names it."""

    def __init__(self, path: Path, error: SyntaxError) -> None:
        super().__init__(f"Oxigraph cannot parse {path}: {error}")
        self.path = path


def validate_files(files: Iterable[Path], shapes: Program | Path | str) -> tuple[list[ValidationResult],
                                                                                dict[str, Path]]:
    """The SHACL results of the merge of Turtle ``files`` (literals kept as written), and the file each
    blank-node subject comes from (by the blank node's label). Raises UnparsableFile."""
    program, store = _program(shapes), ox.Store()
    blank_owner: dict[str, Path] = {}
    for path in files:
        try:
            quads = list(ox.parse(path=path, format=ox.RdfFormat.TURTLE, base_iri=path.resolve().as_uri()))
        except SyntaxError as error:
            raise UnparsableFile(path, error) from None
        store.extend(literals.preserved(quads))
        for quad in quads:
            if isinstance(quad.subject, ox.BlankNode):
                blank_owner.setdefault(quad.subject.value, path)
    return validate(store, program), blank_owner


def _validate(store: ox.Store, program: Program, focus_nodes: Iterable[Node] | None,
              graphs: Sequence[str] | None, every_blank_node: bool) -> list[ValidationResult]:
    query = _Query(store, graphs)
    results: list[ValidationResult] = []
    if focus_nodes is None:
        for check in program.checks:
            if check.precheck is not None:
                counts = next(iter(query(check.precheck)))
                if counts["n"] == counts["d"]:  # no node has two values: sh:maxCount >= 1 holds everywhere
                    continue
            results.extend(_results(check, query(check.full)))
        return sorted(results, key=_order)
    nodes = list(dict.fromkeys(preserve(n) for n in focus_nodes))
    named = " ".join(str(n) for n in nodes if not isinstance(n, ox.BlankNode))
    blank = {n for n in nodes if isinstance(n, ox.BlankNode)}
    for check in program.checks:
        if named:
            results.extend(_results(check, query(check.restricted.replace(FOCUS_MARKER, named))))
        # A blank node cannot be named in a query: on a small store every blank node is validated at once
        # and the results kept for the focus nodes; otherwise each is substituted for ?this in turn.
        if blank and every_blank_node:
            rows = query(check.restricted.replace(FOCUS_VALUES, "FILTER(isBlank(?this))"))
            results.extend(r for r in _results(check, rows) if r.focus_node in blank)
        elif blank:
            one_node = check.restricted.replace(FOCUS_VALUES, "")
            for node in blank:
                results.extend(_results(check, query(one_node, {_THIS: node})))
    return sorted(results, key=_order)


# --- validating a change -------------------------------------------------------------------------------

@dataclass(frozen=True)
class ChangeValidation:
    """The results of the changed graph for every node the change can affect (all of them when the
    graph conformed before the change)."""

    results: list[ValidationResult]
    #: the nodes validated; None when the whole changed graph was validated
    focus_nodes: tuple[Node, ...] | None
    #: why the whole changed graph was validated (None: only the focus nodes were)
    full_reason: str | None
    #: statements in the scratch store the validation ran on
    scratch_triples: int

    @property
    def conforms(self) -> bool:
        return not self.results


def _triple(statement: ox.Triple | ox.Quad) -> ox.Triple:
    if isinstance(statement, ox.Triple):
        return statement
    return ox.Triple(statement.subject, statement.predicate, statement.object)


class _View:
    """The statements of the validated graphs: the union of all, or the named ones."""

    def __init__(self, store: ox.Store, graphs: Sequence[str] | None) -> None:
        self.store = store
        self.graphs = None if graphs is None else {ox.NamedNode(g) for g in graphs}

    def quads(self, s=None, p=None, o=None) -> Iterable[ox.Quad]:
        for quad in self.store.quads_for_pattern(s, p, o, None):
            if self.graphs is None or quad.graph_name in self.graphs:
                yield quad

    def triples(self, s=None, p=None, o=None) -> set[ox.Triple]:
        return {_triple(q) for q in self.quads(s, p, o)}


def _removed_triples(view: _View, removed: Iterable[ox.Triple | ox.Quad]) -> set[ox.Triple]:
    """The stored statements a removal takes out of the view: a Quad's triple stays while another graph
    holds it, a Triple leaves every graph."""
    leaving: dict[ox.Triple, set] = {}
    for statement in removed:
        s, p, o = statement.subject, statement.predicate, statement.object
        for quad in {*view.quads(s, p, o), *view.quads(s, p, preserve(o))}:
            if isinstance(statement, ox.Triple) or quad.graph_name == statement.graph_name:
                leaving.setdefault(_triple(quad), set()).add(quad.graph_name)
    return {t for t, graphs in leaving.items() if not {q.graph_name for q in view.quads(*t)} - graphs}


def _affected(program: Program, view: _View, changed: set[ox.Triple]) -> set[Node]:
    """Every node whose results the change can alter: the subject of a statement the node's shapes read
    forwards (or its type), the object of one they read backwards, and the nodes whose sh:class checks
    read the types of a node whose types change."""
    forward = {RDF_TYPE.value} | program.forward_predicates | program.target_subject_predicates
    backward = program.inverse_predicates | program.target_object_predicates
    typed_forward = [ox.NamedNode(p) for p in program.typed_forward_predicates]
    typed_inverse = [ox.NamedNode(p) for p in program.typed_inverse_predicates]
    pointing_at: dict[Node, set[Node]] = {}  # within the change: typed-forward subjects by object, ...
    pointed_from: dict[Node, set[Node]] = {}  # ... and typed-inverse objects by subject
    for t in changed:
        if t.predicate in typed_forward:
            pointing_at.setdefault(t.object, set()).add(t.subject)
        if t.predicate in typed_inverse:
            pointed_from.setdefault(t.subject, set()).add(t.object)
    nodes: set[Node] = set()
    for triple in changed:
        if triple.predicate.value in forward:
            nodes.add(triple.subject)
        if triple.predicate.value in backward:
            nodes.add(triple.object)
        if triple.predicate == RDF_TYPE:
            node = triple.subject
            nodes |= {q.subject for p in typed_forward for q in view.quads(None, p, node)}
            nodes |= {q.object for p in typed_inverse for q in view.quads(node, p, None)}
            nodes |= pointing_at.get(node, set()) | pointed_from.get(node, set())
    return nodes


def _neighbourhood(program: Program, view: _View, nodes: set[Node], added: set[ox.Triple]) -> set[ox.Triple]:
    """What validating ``nodes`` reads once ``added`` is in: their statements, the statements inverse paths
    and sh:targetObjectsOf follow into them, the types of every node at the other end, the class hierarchy."""
    incoming = {ox.NamedNode(p) for p in program.inverse_predicates | program.target_object_predicates}
    triples = view.triples(None, SUBCLASS_OF, None) | added
    for node in nodes:
        if not isinstance(node, ox.Literal):
            triples |= view.triples(node)
        for predicate in incoming:
            triples |= view.triples(None, predicate, node)
    ends = {t.object for t in triples if t.subject in nodes and not isinstance(t.object, ox.Literal)}
    ends |= {t.subject for t in triples if t.object in nodes and t.predicate in incoming}
    for end in ends - nodes:
        triples |= view.triples(end, RDF_TYPE, None)
    return triples


def validate_change(store: ox.Store, shapes: Program | Path | str,
                    added: Iterable[ox.Triple | ox.Quad] = (), removed: Iterable[ox.Triple | ox.Quad] = (), *,
                    graphs: Sequence[str] | None = None) -> ChangeValidation:
    """Validate the store's graph (the union, or ``graphs`` merged) as it would be after adding
    ``added`` and removing ``removed`` (a Quad leaves only its graph; a Triple leaves every graph),
    without touching the store. Only the nodes the change can affect are validated, on a scratch store
    holding what their validation reads, unless the change or the shapes reach further (then the
    whole changed graph is, and ``full_reason`` says why)."""
    program, view = _program(shapes), _View(store, graphs)
    added_triples = {ox.Triple(t.subject, t.predicate, preserve(t.object)) for t in map(_triple, added)}
    removed_triples = _removed_triples(view, removed) - added_triples
    changed = added_triples | removed_triples
    reason = program.not_local
    hierarchy = sorted({t.predicate.value for t in changed if t.predicate.value in HIERARCHY_PREDICATES})
    if hierarchy:
        reason = f"the change has {', '.join(hierarchy)} statements, which can change the class of any node"
    scratch = ox.Store()
    if reason:
        scratch.extend(ox.Quad(*t) for t in view.triples() - removed_triples | added_triples)
        return ChangeValidation(validate(scratch, program), None, reason, len(scratch))
    nodes = _affected(program, view, changed)
    neighbourhood = _neighbourhood(program, view, nodes, added_triples)
    scratch.extend(ox.Quad(*t) for t in neighbourhood - removed_triples | added_triples)
    results = _validate(scratch, program, nodes, None, every_blank_node=True)
    return ChangeValidation(results, tuple(sorted(nodes, key=str)), None, len(scratch))
