"""``carekg release X.Y.Z``: stamp, merge and publish one version of the ontology.

A release

1. refuses a version that is not X.Y.Z or not greater than the last release in ``ontology/release/``;
2. restamps every module's ``owl:versionIRI`` (``https://w3id.org/carekg/def/X.Y.Z/<module>``) and
   ``owl:versionInfo`` in ``ontology/`` (hand-edited and generated modules alike; ``carekg build``
   reads the version back from the aggregator, so the two never disagree);
3. merges every module into one ontology, ``https://w3id.org/carekg/def`` with
   ``owl:versionIRI <https://w3id.org/carekg/def/X.Y.Z>`` and ``owl:versionInfo "X.Y.Z"``, and
   writes it to ``ontology/release/X.Y.Z/carekg.{ttl,owl,jsonld}`` (Turtle, RDF/XML, JSON-LD);
4. writes ``ontology/release/X.Y.Z/diff.md``, the terms added, changed, deprecated (and removed,
   which the deprecation policy forbids) since the previous release;
5. moves the ``[Unreleased]`` notes of ``CHANGELOG.md`` into a new ``[X.Y.Z]`` entry with the diff's
   summary.

The package version (``carekg.__version__``) is not touched: the package and the ontology are
versioned separately, and the changelog records both.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import OWL, RDF, RDFS, SKOS, Graph, Literal, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.namespace import DCTERMS

from carekg import paths
from carekg.build import version as versioning
from carekg.build.turtle import EXTRA_PREFIXES
from carekg.ids import BASE, PREFIXES, SEMAPV, SSSOM

AGGREGATOR = URIRef(versioning.DEF)
FORMATS = {"ttl": "turtle", "owl": "xml", "jsonld": "json-ld"}
EXTRA = {"sssom": str(SSSOM), "semapv": str(SEMAPV)}


class ReleaseError(ValueError):
    """The release cannot be made; the message says why in a curator's words."""


@dataclass
class TermDiff:
    previous: str | None
    added: list[URIRef] = field(default_factory=list)
    changed: dict[URIRef, list[str]] = field(default_factory=dict)
    deprecated: list[URIRef] = field(default_factory=list)
    removed: list[URIRef] = field(default_factory=list)


@dataclass
class ReleaseResult:
    version: str
    previous: str | None
    written: list[Path]
    diff: TermDiff


def releases(release_dir: Path) -> list[str]:
    """The versions already released, oldest first."""
    found = []
    for folder in release_dir.glob("*/carekg.ttl"):
        try:
            versioning.parse(folder.parent.name)
        except ValueError:
            continue
        found.append(folder.parent.name)
    return sorted(found, key=versioning.parse)


def check_version(version: str, release_dir: Path) -> str | None:
    """The previous release, after refusing a malformed or non-increasing ``version``."""
    try:
        wanted = versioning.parse(version)
    except ValueError as error:
        raise ReleaseError(str(error)) from None
    done = releases(release_dir)
    if version in done:
        raise ReleaseError(f"version {version} is already released (ontology/release/{version}/); "
                           "choose a greater one")
    if done and wanted <= versioning.parse(done[-1]):
        raise ReleaseError(f"version {version} is not greater than the last release, {done[-1]}: "
                           "a release number only goes up")
    return done[-1] if done else None


def ontology_sources(ontology_dir: Path) -> list[Path]:
    """Every Turtle module of the ontology, without earlier releases (as ``paths.ontology_files``)."""
    files = sorted(ontology_dir.glob("*.ttl")) + sorted(ontology_dir.glob("*/*.ttl"))
    return [f for f in files if "release" not in f.relative_to(ontology_dir).parts]


def restamp_sources(files: list[Path], version: str) -> list[Path]:
    """Set every module's version IRI and version info to ``version``; returns the files changed."""
    changed = []
    for path in files:
        text = path.read_text(encoding="utf-8")
        new = versioning.restamp(text, version)
        if new != text:
            path.write_text(new, encoding="utf-8")
            changed.append(path)
    return changed


def merged(files: list[Path], version: str, previous: str | None) -> Graph:
    """All modules as one ontology document, with canonical blank nodes so output is stable."""
    graph = Graph()
    for path in files:
        graph.parse(path, format="turtle")
    modules = set(graph.subjects(RDF.type, OWL.Ontology)) - {AGGREGATOR}
    for module in modules:
        graph.remove((module, None, None))
    for predicate in (OWL.imports, OWL.versionIRI, OWL.versionInfo, OWL.priorVersion):
        graph.remove((AGGREGATOR, predicate, None))
    graph.add((AGGREGATOR, RDF.type, OWL.Ontology))
    graph.add((AGGREGATOR, OWL.versionIRI, URIRef(versioning.version_iri(version))))
    graph.add((AGGREGATOR, OWL.versionInfo, Literal(version)))
    if previous:
        graph.add((AGGREGATOR, OWL.priorVersion, URIRef(versioning.version_iri(previous))))
    graph.add((AGGREGATOR, RDFS.comment, Literal(
        f"Release {version} of carekg: every module of ontology/ merged into one document by `carekg "
        f"release {version}`. Generated; do not edit. Module IRIs survive as the values of "
        "rdfs:isDefinedBy.", lang="en")))
    stable = Graph(bind_namespaces="none")
    for prefix, iri in {**PREFIXES, **EXTRA_PREFIXES, **EXTRA}.items():
        stable.bind(prefix, iri)
    for triple in sorted(to_canonical_graph(graph)):
        stable.add(triple)
    return stable


