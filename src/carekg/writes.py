"""Adding or amending evidence from untrusted input: parse safely, validate, commit atomically, record PROV.

A *submission* is a named set of statements about carekg resources (findings, studies, innovations…),
sent as Turtle, N-Triples or JSON-LD. Posting a submission under a name that exists replaces (amends)
it. Each accepted submission is one TriG file ``{name}.trig`` in the submissions folder
(``CAREKG_SUBMISSIONS``, default ``.carekg/submissions``) holding three named graphs: the statements
(``graph/submission/{name}``), their provenance (``graph/provenance/{name}``: one ``prov:Activity``
per write, who, when, what it generated and used) and the description of the agents it names
(``graph/agents``, shared: an agent is described once in the store however many submissions it wrote,
carekg.submissions). ``DatasetFiles`` includes the folder, so ``carekg load`` keeps every accepted
write and the dataset version covers them.

The order of a write (see docs/security.md for why it survives SIGKILL at any point):

1. parse with pyoxigraph's Rust parsers only (no RDF/XML, no remote ``@context``, no file access);
2. check the statements are about carekg resources, and SHACL-validate the merged graph (curated data,
   ontology, the other submissions and this one) on the store, looking only at the nodes the change
   can affect (carekg.shacl.validate_change); a failure is a ValidationFailed with the report;
3. write the TriG file under ``.staging/`` (same name), fsync, and compute the new dataset version;
4. ``os.replace`` the file into the folder (atomic) and fsync the folder;
5. apply the change to the store in two SPARQL Updates (oxigraph applies an update as one transaction):
   first the submission's two graphs, with the version removed, and its agent's description added to
   the agents graph; then the rules' results for only what
   the change touches (carekg.incremental: the sub-domain summaries of the innovations and the
   consensus and confidence of the factors it can reach, and the defined-class rule's classification
   of the touched nodes); last the new version with the triples per graph (the changed graphs counted
   again, the others as recorded).
6. make the new version's search index from the previous one, replacing only the documents of the
   resources the submission spoke of (carekg.search.follow_write), before readers see the version.

A crash before 4 leaves nothing; after 4 and before the second update the store lacks the folder's
version, and the next start (``carekg-serve`` or the app's writer) sees the mismatch and reloads from
the files.

HermiT is not run on a write: on this machine it takes 1-2 minutes for the dataset, too long to hold
a request. A load classifies the curated files with HermiT (cached per version of those files) and the
submissions with the defined-class rule (carekg.rules.classified, equal to HermiT's classification:
tests/test_rules.py); a write classifies the nodes it touches with the same rule, so a written or
amended finding is classified at once and never keeps a stale class, and the version it stamps is the
one a load with the reasoner gives (tests/security/test_writes.py): the next start needs no HermiT.

The PROV record names the agent (``id/agent/{who}``), the activity (``id/write/{name}-{n}``) and the
dataset version the write started from (``id/dataset/{version}``), all kinds of the ID policy
(carekg.ids), so each dereferences like any other carekg IRI.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF, RDFS, XSD

from carekg import incremental, paths, search, statistics
from carekg.ids import (
    AGENT,
    CONSENSUS,
    DATASET,
    GRAPH_AGENTS,
    GRAPH_BASE,
    GRAPH_DATA,
    GRAPH_INFERRED,
    GRAPH_META,
    GRAPH_ONTOLOGY,
    ID_BASE,
    SLUG_PATTERN,
    WRITE,
    slugify,
)
from carekg.loader import DatasetFiles, graph_triples, load
from carekg.namespaces import CKG
from carekg.reasoning import CLASSIFIED
from carekg.rules import classified
from carekg.store import GraphStore, UnionCopy, Writable
from carekg.store.binding import iri_values
from carekg.submissions import (
    Submission,
    folder_lock,
    fsync_folder,
    provenance_graph,
    read_submission,
    stage,
    submission_graph,
    trig,
)

log = logging.getLogger("carekg.writes")

#: Media types accepted from users, and the parser for each. RDF/XML is refused on purpose: entity
#: expansion in XML parsers (tech.md §5); TriG/N-Quads: a submission may not name graphs.
ACCEPTED = {"text/turtle": ox.RdfFormat.TURTLE, "application/n-triples": ox.RdfFormat.N_TRIPLES,
            "application/ld+json": ox.RdfFormat.JSON_LD}
REFUSED = {"application/rdf+xml": "RDF/XML is not accepted (XML entity expansion); send Turtle or JSON-LD",
           "application/xml": "XML is not accepted; send Turtle, N-Triples or JSON-LD",
           "text/xml": "XML is not accepted; send Turtle, N-Triples or JSON-LD"}
MAX_TRIPLES = 5000
#: A submission's name is a slug of the ID policy (it names the write activities ``{name}-{n}``).
NAME = re.compile(SLUG_PATTERN)
NAME_LENGTH = 64
#: Where statements may be made about: carekg's own resources (not its vocabulary or graphs).
SUBJECT_PREFIX = ID_BASE
_RESERVED_PREFIXES = (str(CONSENSUS), str(AGENT), str(WRITE), str(DATASET), GRAPH_BASE)


class Refusal(Enum):
    """Why a write is refused (the API maps each to its HTTP status)."""

    UNSUPPORTED_MEDIA_TYPE = "unsupported media type"
    MALFORMED = "malformed"  # a bad name, unparsable or empty RDF, statements it may not make
    TOO_LARGE = "too large"
    CONFLICT = "conflict"  # the store does not hold the dataset the files describe
    NOT_SUPPORTED = "not supported"  # the store cannot take writes


class WriteRefused(ValueError):
    """The request cannot be a write: ``reason`` says which kind of refusal, the message says why."""

    def __init__(self, reason: Refusal, message: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass
class ValidationFailed(Exception):
    """SHACL (or OWL consistency) rejected the merged graph; nothing was changed."""

    results: list[dict] = field(default_factory=list)

    def __str__(self) -> str:
        return f"the change does not conform: {len(self.results)} problem(s)"


@dataclass(frozen=True)
class WriteResult:
    name: str
    version: str
    previous_version: str | None
    triples: int
    activity: str
    amended: bool


# --- parsing untrusted RDF -------------------------------------------------------------------------

def _to_rdflib(term):
    from rdflib import BNode

    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    return Literal(term.value, datatype=URIRef(term.datatype.value))


def media_type_of(content_type: str | None) -> str:
    """The bare media type of a Content-Type header; WriteRefused (UNSUPPORTED_MEDIA_TYPE) unless accepted."""
    media_type = (content_type or "").split(";")[0].strip().lower()
    if media_type in REFUSED:
        raise WriteRefused(Refusal.UNSUPPORTED_MEDIA_TYPE, REFUSED[media_type])
    if media_type not in ACCEPTED:
        raise WriteRefused(Refusal.UNSUPPORTED_MEDIA_TYPE,
                           f"unsupported Content-Type {media_type or '(none)'!r}: use " + ", ".join(ACCEPTED))
    return media_type


@dataclass(frozen=True)
class Changed:
    """Every statement a write removed from a graph, and every one it added to one."""

    removed: frozenset[ox.Quad]
    added: frozenset[ox.Quad]


@dataclass(frozen=True)
class Parsed:
    """A submission's statements: as pyoxigraph parsed them (literals as written, which SHACL judges)
    and as an rdflib graph (for the TriG file)."""

    graph: Graph
    triples: tuple[ox.Triple, ...]


def parse_untrusted(body: bytes, media_type: str) -> Parsed:
    """The triples of ``body``, parsed by pyoxigraph's Rust parsers: no DTDs or entities, no remote
    ``@context`` (no document loader is set, so any remote context is an error), no file access, a
    bounded parser stack. Relative IRIs are refused (no base). Raises WriteRefused."""
    fmt = ACCEPTED.get(media_type)
    if fmt is None:
        media_type_of(media_type)  # raises the right refusal
    if not body.strip():
        raise WriteRefused(Refusal.MALFORMED, "the request body is empty")
    graph = Graph()
    triples: dict[ox.Triple, None] = {}
    try:
        for quad in ox.parse(body, format=fmt):
            if not isinstance(quad.graph_name, ox.DefaultGraph):
                raise WriteRefused(Refusal.MALFORMED, "a submission may not name graphs: send triples only")
            if isinstance(quad.subject, ox.Triple) or isinstance(quad.object, ox.Triple):
                raise WriteRefused(Refusal.MALFORMED, "RDF-star triple terms are not accepted")
            graph.add((_to_rdflib(quad.subject), _to_rdflib(quad.predicate), _to_rdflib(quad.object)))
            triples[ox.Triple(quad.subject, quad.predicate, quad.object)] = None
            if len(triples) > MAX_TRIPLES:
                raise WriteRefused(Refusal.TOO_LARGE, f"a submission may hold at most {MAX_TRIPLES} triples")
    except SyntaxError as error:
        message = " ".join(str(error).split())[:300]
        raise WriteRefused(Refusal.MALFORMED, f"the body does not parse as {media_type}: {message}") from None
    except (ValueError, UnicodeDecodeError) as error:
        if isinstance(error, WriteRefused):
            raise
        raise WriteRefused(Refusal.MALFORMED,
                           f"the body does not parse as {media_type}: {str(error)[:300]}") from None
    if not len(graph):
        raise WriteRefused(Refusal.MALFORMED, "the submission holds no triples")
    for subject in set(graph.subjects()):
        if isinstance(subject, URIRef):
            iri = str(subject)
            if not iri.startswith(SUBJECT_PREFIX) or iri.startswith(_RESERVED_PREFIXES):
                raise WriteRefused(Refusal.MALFORMED, "statements may only be about carekg resources "
                                   f"({SUBJECT_PREFIX}{{kind}}/{{id}}), not {iri[:200]!r}")
    return Parsed(graph, tuple(triples))


# --- committing ------------------------------------------------------------------------------------

def _statement(triple) -> str:
    return " ".join(term.n3() for term in triple) + " ."


def _graph_block(graph: URIRef, triples: Graph) -> str:
    lines = [_statement(triple) for triple in triples]
    return f"GRAPH <{graph}> {{\n" + "\n".join(lines) + "\n}" if lines else ""


def _agent_slug(who: str) -> str:
    """The ID-policy slug of a writer's name (``Alice Smith`` -> ``alice-smith``)."""
    try:
        return slugify(who[:NAME_LENGTH])
    except ValueError:  # nothing a slug can be made from, e.g. only punctuation
        return "anonymous"


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


