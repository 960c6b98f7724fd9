"""shapes/data.ttl: an involvement's and a strategy suggestion's basis is English, as their messages
say (sh:languageIn ("en"), code review 2026-12); pyshacl agrees with carekg's engine on it elsewhere
(tests/shacl/test_shacl_mutations.py)."""

from __future__ import annotations

import pytest

from carekg import paths
from carekg.ids import INVOLVEMENT, SUGGESTION
from carekg.namespaces import CKG
from carekg.shacl import validate_files

LANGUAGE_IN = "http://www.w3.org/ns/shacl#LanguageInConstraintComponent"


@pytest.mark.parametrize(("kind", "namespace"),
                         [("Involvement", INVOLVEMENT), ("StrategySuggestion", SUGGESTION)])
def test_a_basis_in_another_language_is_refused(tmp_path, kind, namespace):
    data = tmp_path / "basis.ttl"
    data.write_text(f"""@prefix ckg: <{CKG}> .
<{namespace["in-french"]}> a ckg:{kind} ; ckg:basis "Une base écrite en français."@fr .
<{namespace["in-english"]}> a ckg:{kind} ; ckg:basis "A basis written in English."@en .
""")
    results, _ = validate_files([data], paths.ROOT / "shapes" / "data.ttl")
    refused = {r.focus_node.value for r in results
               if r.result_path == str(CKG.basis) and r.source_constraint_component == LANGUAGE_IN}
    assert refused == {str(namespace["in-french"])}