def _header(version: str, fmt: str) -> str:
    text = (f"GENERATED by `carekg release {version}` from the modules in ontology/ (merged). "
            "Do not edit: edit the modules and make a new release.")
    return {"ttl": f"# {text}\n", "owl": f"<!-- {text} -->\n"}.get(fmt, "")


def serialise(graph: Graph, folder: Path, version: str) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for suffix, fmt in FORMATS.items():
        body = graph.serialize(format=fmt)
        if suffix == "owl":
            declaration, _, rest = body.partition("\n")
            body = f"{declaration}\n{_header(version, suffix)}{rest}"
        else:
            body = _header(version, suffix) + body
        path = folder / f"carekg.{suffix}"
        path.write_text(body if body.endswith("\n") else body + "\n", encoding="utf-8")
        written.append(path)
    return written


# ---------------------------------------------------------------------------------------------- diff

def terms(graph: Graph) -> dict[URIRef, frozenset]:
    """Each carekg term (an IRI naming its module with rdfs:isDefinedBy) with its description."""
    described = {}
    for term in set(graph.subjects(RDFS.isDefinedBy, None)):
        if isinstance(term, URIRef) and str(term).startswith(BASE):
            described[term] = frozenset(graph.predicate_objects(term))
    return described


def term_diff(new: Graph, old: Graph | None, previous: str | None) -> TermDiff:
    diff = TermDiff(previous)
    # blank nodes get the same canonical labels in both, so equal structures compare equal
    if old is not None:
        old_canonical = Graph()
        for triple in to_canonical_graph(old):
            old_canonical.add(triple)
        old = old_canonical
    now, before = terms(new), terms(old) if old is not None else {}
    diff.added = sorted(set(now) - set(before))
    diff.removed = sorted(set(before) - set(now))
    for term in sorted(set(now) & set(before)):
        if now[term] != before[term]:
            changed = {p for p, _ in now[term] ^ before[term]}
            diff.changed[term] = sorted(new.namespace_manager.normalizeUri(p) for p in changed)
    def is_deprecated(graph: Graph | None, term) -> bool:
        return graph is not None and (term, OWL.deprecated, Literal(True)) in graph

    diff.deprecated = sorted(t for t in now if is_deprecated(new, t) and not is_deprecated(old, t))
    for term in diff.deprecated:  # listed once, as deprecated
        diff.changed.pop(term, None)
    return diff


def _label(graph: Graph, term: URIRef) -> str:
    label = graph.value(term, SKOS.prefLabel) or graph.value(term, RDFS.label) or ""
    return " ".join(str(label).split()).replace("|", "/")


def _module(graph: Graph, term: URIRef) -> str:
    return str(graph.value(term, RDFS.isDefinedBy) or "").rsplit("/", 1)[-1]


def render_diff(diff: TermDiff, new: Graph, version: str) -> str:
    short = new.namespace_manager.normalizeUri
    against = f"release {diff.previous}" if diff.previous else "nothing (first release: every term is new)"
    lines = [
        f"# carekg {version}: term diff",
        "",
        f"GENERATED by `carekg release {version}`. Compared with {against}. A term is an IRI that names its",
        "defining module with `rdfs:isDefinedBy`; a term has changed when any of its own statements changed.",
        "",
        "| | terms |",
        "| --- | ---: |",
        f"| added | {len(diff.added)} |",
        f"| changed | {len(diff.changed)} |",
        f"| deprecated | {len(diff.deprecated)} |",
        f"| removed (forbidden: deprecate instead) | {len(diff.removed)} |",
        "",
    ]
    by_module: dict[str, list[URIRef]] = defaultdict(list)
    for term in diff.added:
        by_module[_module(new, term)].append(term)
    lines += [f"## Added ({len(diff.added)})", ""]
    for module in sorted(by_module):
        lines += [f"### {module} ({len(by_module[module])})", "", "| term | label |", "| --- | --- |"]
        lines += [f"| `{short(t)}` | {_label(new, t)} |" for t in by_module[module]]
        lines.append("")
    lines += [f"## Changed ({len(diff.changed)})", ""]
    if diff.changed:
        lines += ["| term | label | statements changed |", "| --- | --- | --- |"]
        lines += [f"| `{short(t)}` | {_label(new, t)} | {', '.join(f'`{p}`' for p in ps)} |"
                  for t, ps in diff.changed.items()]
    lines.append("")
    lines += [f"## Deprecated ({len(diff.deprecated)})", ""]
    if diff.deprecated:
        lines += ["| term | label | replaced by |", "| --- | --- | --- |"]
        lines += [f"| `{short(t)}` | {_label(new, t)} | "
                  f"{', '.join(f'`{short(str(r))}`' for r in new.objects(t, DCTERMS.isReplacedBy)) or '-'} |"
                  for t in diff.deprecated]
    lines.append("")
    lines += [f"## Removed ({len(diff.removed)})", ""]
    lines += [f"- `{t}`" for t in diff.removed]
    if diff.removed:
        lines += ["", "Removing a term breaks links and data; the policy is to deprecate it instead."]
    return "\n".join(lines).rstrip("\n") + "\n"