class EvidenceWriter:
    """The single writer of a store. ``target`` opens the store read-write for one write (and closes
    it after), or is the store itself (in memory); ``on_commit(version)`` runs after each commit so
    readers can reopen. One write at a time per process (a lock) and per folder (``flock``)."""

    def __init__(self, target: Callable[[], contextlib.AbstractContextManager[GraphStore]],
                 submissions_dir: Path | None = None, shapes: Path | None = None,
                 data: list[Path] | None = None, on_commit: Callable[[str], None] = lambda _: None,
                 reasoner: bool = True) -> None:
        self.reasoner = reasoner
        self.submissions_dir = submissions_dir or paths.SUBMISSIONS_DIR
        self.shapes = shapes or paths.SHAPES_DIR / "data.ttl"
        self._data = data
        self._target = target
        self._on_commit = on_commit
        self._lock = threading.Lock()

    def files(self, exclude: str | None = None, extra: Path | None = None) -> DatasetFiles:
        files = DatasetFiles.discover(self._data, submissions_dir=self.submissions_dir)
        submissions = tuple(p for p in files.submissions if p.name != f"{exclude}.trig")
        if extra is not None:
            submissions = tuple(sorted((*submissions, extra), key=lambda p: p.name))
        return DatasetFiles(files.data, files.ontology, submissions)

    @contextlib.contextmanager
    def _exclusive(self) -> Iterator[None]:
        with self._lock, folder_lock(self.submissions_dir):
            yield

    def recover(self) -> str | None:
        """At start: drop staged files a crash left; if the store lags the folder (a crash between the
        file's rename and the store's commit), reload it from the files. Returns the store's version."""
        with self._exclusive():
            staging = self.submissions_dir / ".staging"
            for leftover in staging.glob("*") if staging.is_dir() else ():
                leftover.unlink(missing_ok=True)
            files = self.files()
            with self._target() as store:
                current = store.dataset_version()
                if current in {files.version(True), files.version(False)}:
                    return current
                if not files.submissions:
                    return current  # a store this folder knows nothing about (e.g. a synthetic graph)
                version, _ = load(store, files, force=True, reasoner=self.reasoner)
            self._on_commit(version)
            return version

    def _validate(self, store: Writable, name: str, triples: tuple[ox.Triple, ...],
                  files: DatasetFiles) -> list[dict]:
        """SHACL results of the dataset with submission ``name`` replaced by ``triples``: the store's data,
        ontology and submission graphs (not the inferred or provenance graphs, as for ``carekg check``)."""
        graphs = [str(GRAPH_DATA), str(GRAPH_ONTOLOGY),
                  *(str(submission_graph(p.name.removesuffix(".trig"))) for p in files.submissions)]
        return store.validate_change(self.shapes, triples, str(submission_graph(name)), graphs)

    def _apply(self, store: GraphStore, name: str, submission: Submission,
               triples: tuple[ox.Triple, ...], version: str, classify: bool) -> Changed | None:
        """Step 5: replace the submission's graphs, add its agents' description to the agents graph (a
        statement it holds already is not added twice) and drop the version (one transaction), recompute the
        rules for the keys the change can reach (carekg.incremental) and classify the touched nodes with
        the defined-class rule, then write those results (a second transaction), then the new version and
        the graphs' sizes. Until then the store has no version: a crash there makes the next start reload.
        Returns every statement the write removed from a graph and added to one, for the union copy
        (None when the store has none, or a rule's result has a blank subject)."""
        assert isinstance(store, Writable)  # _commit refused any other store
        data, provenance = submission.data, submission.provenance
        entity = submission_graph(name)
        recorded = store.recorded_triple_counts()
        unchanged = {graph: count for graph, count in recorded.items()
                     if graph not in {str(entity), str(provenance_graph(name)), str(GRAPH_AGENTS),
                                      str(GRAPH_INFERRED)}}
        before = store.run(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{entity}> {{ ?s ?p ?o }} }}",
                           "application/n-triples").body
        statements = [*ox.parse(before, format=ox.RdfFormat.N_TRIPLES), *triples]
        touched = incremental.touched_nodes(statements)
        affected = incremental.affected(store, touched)
        # The inferred graph's size moves by what the write changes in it, not counted again (it grows
        # with the dataset): the statements of the subjects each transaction rewrites, before and after.
        inferred_size = recorded.get(str(GRAPH_INFERRED))
        if inferred_size is not None:
            inferred_size -= incremental.inferred_statements_about(store, touched)
        # The recorded class and source counts move by what the write changes in the types of the
        # resources it can retype (carekg.statistics), read before and after each transaction.
        entities = recorded_entities = store.recorded_entities()
        retyped = touched | {str(s) for g in (provenance, submission.agents) for s in g.subjects()
                             if isinstance(s, URIRef)}
        typed_before = statistics.typed(store, retyped, str(entity)) if entities else frozenset()
        # The findings from an independent study: those the write can reach, read before and after it.
        independent_before = statistics.independent_findings(store, affected.keys[incremental.INDEPENDENT]) \
            if entities else None
        replaced = [str(g) for g in (entity, provenance_graph(name), GRAPH_META)]
        # What the write can change, read before and after it: the graphs it replaces or adds to, and the
        # inferred graph's statements about the subjects each transaction rewrites (as for the inferred
        # size); only if the previous version has a union copy to follow (none in memory, none after an
        # inexact one).
        copied = store if isinstance(store, UnionCopy) and store.has_union_copy() else None
        read = [*replaced, str(GRAPH_AGENTS)]  # a few statements per agent that ever wrote
        old_statements = (copied.statements_in(read, str(GRAPH_INFERRED), touched) if copied
                          else frozenset())
        # The meta graph keeps its counts (set_version writes only those that change); its version goes.
        version_statement = f"GRAPH <{GRAPH_META}> {{ <{GRAPH_META}> <{CKG.datasetVersion}> ?v }}"
        operations = [*(f"DROP SILENT GRAPH <{g}>" for g in replaced if g != str(GRAPH_META)),
                      f"DELETE WHERE {{ {version_statement} }}"]
        if classify and touched:  # the touched nodes' classification (HermiT's or the rule's) is made again
            inferred_types = f"GRAPH <{GRAPH_INFERRED}> {{ ?s a ?c }}"
            classes = iri_values(map(str, CLASSIFIED)).replace("> <", ">, <")  # a filter: see incremental
            operations.append(
                f"DELETE {{ {inferred_types} }} WHERE {{ VALUES ?s {{ {iri_values(touched)} }} "
                f"{inferred_types} FILTER(?c IN ({classes})) }}")
        store.update(";\n".join([
            *operations,
            "INSERT DATA {\n" + "\n".join(filter(None, (
                _graph_block(entity, data), _graph_block(provenance_graph(name), provenance),
                _graph_block(GRAPH_AGENTS, submission.agents)))) + "\n}"]))
        keys = incremental.merge(affected, incremental.affected(store, touched))
        forget, inferred = incremental.recompute(store, keys)
        if classify:
            inferred += classified(store, touched)
        rules = "\n".join(_statement(t) for t in inferred)
        rewritten = incremental.rewritten_subjects(store, keys, inferred)
        if inferred_size is not None and rewritten is not None:
            inferred_size -= incremental.inferred_statements_about(store, rewritten - touched)
        if entities and rewritten is not None:  # their types change in the second transaction only
            typed_before |= statistics.typed(store, rewritten - retyped)
        if copied and rewritten is not None:  # the first transaction changed none of theirs
            old_statements |= copied.statements_in((), str(GRAPH_INFERRED), rewritten - touched)
        if forget or rules:
            store.update(";\n".join([*forget, f"INSERT DATA {{ GRAPH <{GRAPH_INFERRED}> {{\n{rules}\n}} }}"]))
        if inferred_size is not None and rewritten is not None:
            inferred_size += incremental.inferred_statements_about(store, rewritten)
            unchanged[str(GRAPH_INFERRED)] = inferred_size
        if entities and rewritten is not None:
            typed_after = statistics.typed(store, retyped | rewritten, str(entity))
            entities = statistics.adjusted(entities, typed_before, typed_after,
                                           statistics.source_classes(store))
            if independent_before is not None:
                findings = (keys.before.keys[incremental.INDEPENDENT]
                            | keys.after.keys[incremental.INDEPENDENT])
                entities = statistics.with_independent_moved(store, entities, independent_before, findings)
        elif entities:  # a rule's result has a blank subject: its types cannot be read by name
            entities = statistics.counted(store)
        if entities:  # the organisations' innovations: counted again for those the statements reach
            reached = statistics.reached_organisations(
                store, ((t.subject.value, t.predicate.value, t.object.value) for t in statements))
            entities = statistics.with_organisations_counted(store, entities, reached)
        # The other graphs the write changed are counted again (the rest keep their recorded sizes), then
        # recorded with the version: the last step, so a crash before it leaves no version (a reload).
        store.set_version(version, graph_triples(store, self.files(), unchanged), entities,
                          recorded=(recorded, recorded_entities))
        if not copied or rewritten is None:
            return None
        new_statements = copied.statements_in(read, str(GRAPH_INFERRED), touched | rewritten)
        return Changed(removed=old_statements - new_statements, added=new_statements - old_statements)

    def submit(self, name: str, body: bytes, media_type: str, who: str) -> WriteResult:
        if not NAME.match(name or "") or len(name) > NAME_LENGTH:
            raise WriteRefused(Refusal.MALFORMED, f"the submission name must be 1-{NAME_LENGTH} characters: "
                               "lowercase letters and digits in words joined by single '-' (e.g. fdac-2024)")
        parsed = parse_untrusted(body, media_type)
        with self._exclusive():
            return self._commit(name, parsed, who)

    def _commit(self, name: str, parsed: Parsed, who: str) -> WriteResult:
        data = parsed.graph
        final = self.submissions_dir / f"{name}.trig"
        amended = final.exists()
        with self._target() as store:
            if not isinstance(store, Writable) or store.read_only:
                held = "read-only (oxigraph-ro:)" if isinstance(store, Writable) else store.name
                raise WriteRefused(Refusal.NOT_SUPPORTED, "writes need the embedded store opened read-write "
                                                          f"(oxigraph:PATH or memory:); this store is {held}")
            previous = store.dataset_version()
            old_files = self.files()
            classify = next((c for c in (True, False) if previous == old_files.version(c)), None)
            if classify is None:
                raise WriteRefused(Refusal.CONFLICT, "the store does not hold the dataset these files "
                                   "describe; run `carekg load` first")
            # 2. SHACL on the merged graph (data, ontology, the other submissions and this one), validating
            # only the nodes this change can affect, on the store itself (carekg.shacl.validate_change;
            # tests/shacl prove it equal to validating the whole merged graph).
            report = self._validate(store, name, parsed.triples, old_files)
            if report:
                raise ValidationFailed(report)
            # 3. the file as it will be, staged under its final name, and everything derived from it.
            started = _now()
            earlier = read_submission(final) if amended else None
            provenance = earlier.provenance if earlier else Graph()
            # The agents of the earlier writes stay described in this file (their activities stay).
            agents = earlier.agents if earlier else Graph()
            activity = WRITE[f"{name}-{sum(1 for _ in provenance.subjects(RDF.type, PROV.Activity)) + 1}"]
            agent = AGENT[_agent_slug(who)]
            entity = submission_graph(name)
            provenance.add((activity, RDF.type, PROV.Activity))
            verb = "amend" if amended else "add"
            provenance.add((activity, RDFS.label, Literal(f"{verb} submission {name}")))
            provenance.add((activity, PROV.wasAssociatedWith, agent))
            provenance.add((activity, PROV.startedAtTime, Literal(started, datatype=XSD.dateTime)))
            if previous is not None:
                provenance.add((activity, PROV.used, DATASET[previous]))
            provenance.add((activity, PROV.generated, entity))
            # Described in the agents graph, not this submission's provenance graph: once in the store
            # however many submissions the agent writes. A name spelt otherwise (the same slug, so the
            # same agent) is one more label: each file keeps what its writes said, and a reload of the
            # files gives the union of them, as the writes did.
            agents.add((agent, RDF.type, PROV.Agent))
            agents.add((agent, RDFS.label, Literal(who)))
            provenance.add((entity, RDF.type, PROV.Entity))
            provenance.set((entity, PROV.wasGeneratedBy, activity))
            provenance.set((entity, PROV.generatedAtTime, Literal(started, datatype=XSD.dateTime)))
            provenance.add((entity, PROV.wasAttributedTo, agent))
            if amended:
                provenance.add((activity, PROV.used, URIRef(f"{entity}#before-{activity.rsplit('/', 1)[1]}")))
            submission = Submission(data, provenance, agents)
            staged = stage(self.submissions_dir, name, trig(name, submission))
            try:
                version = self.files(exclude=name, extra=staged).version(classify)
                # 4. the file becomes part of the dataset (atomic rename on one filesystem) ...
                os.replace(staged, final)
                fsync_folder(self.submissions_dir)
            finally:
                staged.unlink(missing_ok=True)
            # 5. ... and the store follows: the statements, then the rules for what they touch.
            changed = self._apply(store, name, submission, parsed.triples, version, classify)
            # 6. the search index follows (only the documents of what the submission spoke of, before and
            # after), before readers see the new version; if it cannot, the first search builds one.
            try:
                search.follow_write(store, previous, version,
                                    search.resources_in(data, *([earlier.data] if earlier else [])))
            except Exception:
                log.exception("the search index of %s will be built by the first search", version)
            # 7. the union copy /sparql reads follows by the write's own changes (carekg.store.union_view);
            # if it cannot, the server writes it whole after the write.
            if changed is not None and previous is not None and isinstance(store, UnionCopy):
                try:
                    store.follow_union_copy(previous, changed.removed, changed.added)
                except Exception:
                    log.exception("the union copy of %s will be written whole", version)
        self._on_commit(version)
        return WriteResult(name, version, previous, len(data), str(activity), amended)
