"""The service's entry point, ``carekg-serve`` (or ``python -m api``): check the data, load it into the
store and serve the API, SPARQL endpoint and pages with uvicorn. It lives here, not in the ``carekg``
command line, because the library never imports this package.

For several worker processes, run uvicorn yourself: ``uvicorn --factory api.main:create_app``
(docs/deploy.md).
"""

from __future__ import annotations

import argparse
import sys
import textwrap

from carekg.cli import (
    EXIT_CHECK_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    build_search_index,
    checks_pass,
    open_store,
    progress_printer,
)
from carekg.ids import check_instance_base

#: Keep idle connections well beyond uvicorn's 5 s default: a client reusing a pooled connection the
#: server has just closed gets a read error, and most HTTP clients do not retry POSTs.
KEEP_ALIVE_SECONDS = 75


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(
        prog="carekg-serve",
        description="Check the data, load it and serve the API, SPARQL endpoint and pages.",
        epilog=textwrap.dedent("""\
            example:
              carekg-serve --host 127.0.0.1 --port 8000
              python -m api --store oxigraph:.carekg/store --skip-check

            exit codes: 0 ok; 1 checks failed; 2 bad setting (CAREKG_BASE_IRI); 3 store unavailable"""),
        formatter_class=argparse.RawDescriptionHelpFormatter)
    root.add_argument("--host", default="127.0.0.1")
    root.add_argument("--port", type=int, default=8000)
    root.add_argument("--store", help="store descriptor (default: $CAREKG_STORE or oxigraph:.carekg/store)")
    root.add_argument("--skip-check", action="store_true", help="serve without running `carekg check` first")
    root.add_argument("--quiet", "-q", action="store_true", help="no progress messages")
    return root


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:  # as the CLI does: a one-line message, before anything is minted
        check_instance_base()
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    import uvicorn

    from api.config import Settings
    from api.main import create_app
    from carekg.loader import load

    refusal = "refusing to serve data that fails `carekg check`"
    if not args.skip_check and not checks_pass(refusal, args.quiet):
        return EXIT_CHECK_FAILED
    store = open_store(args.store)
    progress = progress_printer(args.quiet)
    load(store, progress=progress)
    build_search_index(store, progress)
    store.close()
    settings = Settings(store=args.store) if args.store else Settings()
    try:
        uvicorn.run(create_app(settings), host=args.host, port=args.port, log_level="info",
                    timeout_keep_alive=KEEP_ALIVE_SECONDS)
    except KeyboardInterrupt:
        return 130
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
