"""The ontology's version: one number, kept in the aggregator ``ontology/carekg.ttl``.

Every module carries the same ``owl:versionInfo "X.Y.Z"`` and an ``owl:versionIRI`` under
``https://w3id.org/carekg/def/X.Y.Z``. Hand-edited modules are restamped in place by
``carekg release``; generated modules read the version from the aggregator when ``carekg build``
writes them, so the two can never disagree. The Python package keeps its own version
(``carekg.__version__``): the ontology and the package are released on separate schedules.
"""

from __future__ import annotations

import re
from pathlib import Path

from carekg import paths
from carekg.ids import VOCAB_DOCUMENT

DEF = VOCAB_DOCUMENT
VERSION_PATTERN = r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$"
_VERSION = re.compile(VERSION_PATTERN)
_INFO = re.compile(r'owl:versionInfo\s+"([^"]+)"')
#: ``owl:versionIRI <https://w3id.org/carekg/def/X.Y.Z>`` or ``.../X.Y.Z/<module>``
_IRI = re.compile(rf"(owl:versionIRI\s+<{re.escape(VOCAB_DOCUMENT)}/)([^/>]+)(/[a-z0-9-]+)?>")


def parse(text: str) -> tuple[int, int, int]:
    """``"1.2.3"`` as ``(1, 2, 3)``; raises ValueError for anything not X.Y.Z."""
    match = _VERSION.match(text)
    if not match:
        raise ValueError(f"{text!r} is not a version of the form X.Y.Z (three whole numbers, e.g. 0.2.0)")
    return int(match.group(1)), int(match.group(2)), int(match.group(3))


def aggregator(ontology_dir: Path | None = None) -> Path:
    """The aggregator file; falls back to the project's own when ``ontology_dir`` holds none."""
    candidate = (ontology_dir or paths.ONTOLOGY_DIR) / "carekg.ttl"
    return candidate if candidate.exists() else paths.ONTOLOGY_DIR / "carekg.ttl"


def current(ontology_dir: Path | None = None) -> str:
    """The ontology version stated by the aggregator's ``owl:versionInfo``."""
    text = aggregator(ontology_dir).read_text(encoding="utf-8")
    match = _INFO.search(text)
    if not match:
        raise ValueError(f"{aggregator(ontology_dir)} states no owl:versionInfo")
    return match.group(1)


def version_iri(version: str, module: str | None = None) -> str:
    """``https://w3id.org/carekg/def/X.Y.Z`` or ``.../X.Y.Z/<module>``."""
    return f"{DEF}/{version}" + (f"/{module}" if module else "")


def restamp(text: str, version: str) -> str:
    """``text`` (a hand-edited Turtle module) with its version IRI and version info set to ``version``."""
    text = _INFO.sub(f'owl:versionInfo "{version}"', text)
    return _IRI.sub(lambda m: f"{m.group(1)}{version}{m.group(3) or ''}>", text)
