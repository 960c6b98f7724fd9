"""``carekg check``: every check the curated evidence and the ontology must pass.

0. The curation tables can be compiled (each problem names file, row and column; see build.tables).
1. Every Turtle file parses.
2. The data conforms to ``shapes/data.ttl`` (validated with the ontology merged in).
3. The ontology conforms to ``shapes/ontology.ttl`` (term hygiene).
   SHACL runs on carekg's SPARQL engine (carekg.shacl), which agrees with pyshacl on these shapes;
   ``shacl_engine="pyshacl"`` runs pyshacl itself, and so does a shapes file the engine cannot compile.
4. HermiT finds the ontology and data consistent.
5. Every ``shapes/checks/*-violation.rq`` returns no rows.

Each problem becomes one Violation (check, file, node, path, message) in a readable report.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from pyshacl import validate
from rdflib import RDF, Graph
from rdflib.namespace import SH

from carekg import paths, shacl
from carekg.build import tables
from carekg.ids import GRAPH_DATA, GRAPH_ONTOLOGY
from carekg.reasoning import ReasonerUnavailable, run_hermit
from carekg.store import get_store

Progress = Callable[[str], None]
#: The SHACL validators ``run_checks`` can use; the first is the default.
SHACL_ENGINES = ("oxigraph", "pyshacl")


@dataclass(frozen=True)
class Violation:
    check: str
    file: str
    node: str
    path: str
    message: str

    def line(self) -> str:
        where = self.file or "-"
        node = f" {self.node}" if self.node else ""
        path = f" [{self.path}]" if self.path else ""
        return f"{where}:{node}{path}\n    {self.message}"


@dataclass
class Report:
    violations: list[Violation] = field(default_factory=list)
    checks_run: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.violations

    def render(self) -> str:
        lines = []
        for check in self.checks_run:
            found = [v for v in self.violations if v.check == check]
            problems = f": {len(found)} problem(s)" if found else ""
            lines.append(f"{'FAIL' if found else 'ok  '} {check}{problems}")
            lines.extend("  " + v.line().replace("\n", "\n  ") for v in found)
        verdict = ("carekg check passed" if self.ok
                   else f"carekg check FAILED: {len(self.violations)} problem(s)")
        return "\n".join([*lines, verdict])


def _relative(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(paths.ROOT.resolve()))
    except ValueError:
        return str(path)


def _parse(files: Iterable[Path], report: Report, check: str) -> tuple[Graph, dict[str, str]]:
    graph = Graph()
    owner: dict[str, str] = {}
    for path in files:
        part = Graph()
        try:
            part.parse(path, format="turtle")
        except Exception as error:  # rdflib raises several types for bad Turtle
            message = " ".join(str(error).split())[:400]
            report.violations.append(Violation(check, _relative(path), "", "",
                                               f"does not parse as Turtle: {message}"))
            continue
        for subject in set(part.subjects()):
            owner.setdefault(str(subject), _relative(path))
        graph += part
    return graph, owner


def _oxigraph_shacl(files: list[Path], shapes: Path, parse_failures: set[str]) -> tuple[list, dict[str, str]]:
    """carekg.shacl's results for the files (literals kept as written), and which file each blank node
    subject comes from. Files the parse check rejected are left out, as from the rdflib graph."""
    kept = [path for path in files if _relative(path) not in parse_failures]
    results, blank_owner = shacl.validate_files(kept, shacl.load_shapes(shapes))
    return results, {label: _relative(path) for label, path in blank_owner.items()}


def _shacl(graph: Callable[[], Graph], files: list[Path], shapes: Path, owner: dict[str, str], check: str,
           report: Report, engine: str, progress: Progress) -> None:
    """SHACL results as violations: by carekg.shacl on the files, or by pyshacl on ``graph()`` (their
    rdflib graph) when asked to or when the engine cannot compile the shapes (``progress`` says why)."""
    if engine == "oxigraph":
        parse_failures = {v.file for v in report.violations if v.check == "parse"}
        try:
            results, blank_owner = _oxigraph_shacl(files, shapes, parse_failures)
        except (shacl.UnsupportedShape, shacl.UnparsableFile) as reason:  # Oxigraph and rdflib disagree
            progress(f"{check}: validating with pyshacl instead: {reason}")
        else:
            for result in results:
                node = result.focus_node.value
                text = result.message
                if result.value is not None and result.value != result.focus_node:
                    text += f" (value: {result.value.value})"
                where = owner.get(node) or blank_owner.get(node, "")
                report.violations.append(Violation(check, where, node, result.result_path or "", text))
            return
    shapes_graph = Graph().parse(shapes, format="turtle")
    conforms, results, _ = validate(graph(), shacl_graph=shapes_graph, inference="none", allow_warnings=False)
    if conforms:
        return
    for result in results.subjects(RDF.type, SH.ValidationResult):
        node = results.value(result, SH.focusNode)
        path = results.value(result, SH.resultPath)
        message = results.value(result, SH.resultMessage)
        value = results.value(result, SH.value)
        text = str(message) if message else "does not conform"
        if value is not None and value != node:
            text += f" (value: {value})"
        report.violations.append(Violation(check, owner.get(str(node), ""), str(node), str(path or ""), text))


def _sparql_checks(data_files: list[Path], ontology_files: list[Path], checks_dir: Path,
                   owner: dict[str, str], report: Report) -> None:
    store = get_store("memory:")
    parse_failures = {v.file for v in report.violations if v.check == "parse"}
    for graph, files in ((GRAPH_DATA, data_files), (GRAPH_ONTOLOGY, ontology_files)):
        for path in files:
            if _relative(path) in parse_failures:
                continue  # already reported by the parse check
            try:
                store.load_graph(str(graph), path)
            except SyntaxError:
                continue  # rdflib parsed it and Oxigraph does not: the SHACL check says so
    queries = sorted(checks_dir.glob("*-violation.rq"))
    if not queries:
        report.violations.append(Violation("sparql", _relative(checks_dir), "", "",
                                           "no *-violation.rq checks found"))
    for query in queries:
        name = f"sparql {query.stem}"
        report.checks_run.append(name)
        for row in store.select(query.read_text(encoding="utf-8")):
            node = row.get("node", "")
            report.violations.append(Violation(name, owner.get(node, ""), node, row.get("path", ""),
                                               row.get("message", query.stem)))


def run_checks(
    data_files: list[Path] | None = None,
    ontology_files: list[Path] | None = None,
    shapes_dir: Path | None = None,
    *,
    curation_dir: Path | None = None,
    reasoner: bool = True,
    shacl_engine: str = SHACL_ENGINES[0],
    progress: Progress = lambda _: None,
) -> Report:
    """Run every check; nothing is written anywhere. ``shacl_engine`` is one of SHACL_ENGINES.

    The curation tables are checked when ``curation_dir`` is given, or when the repository's own data is
    checked (no ``data_files``)."""
    if shacl_engine not in SHACL_ENGINES:
        raise ValueError(f"unknown SHACL engine {shacl_engine!r}: use one of {', '.join(SHACL_ENGINES)}")
    if curation_dir is None and data_files is None:
        curation_dir = paths.CURATION_DIR
    data_files = list(data_files if data_files is not None else paths.data_files())
    ontology_files = list(ontology_files if ontology_files is not None else paths.ontology_files())
    shapes_dir = shapes_dir or paths.SHAPES_DIR
    report = Report()
    if curation_dir is not None:
        progress("checking the curation tables")
        report.checks_run.append("curation tables")
        for problem in tables.problems(curation_dir):
            report.violations.append(Violation("curation tables", problem.file, f"row {problem.row}",
                                               f"column {problem.column}", problem.message))
    if not data_files or not ontology_files:
        report.checks_run.append("files")
        report.violations.append(Violation("files", "", "", "",
                                           "no data or ontology Turtle files were found"))
        return report

    progress("parsing Turtle")
    report.checks_run.append("parse")
    shapes_files = sorted(shapes_dir.glob("*.ttl"))
    ontology, ontology_owner = _parse(ontology_files, report, "parse")
    data, data_owner = _parse(data_files, report, "parse")
    _parse(shapes_files, report, "parse")
    owner = {**ontology_owner, **data_owner}

    progress("validating data with SHACL")
    report.checks_run.append("shacl data")
    _shacl(lambda: data + ontology, [*data_files, *ontology_files], shapes_dir / "data.ttl", owner,
           "shacl data", report, shacl_engine, progress)
    progress("validating ontology with SHACL")
    report.checks_run.append("shacl ontology")
    _shacl(lambda: ontology, ontology_files, shapes_dir / "ontology.ttl", ontology_owner, "shacl ontology",
           report, shacl_engine, progress)

    if reasoner:
        progress("reasoning with HermiT")
        report.checks_run.append("hermit")
        try:
            result = run_hermit(data + ontology)
            if not result.consistent:
                report.violations.append(Violation("hermit", "", "", "", result.message))
        except ReasonerUnavailable as error:
            report.violations.append(Violation("hermit", "", "", "", str(error)))

    progress("running SPARQL violation queries")
    _sparql_checks(data_files, ontology_files, shapes_dir / "checks", owner, report)
    return report