# ----------------------------------------------------------------------------------------- changelog

CHANGELOG_HEAD = """# Changelog

All notable changes to carekg: the **ontology** (`ontology/`, released with `carekg release X.Y.Z`
into `ontology/release/X.Y.Z/`) and the **package and API** (`src/carekg/`, `api/`). The two are
versioned separately: an ontology release number says nothing about `carekg.__version__`.

The format follows [Keep a Changelog](https://keepachangelog.com/en/1.1.0/) and versions follow
[Semantic Versioning](https://semver.org/). Deprecating, renaming or removing a term is **Breaking**.
Write under `[Unreleased]` as you work; `carekg release` moves those notes into the new version.
"""
UNRELEASED = "## [Unreleased]\n\n### Ontology\n\n### Package/API\n"
_SECTION = re.compile(r"^### (.+)$", re.M)


def _unreleased_notes(text: str) -> tuple[dict[str, str], str, str]:
    """(notes per sub-heading, text before [Unreleased], text after it)."""
    start = text.find("## [Unreleased]")
    if start < 0:
        return {}, text.rstrip("\n") + "\n\n", ""
    following = text.find("\n## [", start + 1)
    end = len(text) if following < 0 else following + 1
    block = text[start:end]
    notes: dict[str, str] = {}
    parts = _SECTION.split(block)
    for heading, body in zip(parts[1::2], parts[2::2], strict=False):
        notes[heading.strip()] = body.strip()
    return notes, text[:start], text[end:]


def update_changelog(path: Path, version: str, diff: TermDiff, today: str) -> None:
    text = path.read_text(encoding="utf-8") if path.exists() else CHANGELOG_HEAD
    notes, before, after = _unreleased_notes(text)
    against = f"release {diff.previous}" if diff.previous else "nothing (first release)"
    summary = (f"- Term diff against {against}: "
               f"{len(diff.added)} added, {len(diff.changed)} changed, {len(diff.deprecated)} deprecated, "
               f"{len(diff.removed)} removed; see [ontology/release/{version}/diff.md]"
               f"(ontology/release/{version}/diff.md).")
    ontology = [notes.get("Ontology", "")]
    if diff.deprecated or diff.removed:
        ontology.append(f"- **Breaking**: {len(diff.deprecated)} term(s) deprecated, "
                        f"{len(diff.removed)} removed.")
    ontology.append(summary)
    ontology.append(f"- Artefacts: `ontology/release/{version}/carekg.ttl`, `carekg.owl` (RDF/XML) and "
                    f"`carekg.jsonld`, version IRI `{versioning.version_iri(version)}`.")
    package = notes.get("Package/API") or "- No changes recorded."
    entry = (f"## [{version}] - {today}\n\n### Ontology\n\n" + "\n".join(filter(None, ontology)) +
             f"\n\n### Package/API\n\n{package}\n")
    for heading, body in notes.items():
        if heading not in {"Ontology", "Package/API"} and body:
            entry += f"\n### {heading}\n\n{body}\n"
    path.write_text(before + UNRELEASED + "\n" + entry + ("\n" + after if after else ""), encoding="utf-8")


# ------------------------------------------------------------------------------------------- release

def make_release(version: str, ontology_dir: Path | None = None, changelog: Path | None = None,
                 today: str | None = None) -> ReleaseResult:
    """Make release ``version`` of the ontology in ``ontology_dir``; see the module docstring."""
    ontology_dir = ontology_dir or paths.ONTOLOGY_DIR
    changelog = changelog or paths.ROOT / "CHANGELOG.md"
    release_dir = ontology_dir / "release"
    previous = check_version(version, release_dir)
    sources = ontology_sources(ontology_dir)
    if not any(p.name == "carekg.ttl" for p in sources):
        raise ReleaseError(f"no aggregator carekg.ttl in {ontology_dir}")
    written = restamp_sources(sources, version)
    graph = merged(sources, version, previous)
    folder = release_dir / version
    written += serialise(graph, folder, version)
    old = Graph().parse(release_dir / previous / "carekg.ttl", format="turtle") if previous else None
    diff = term_diff(graph, old, previous)
    (folder / "diff.md").write_text(render_diff(diff, graph, version), encoding="utf-8")
    written.append(folder / "diff.md")
    update_changelog(changelog, version, diff, today or dt.date.today().isoformat())
    written.append(changelog)
    return ReleaseResult(version, previous, written, diff)
