"""A fast SHACL validator for carekg's shapes: SHACL Core compiled to SPARQL and run on pyoxigraph.

pyshacl stays the reference: on every shape carekg uses, this engine's results equal pyshacl's as
multisets of (focus node, result path, value, constraint component, message) (tests/shacl proves it
on the curated data, the broken fixtures and a seeded mutation suite). Shapes using anything else raise
UnsupportedShape, naming the feature.

- ``load_shapes(path)`` compiles a Turtle shapes file (cached until the file changes);
- ``validate(store, shapes, focus_nodes=None, graphs=None)`` validates a pyoxigraph store;
- ``validate_change(store, shapes, added, removed, graphs=None)`` validates the store as a change would
  leave it, looking only at what the change can affect;
- ``validate_files(files, shapes)`` validates the merge of Turtle files;
- ``preserved(quads)`` keeps literals as written when loading a store to validate (Oxigraph rewrites
  a few, such as ``"7"^^xsd:int``; see carekg.shacl.literals).
"""

from carekg.shacl.compiler import Program, UnsupportedShape, compile_shapes, load_shapes
from carekg.shacl.engine import (
                                 ChangeValidation,
                                 UnparsableFile,
                                 ValidationResult,
                                 validate,
                                 validate_change,
                                 validate_files,
)
from carekg.shacl.literals import preserved

__all__ = ["ChangeValidation", "Program", "UnparsableFile", "UnsupportedShape", "ValidationResult",
           "compile_shapes", "load_shapes", "preserved", "validate", "validate_change", "validate_files"]
