"""The ``carekg`` command line: build, check, load, query, export, release, map, docs. The service
has its own entry point, ``carekg-serve`` (``python -m api``), which reuses the helpers here.

Exit codes: 0 success; 1 the data failed its checks; 2 bad usage or bad input (a malformed query,
an unknown store, a missing file); 3 the store or a service could not be reached.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

from carekg.ids import check_instance_base

EXIT_OK, EXIT_CHECK_FAILED, EXIT_USAGE, EXIT_UNAVAILABLE = 0, 1, 2, 3

EPILOG = """\
examples:
  carekg check                          # validate data/ and ontology/ (SHACL, HermiT, SPARQL checks)
  carekg load                           # load the dataset into the embedded store (.carekg/store)
  carekg query 'SELECT (COUNT(*) AS ?n) { ?f a ckg:Finding }'
  carekg export --format nquads --out carekg.nq
  carekg map --out gap-map.png          # the evidence gap map as PNG (or .svg)
  carekg docs                           # the ontology's HTML documentation (pyLODE), served at /def
  carekg generate --triples 100000 --out /tmp/100k.nt && carekg load --data /tmp/100k.nt --no-reasoner

exit codes: 0 ok; 1 checks failed; 2 bad usage or input; 3 store or service unavailable
"""


def progress_printer(quiet: bool):
    """A progress callback printing each step with the elapsed time on stderr (nothing if ``quiet``)."""
    started = time.perf_counter()

    def report(message: str) -> None:
        if not quiet:  # the elapsed time shows where long work spends it
            print(f"... {message} (at {time.perf_counter() - started:.1f} s)", file=sys.stderr, flush=True)

    return report


def cmd_build(args) -> int:
    from carekg import paths
    from carekg.build import diagram, evidence, frameworks, namespaces

    # every curation table is checked before anything is written, so a bad row changes nothing
    try:
        outputs = evidence.compile_all(paths.CURATION_DIR, paths.ONTOLOGY_DIR, paths.DATA_DIR)
    except evidence.CurationError as error:
        print(f"error: carekg build refused the curation tables:\n{error}", file=sys.stderr)
        return EXIT_USAGE
    written = [namespaces.build(paths.ONTOLOGY_DIR / "modules", paths.ROOT / "src/carekg/namespaces.py")]
    written += frameworks.build(paths.FRAMEWORKS_YAML, paths.ONTOLOGY_DIR / "modules")
    written += evidence.write_all(outputs, paths.DATA_DIR)
    if diagram.update_readme(paths.ONTOLOGY_DIR / "modules" / "core.ttl", paths.ROOT / "README.md"):
        written.append(paths.ROOT / "README.md")
    for path in written:
        print(f"wrote {path.relative_to(paths.ROOT)}")
    return EXIT_OK


def checks_pass(refusal: str, quiet: bool) -> bool:
    """Run ``carekg check``; when it fails, print its report and ``refusal`` to stderr."""
    from carekg.check import run_checks

    report = run_checks(progress=progress_printer(quiet))
    if not report.ok:
        print(report.render(), file=sys.stderr)
        print(refusal, file=sys.stderr)
    return report.ok


def cmd_check(args) -> int:
    from carekg.check import run_checks

    report = run_checks(reasoner=not args.no_reasoner, shacl_engine=args.shacl_engine,
                        progress=progress_printer(args.quiet))
    if args.format == "json":
        print(json.dumps({"ok": report.ok, "checks": report.checks_run,
                          "violations": [v.__dict__ for v in report.violations]}, indent=2))
    else:
        print(report.render())
    return EXIT_OK if report.ok else EXIT_CHECK_FAILED


def open_store(descriptor: str | None, read_only: bool = False):
    """The store a descriptor names; an unknown or unreachable one exits with EXIT_UNAVAILABLE."""
    from carekg.store import StoreError, get_store

    try:
        return get_store(descriptor, read_only=read_only)
    except StoreError as error:
        print(f"error: {error}", file=sys.stderr)
        raise SystemExit(EXIT_UNAVAILABLE) from None


def cmd_load(args) -> int:
    from carekg.loader import DatasetFiles, load
    from carekg.progress import ProgressBar
    from carekg.store import StoreError

    try:
        files = DatasetFiles.discover([Path(p) for p in args.data] if args.data else None)
    except FileNotFoundError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    store = open_store(args.store)
    bar = ProgressBar("loading", "B", enabled=not args.quiet)
    progress = progress_printer(args.quiet)
    try:
        started = time.perf_counter()
        version, loaded = load(store, files, force=args.force, reasoner=not args.no_reasoner,
                               progress=progress, load_progress=bar)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_CHECK_FAILED
    except StoreError as error:  # a remote store that is down, slow or refuses the load
        print(f"error: {error}", file=sys.stderr)
        return EXIT_UNAVAILABLE
    # No triple count: counting scans the whole store (tens of seconds at 10M triples).
    print(f"dataset {version} loaded in {time.perf_counter() - started:.1f} s" if loaded
          else f"dataset {version} already loaded")
    build_search_index(store, progress)
    return EXIT_OK


def cmd_migrate_submissions(args) -> int:
    from carekg.submissions import migrate

    folder = Path(args.submissions) if args.submissions else None
    if folder is not None and not folder.is_dir():
        print(f"error: {folder} is not a folder", file=sys.stderr)
        return EXIT_USAGE
    migrated = migrate(folder)
    print(f"{len(migrated)} submission file(s) rewritten: agents now in graph/agents"
          + (" (" + ", ".join(migrated) + "); run `carekg load` (carekg-serve reloads at its start)"
             if migrated else ""))
    return EXIT_OK


def build_search_index(store, progress) -> None:
    """An on-disk store's search index, if it is missing (a load builds it with the store, unless its
    folder could not be written; a store loaded by an older carekg has none), so the service's first
    search need not wait for it. carekg-serve (api/__main__.py) calls it after its load too."""
    from carekg.search import build_index, index_file

    version = store.dataset_version()
    path = index_file(store, version) if version else None
    if path is None or path.is_file():
        return
    progress("building the search index")  # bench/steps.py times this step by its words
    started = time.perf_counter()
    build_index(store).close()
    print(f"search index built in {time.perf_counter() - started:.1f} s")


def cmd_generate(args) -> int:
    from carekg.generate import generate
    from carekg.progress import ProgressBar

    if args.triples < 1000:
        print("error: --triples must be at least 1000", file=sys.stderr)
        return EXIT_USAGE
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    written = generate(args.triples, out, seed=args.seed,
                       progress=ProgressBar("generating", " findings", enabled=not args.quiet))
    print(f"wrote {out}: {written} triples (seed {args.seed})")
    return EXIT_OK


QUERY_FORMATS = {
    "json": "application/sparql-results+json", "xml": "application/sparql-results+xml",
    "csv": "text/csv", "tsv": "text/tab-separated-values",
    "turtle": "text/turtle", "ntriples": "application/n-triples", "jsonld": "application/ld+json",
}


def cmd_query(args) -> int:
    from carekg.ids import sparql_prefixes
    from carekg.query_guard import RefusedQuery, check_query, syntax_error_message
    from carekg.store import QuerySyntaxError, StoreError

    text = Path(args.file).read_text(encoding="utf-8") if args.file else args.query
    if not text:
        print("error: give a query or --file", file=sys.stderr)
        return EXIT_USAGE
    prepended = sparql_prefixes() if "PREFIX" not in text.upper() else ""
    text = prepended + text
    try:
        checked = check_query(text)
    except RefusedQuery as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    graph_form = checked.form in {"CONSTRUCT", "DESCRIBE"}
    fmt = args.format or ("turtle" if graph_form else "tsv")
    if graph_form != (fmt in {"turtle", "ntriples", "jsonld"}):
        print(f"error: --format {fmt} does not fit a {checked.form} query", file=sys.stderr)
        return EXIT_USAGE
    store = open_store(args.store, read_only=True)
    try:
        result = store.run(text, QUERY_FORMATS[fmt])
    except QuerySyntaxError as error:  # check_query leaves syntax to the engine
        print(f"error: {syntax_error_message(str(error), prepended, text)}", file=sys.stderr)
        return EXIT_USAGE
    except StoreError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    sys.stdout.write(result.body.decode("utf-8"))
    return EXIT_OK


EXPORT_FORMATS = {"turtle": "text/turtle", "nquads": "application/n-quads", "jsonld": "application/ld+json",
                  "ntriples": "application/n-triples"}


def cmd_export(args) -> int:
    from carekg import services

    store = open_store(args.store, read_only=True)
    chunks: Iterator[bytes]
    if args.format == "csv":
        chunks = (chunk.encode("utf-8") for chunk in services.findings_csv(store))
    else:
        chunks = services.export_dataset(store, EXPORT_FORMATS[args.format])
    written = 0
    with (open(args.out, "wb") if args.out else contextlib.nullcontext(sys.stdout.buffer)) as out:
        for chunk in chunks:
            out.write(chunk)
            written += len(chunk)
    if args.out:
        print(f"wrote {args.out} ({written} bytes)", file=sys.stderr)
    return EXIT_OK


def cmd_release(args) -> int:
    from carekg import paths
    from carekg.release import ReleaseError, check_version, make_release

    try:
        check_version(args.version, paths.ONTOLOGY_DIR / "release")
        if args.date:
            import datetime

            datetime.date.fromisoformat(args.date)
    except ReleaseError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except ValueError:
        print(f"error: --date {args.date!r} is not a date of the form YYYY-MM-DD", file=sys.stderr)
        return EXIT_USAGE
    if not args.skip_check and not checks_pass("refusing to release an ontology that fails `carekg check`",
                                               args.quiet):
        return EXIT_CHECK_FAILED
    try:
        result = make_release(args.version, today=args.date)
    except ReleaseError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    for path in result.written:
        print(f"wrote {path.relative_to(paths.ROOT)}")
    diff = result.diff
    print(f"released ontology {result.version} (previous: {result.previous or 'none'}): "
          f"{len(diff.added)} terms added, {len(diff.changed)} changed, {len(diff.deprecated)} deprecated, "
          f"{len(diff.removed)} removed")
    return EXIT_OK


def cmd_map(args) -> int:
    from carekg.drawing.gap_map import map_png, map_svg
    from carekg.services.gap_map import gap_map

    out = Path(args.out)
    fmt = args.format or out.suffix.lower().lstrip(".")
    if fmt not in {"svg", "png"}:
        print(f"error: cannot tell the format of {args.out!r}: name it .svg or .png, or give --format",
              file=sys.stderr)
        return EXIT_USAGE
    store = open_store(args.store, read_only=True)
    if store.dataset_version() is None:
        print("error: the store holds no dataset: run `carekg load` first", file=sys.stderr)
        return EXIT_UNAVAILABLE
    the_map = gap_map(store, limit=None)  # the whole map: a file, not a request
    body = map_svg(the_map).encode("utf-8") if fmt == "svg" else map_png(the_map)
    try:
        out.write_bytes(body)
    except OSError as error:
        print(f"error: cannot write {args.out}: {error.strerror}", file=sys.stderr)
        return EXIT_USAGE
    print(f"wrote {args.out} ({fmt.upper()}, {len(the_map.rows)} innovations x {len(the_map.subdomains)} "
          f"NASSS sub-domains, {the_map.empty_cells} empty cells, {len(body)} bytes)", file=sys.stderr)
    return EXIT_OK


def cmd_docs(args) -> int:
    from carekg import ontology_docs

    try:
        out = ontology_docs.ontology_docs(Path(args.out) if args.out else ontology_docs.ONTOLOGY_DOCS)
    except ImportError:
        print("error: pyLODE is not installed (pip install 'pylode==3.3.4')", file=sys.stderr)
        return EXIT_UNAVAILABLE
    except OSError as error:
        print(f"error: cannot write the documentation: {error}", file=sys.stderr)
        return EXIT_USAGE
    print(f"wrote {out}")
    return EXIT_OK


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(
        prog="carekg", description="A knowledge graph of innovations in children's social care and the "
        "organisational factors that support or hinder their spread.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    root.add_argument("--quiet", "-q", action="store_true", help="no progress messages")
    sub = root.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(name, func, help_text, example):
        command = sub.add_parser(name, help=help_text, description=help_text,
                                 epilog=textwrap.dedent(f"example:\n  {example}"),
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
        command.set_defaults(func=func)
        return command

    add("build", cmd_build, "compile the curation tables (curation/) into ontology/ and data/ Turtle",
        "carekg build")

    check = add("check", cmd_check,
                "validate data/ and ontology/: parse, SHACL, HermiT, SPARQL violation queries",
                "carekg check --format json")
    check.add_argument("--no-reasoner", action="store_true", help="skip HermiT (faster; no Java needed)")
    check.add_argument("--shacl-engine", choices=["oxigraph", "pyshacl"], default="oxigraph",
                       help="SHACL validator: carekg's shapes compiled to SPARQL on Oxigraph (default; "
                            "proven equal to pyshacl on these shapes, falls back to it for shapes it cannot "
                            "compile) or pyshacl itself")
    check.add_argument("--format", choices=["text", "json"], default="text")

    load = add("load", cmd_load,
               "load data, ontology and inferred graphs into the store (skipped if unchanged)",
               "carekg load --store oxigraph:.carekg/store --force")
    load.add_argument("--store", help="store descriptor (default: $CAREKG_STORE or oxigraph:.carekg/store)")
    load.add_argument("--force", action="store_true", help="reload even if the store holds this version")
    load.add_argument("--data", action="append", metavar="FILE",
                      help="load these Turtle/N-Triples files as the data graph instead of data/ "
                           "(repeatable)")
    load.add_argument("--no-reasoner", action="store_true",
                      help="skip HermiT's classification (for synthetic graphs of millions of triples)")

    migrate = add("migrate-submissions", cmd_migrate_submissions,
                  "rewrite accepted submissions written before graph/agents: each agent's description "
                  "moves from the submission's provenance graph to the shared agents graph",
                  "carekg migrate-submissions && carekg load")
    migrate.add_argument("--submissions", metavar="DIR",
                         help="the submissions folder (default: $CAREKG_SUBMISSIONS or .carekg/submissions)")

    generate = add("generate", cmd_generate,
                   "write a synthetic evidence graph that passes the shapes, for benchmarks",
                   "carekg generate --triples 1000000 --out bench/data/1m.nt --seed 42")
    generate.add_argument("--triples", type=int, required=True, help="approximate number of triples")
    generate.add_argument("--out", required=True, help="N-Triples file to write")
    generate.add_argument("--seed", type=int, default=42, help="random seed (same seed, same graph)")

    query = add("query", cmd_query,
                "run a read-only SPARQL query against the store (carekg prefixes are predefined)",
                "carekg query --format csv 'SELECT ?i ?l { ?i a ckg:Innovation ; rdfs:label ?l }'")
    query.add_argument("query", nargs="?", help="the SPARQL query text")
    query.add_argument("--file", help="read the query from a .rq file")
    query.add_argument("--format", choices=sorted(QUERY_FORMATS),
                       help="result format (tsv or turtle by default)")
    query.add_argument("--store", help="store descriptor")

    release = add("release", cmd_release,
                  "release the ontology as version X.Y.Z: restamp modules, write Turtle, RDF/XML and "
                  "JSON-LD, a term diff and a CHANGELOG entry", "carekg release 0.2.0")
    release.add_argument("version", help="the new version, X.Y.Z, greater than the last release")
    release.add_argument("--skip-check", action="store_true",
                         help="release without running `carekg check` first")
    release.add_argument("--date", help="release date for the changelog (default: today, YYYY-MM-DD)")

    export = add("export", cmd_export,
                 "export the whole graph (Turtle, N-Quads, JSON-LD) or the findings as CSV",
                 "carekg export --format csv --out findings.csv")
    export.add_argument("--format", choices=[*sorted(EXPORT_FORMATS), "csv"], default="turtle")
    export.add_argument("--out", help="file to write (default: standard output)")
    export.add_argument("--store", help="store descriptor")

    gap_map = add("map", cmd_map,
                  "draw the evidence gap map (innovations x NASSS sub-domains: enabler, barrier, mixed "
                  "findings and independent studies per cell) as SVG or PNG, chosen by the file's extension",
                  "carekg map --out gap-map.svg\n  carekg map --out gap-map.png --store "
                  "oxigraph:.carekg/store")
    gap_map.add_argument("--out", required=True, help="file to write: .svg or .png")
    gap_map.add_argument("--format", choices=["svg", "png"], help="override the format the extension implies")
    gap_map.add_argument("--store", help="store descriptor")

    docs = add("docs", cmd_docs, "generate the ontology's HTML documentation with pyLODE (served at /def to "
               "browsers; `make install` runs it)", "carekg docs --out /tmp/carekg-ontology.html")
    docs.add_argument("--out", help="file to write (default: .carekg/docs/ontology.html)")
    return root


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        check_instance_base()
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
