"""The service's entry point, ``carekg-serve`` (or ``python -m api``): check the data, load it into the
store and serve the API, SPARQL endpoint and pages with uvicorn. It lives here, not in the ``carekg``
command line, because the library never imports this package.

No access log unless ``--access-log`` or ``CAREKG_ACCESS_LOG`` asks for one (docs/deploy.md). For
several worker processes, run uvicorn yourself: ``uvicorn --factory api.main:create_app``
(docs/deploy.md).
"""

from __future__ import annotations

import argparse
import os
import sys
import textwrap
from collections.abc import Mapping

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

#: CAREKG_ACCESS_LOG values, by whether they turn uvicorn's access log on (unset: off).
ACCESS_LOG_VALUES = {"1": True, "true": True, "yes": True, "on": True,
                     "0": False, "false": False, "no": False, "off": False, "": False}


def access_log_wanted(flag: bool, environ: Mapping[str, str]) -> bool:
    """Whether to write a line per request: off unless ``--access-log`` or ``CAREKG_ACCESS_LOG`` asks.
    The proxy in front of a deployment logs requests already, and a line per request costs the one
    server process time on every answer. ValueError names the accepted values."""
    value = environ.get("CAREKG_ACCESS_LOG", "").strip().lower()
    if value not in ACCESS_LOG_VALUES:
        raise ValueError(f"CAREKG_ACCESS_LOG must be one of 1, true, yes, on, 0, false, no, off; "
                         f"got {environ['CAREKG_ACCESS_LOG']!r}")
    return flag or ACCESS_LOG_VALUES[value]


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(
        prog="carekg-serve",
        description="Check the data, load it and serve the API, SPARQL endpoint and pages.",
        epilog=textwrap.dedent("""\
            example:
              carekg-serve --host 127.0.0.1 --port 8000
              python -m api --store oxigraph:.carekg/store --skip-check

            exit codes: 0 ok; 1 checks failed; 2 bad setting (CAREKG_BASE_IRI, CAREKG_ACCESS_LOG);
            3 store unavailable"""),
        formatter_class=argparse.RawDescriptionHelpFormatter)
    root.add_argument("--host", default="127.0.0.1")
    root.add_argument("--port", type=int, default=8000)
    root.add_argument("--store", help="store descriptor (default: $CAREKG_STORE or oxigraph:.carekg/store)")
    root.add_argument("--skip-check", action="store_true", help="serve without running `carekg check` first")
    root.add_argument("--quiet", "-q", action="store_true", help="no progress messages")
    root.add_argument("--access-log", action="store_true",
                      help="log a line per request (default: off, or $CAREKG_ACCESS_LOG=1)")
    return root


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:  # as the CLI does: a one-line message, before anything is minted
        check_instance_base()
        access_log = access_log_wanted(args.access_log, os.environ)
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
                    access_log=access_log, timeout_keep_alive=KEEP_ALIVE_SECONDS)
    except KeyboardInterrupt:
        return 130
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
