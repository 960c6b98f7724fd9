"""carekg.ids is the one place for IRIs: no other module of src/ or api/ writes an IRI as a string (#13)."""

from __future__ import annotations

import ast
import re

from carekg import paths

IRI = re.compile(r"(?:https?://|urn:)[^\s\"'<>]+")
#: Strings that look like IRIs but are web addresses or placeholders, never RDF terms.
ALLOWED = {
    "src/carekg/generate.py": ("https://example.org/",),  # made-up URLs of synthetic studies
    # links in CHANGELOG prose
    "src/carekg/release.py": ("https://keepachangelog.com/", "https://semver.org/"),
    "src/carekg/store/__init__.py": ("http://host:port/path",),  # the shape of a descriptor, in a message
    "src/carekg/store/sparql_http.py": ("http://host:port/path",),
    "api/security.py": ("https://cdn.jsdelivr.net", "https://fonts.", "https://fastapi.tiangolo.com",
                        "https://cdn.redoc.ly"),  # origins the API docs page may load from (CSP)
}
#: Specification sections cited (e.g. by the SHACL compiler's constraint components), anywhere.
CITATIONS = ("https://www.w3.org/TR/",)
HOME = ("src/carekg/ids.py", "src/carekg/namespaces.py")


def _strings(tree: ast.AST):
    """Every string constant of a module but its docstrings (prose may name IRIs)."""
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                docstrings.add(id(first.value))
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            yield node


def test_no_iri_literals_outside_the_id_modules():
    files = [*sorted((paths.ROOT / "src").rglob("*.py")), *sorted((paths.ROOT / "api").rglob("*.py"))]
    assert len(files) > 60
    found = []
    for path in files:
        name = path.relative_to(paths.ROOT).as_posix()
        if name in HOME:
            continue
        for node in _strings(ast.parse(path.read_text(encoding="utf-8"))):
            for iri in IRI.findall(node.value):
                if not iri.startswith((*CITATIONS, *ALLOWED.get(name, ()))):
                    found.append(f"{name}:{node.lineno}: {iri}")
    assert not found, "IRIs belong in carekg/ids.py or namespaces.py:\n" + "\n".join(found)


def test_the_check_finds_an_iri_literal():
    tree = ast.parse('"""A docstring naming https://w3id.org/."""\nX = "https://w3id.org/carekg/id/innovation/x"')
    assert [IRI.findall(node.value) for node in _strings(tree)] == [["https://w3id.org/carekg/id/innovation/x"]]
