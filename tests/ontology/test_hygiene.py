"""The term hygiene report (issue 8) stays in step with the code it mirrors."""

import re

from carekg import paths
from carekg.ids import KINDS

CHECKS = paths.SHAPES_DIR / "checks"


def test_id_policy_query_knows_exactly_the_kinds_of_ids_py():
    text = (CHECKS / "id-policy-violation.rq").read_text(encoding="utf-8")
    kinds = re.search(r"id/\(([a-z|]+)\)/", text).group(1).split("|")
    assert sorted(kinds) == sorted(KINDS)


def test_every_violation_query_says_what_it_guards_and_returns_node_path_message():
    queries = sorted(CHECKS.glob("*-violation.rq"))
    assert len(queries) >= 15  # a glob that matches nothing must not pass silently
    for query in queries:
        text = query.read_text(encoding="utf-8")
        assert text.startswith("#"), f"{query.name} needs a header comment saying what it guards"
        assert re.search(r"SELECT DISTINCT \?node \?path \?message", text), query.name
