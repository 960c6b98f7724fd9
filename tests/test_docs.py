"""docs/ARCHITECTURE.md stays true as modules move: every repository path it names exists, and every
module of the library's and the service's top level is named in it. CONTRIBUTING.md's regression tests
exist."""

import re

from carekg import paths

ARCHITECTURE = (paths.ROOT / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")
#: `path/like/this.py`, `folder/`, `shapes/checks/*.rq`: code spans that name a place in the repository
NAMED = [span for span in re.findall(r"`([^`\s]+)`", ARCHITECTURE)
         if "/" in span and not span.startswith(("../", "http", "/", "oxigraph", "sparql+", "memory"))]


def test_every_path_named_in_the_architecture_exists():
    assert len(NAMED) >= 30
    missing = [name for name in NAMED if not any(paths.ROOT.glob(name.rstrip("/")))]
    assert not missing, f"docs/ARCHITECTURE.md names paths that do not exist: {missing}"


def test_every_top_level_module_is_placed_in_the_architecture():
    modules = [p for folder in (paths.ROOT / "src" / "carekg", paths.ROOT / "api") for p in folder.iterdir()
               if p.suffix == ".py" or (p / "__init__.py").exists()]
    unnamed = [str(p.relative_to(paths.ROOT)) for p in modules if p.name != "__init__.py"
               and str(p.relative_to(paths.ROOT)) not in ARCHITECTURE]
    assert not unnamed, f"docs/ARCHITECTURE.md does not say where these belong: {unnamed}"


def test_every_regression_test_contributing_names_exists():
    contributing = (paths.ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    named = re.findall(r"`(tests/[\w/]+\.py)::(\w+)`", contributing)
    assert len(named) >= 7

    def defined(path: str, name: str) -> bool:
        file = paths.ROOT / path
        return file.is_file() and bool(re.search(rf"^def {name}\(", file.read_text(encoding="utf-8"), re.M))

    missing = [f"{path}::{name}" for path, name in named if not defined(path, name)]
    assert not missing, f"CONTRIBUTING.md names regression tests that do not exist: {missing}"
