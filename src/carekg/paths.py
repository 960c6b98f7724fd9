"""Where the project's files live. The package is installed in editable mode from the repository,
so the ontology, shapes and data are found next to it; CAREKG_ROOT overrides for other layouts."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(os.environ.get("CAREKG_ROOT", Path(__file__).resolve().parents[2]))
ONTOLOGY_DIR = ROOT / "ontology"
SHAPES_DIR = ROOT / "shapes"
DATA_DIR = ROOT / "data"
CURATION_DIR = ROOT / "curation"
#: Material beside the repository (the W3C protocol tests); the build never reads it.
#: The framework notes (NASSS, CFIR 2.0, ERIC) the framework modules are compiled from.
FRAMEWORKS_YAML = CURATION_DIR / "frameworks" / "frameworks.yaml"
STATE_DIR = Path(os.environ.get("CAREKG_STATE", ROOT / ".carekg"))
#: Accepted writes (see carekg.writes); `carekg load` includes them, so a reload keeps them.
SUBMISSIONS_DIR = Path(os.environ.get("CAREKG_SUBMISSIONS") or STATE_DIR / "submissions")


def ontology_files() -> list[Path]:
    """Every Turtle file of the ontology: the aggregator, modules, imports and alignments."""
    files = sorted(ONTOLOGY_DIR.glob("*.ttl")) + sorted(ONTOLOGY_DIR.glob("*/*.ttl"))
    return [f for f in files if "release" not in f.parts]


def data_files() -> list[Path]:
    """Every Turtle file of the curated evidence."""
    return sorted(DATA_DIR.rglob("*.ttl"))
