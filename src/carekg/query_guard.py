"""Checking a user's SPARQL before any engine sees it.

Both engines execute ``SERVICE`` (and ``LOAD`` in an update), so a query naming one is refused before
evaluation, and the query's form and dataset (FROM, FROM NAMED) are read here. The check must cost
microseconds, not the ~10 ms of rdflib's pure-Python SPARQL parser (issue 14), so :func:`check_query`
first reads the query with a lexical scan (:func:`scan`): a tokenizer that skips strings, IRIs and
comments the way the SPARQL grammar does, then reads the prologue (BASE, PREFIX), the query form and
the dataset clauses, and notes every ``SERVICE`` keyword. Whatever the scan cannot decide for certain
(``\\u`` escapes, a word that starts with a guarded keyword but is longer, an unexpected prologue,
a SERVICE with an allow-list to check, a prefix it cannot resolve) goes to rdflib's full parse, as
every query did before. Brackets nested past :data:`MAX_NESTING` are refused by counting
(:func:`nesting`), on either path, before anything recurses. Syntax errors the scan does not look
for are left to the engine, which parses the query anyway (its error becomes the same 400). Updates
cannot run through this path at all (the engines are asked to *query*); the scan only names them so
the refusal says why.

Why keyword prefixes are ambiguous: Oxigraph's PEG grammar matches a keyword without a word
boundary, so ``service:x { ... }`` and ``SERVICEex:x { ... }`` are SERVICE calls to it, while a
tokenizer reads one prefixed name. Such words therefore always take the full parse (which refuses
them: rdflib sees the keyword or a syntax error).
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from types import FrameType

from pyparsing import ParseException
from rdflib import URIRef
from rdflib.plugins.sparql import parser
from rdflib.plugins.sparql.algebra import translatePrologue
from rdflib.plugins.sparql.parser import expandUnicodeEscapes
from rdflib.plugins.sparql.parserutils import CompValue


class RefusedQuery(ValueError):
    """The request is not a read-only SPARQL 1.1 query this endpoint will run."""


@dataclass(frozen=True)
class CheckedQuery:
    text: str
    form: str  # SELECT, ASK, CONSTRUCT or DESCRIBE
    #: the graphs of the query's FROM and FROM NAMED clauses, as absolute IRIs
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()


UPDATES_REFUSED = "updates are not allowed: this endpoint is read-only"
SERVICE_REFUSED = "SERVICE (federated query) is not allowed on this endpoint"
_FORMS = {"SelectQuery": "SELECT", "AskQuery": "ASK", "ConstructQuery": "CONSTRUCT",
          "DescribeQuery": "DESCRIBE"}
_UPDATE_WORDS = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD",
                           "WITH"})
_QUERY_FORMS = frozenset({"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"})
#: Words whose letters must never start a longer word the scan passes (see the module docstring).
_GUARDED = frozenset({"SERVICE", "FROM", "NAMED", "PREFIX", "BASE", *_UPDATE_WORDS, *_QUERY_FORMS})
#: Brackets ({, ( and [) nested deeper than this are refused: Oxigraph's recursive parser overflows its
#: stack and kills the worker at a few thousand, and rdflib's needs 40-80 Python frames a level.
MAX_NESTING = 32
NESTING_REFUSED = (f"the query nests too deeply: brackets ({{, ( or [) more than {MAX_NESTING} levels "
                   f"deep; this endpoint's limit is {MAX_NESTING}")
#: Python frames rdflib's parser takes per level of nesting and for the rest of a query, so a query
#: within MAX_NESTING parses. Measured for nested expressions, the deepest kind: 30 levels needed a
#: recursion limit of 1,800 with pyparsing as rdflib leaves it, and 2,600 once packrat parsing is on
#: (~80 a level; pyparsing's packrat switch is process-wide, and importing matplotlib's mathtext turns
#: it on), so the room is sized for packrat.
_FRAMES_PER_LEVEL, _FRAMES_BASE = 90, 400
#: Guarded words a valid query has only in its prologue, after FROM, or (a form) in a subquery.
_MISPLACED = frozenset({"BASE", "PREFIX", "NAMED", "FROM", *_UPDATE_WORDS})


# --- the lexical scan --------------------------------------------------------------------------------

_PN_CHARS_BASE = ("A-Za-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u02FF\u0370-\u037D\u037F-\u1FFF\u200C-\u200D"
                  "\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD\U00010000-\U000EFFFF")
_PN_CHARS = _PN_CHARS_BASE + "_0-9\\-\u00B7\u0300-\u036F\u203F-\u2040"
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
_PN_PREFIX = f"[{_PN_CHARS_BASE}](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?"
_PN_LOCAL = f"(?:[{_PN_CHARS}:]|{_PLX})(?:(?:[{_PN_CHARS}.:]|{_PLX})*(?:[{_PN_CHARS}:]|{_PLX}))?"
#: One SPARQL token per match, in the grammar's order of precedence. Only the tokens the scan reads are
#: captured (an IRI; a word or prefixed name; a brace; a quote that opens no string), so the tokenizing
#: runs in C (``findall``) and the Python loop sees a few dozen tokens, not every one.
_TOKEN = re.compile("|".join((
    r"[ \t\r\n]+",
    r"#[^\r\n]*",
    r"'''(?:(?:'|'')?(?:[^'\\]|\\.))*'''|\"\"\"(?:(?:\"|\"\")?(?:[^\"\\]|\\.))*\"\"\""
    r"|'(?:[^'\\\r\n]|\\.)*'|\"(?:[^\"\\\r\n]|\\.)*\"",
    r"(<[^<>\"{}|^`\\\x00-\x20]*>)",
    f"[?$][{_PN_CHARS}]+",
    r"@[A-Za-z]+(?:-[A-Za-z0-9]+)*",
    f"_:(?:[{_PN_CHARS}])(?:[{_PN_CHARS}.]*[{_PN_CHARS}])?",
    f"((?:{_PN_PREFIX})?:(?:{_PN_LOCAL})?|[{_PN_CHARS_BASE}_][{_PN_CHARS}]*)",
    r"[0-9]+\.[0-9]*[eE][+-]?[0-9]+|[0-9]*\.[0-9]+(?:[eE][+-]?[0-9]+)?|[0-9]+(?:[eE][+-]?[0-9]+)?",
    r"([{}()[\]'\"])",
    r".",
)), re.S)
_GUARD_START = re.compile("|".join(sorted(_GUARDED)), re.I)


class Ambiguous(Exception):
    """The scan cannot decide this query for certain: the full parse must."""


def _iri_brackets(iri: str) -> tuple[int, int]:
    """(deepest, net) nesting of the brackets inside an IRI token. An engine may read what looks like an
    IRI as code (``?a<xsd:int(xsd:int(1))>0`` is two comparisons), so its brackets count as brackets."""
    level = deepest = 0
    for char in iri:
        if char in "([":
            level += 1
            deepest = max(deepest, level)
        elif char in ")]":
            level -= 1
    return deepest, level


def nesting(text: str) -> int:
    """How deep ``text`` nests brackets ({, ( and [) outside strings and comments, \\u escapes expanded
    as the parsers expand them: what decides a refusal without parsing (and without recursion)."""
    level = deepest = 0
    for iri, _, mark in _TOKEN.findall(expandUnicodeEscapes(text)):
        if iri:
            inner, net = _iri_brackets(iri)
            deepest, level = max(deepest, level + inner), level + net
        elif mark and mark in "{([":
            level += 1
            deepest = max(deepest, level)
        elif mark and mark in "})]":
            level -= 1
    return deepest


@dataclass(frozen=True)
class Scan:
    """What the lexical scan read: the form (or ``UPDATE``), the dataset clauses, the SERVICE count."""

    form: str
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    services: int = 0


def _tokens(text: str) -> list[tuple[str, str]]:
    """(kind, text) of the tokens the scan reads: ``iri``, ``pname``, ``word`` (upper-cased) and
    ``brace`` (any bracket); Ambiguous where the tokenizer and the engine might read the text differently."""
    tokens = []
    for iri, name, mark in _TOKEN.findall(text):
        if iri:
            tokens.append(("iri", iri))
        elif name:
            upper = name.upper()
            if upper not in _GUARDED and _GUARD_START.match(name):
                # a longer word that starts like a keyword (``service:x``, ``SERVICEex:x``, ``FROMex:g``)
                raise Ambiguous(name)
            tokens.append(("pname", name) if ":" in name else ("word", upper))
        elif mark:
            if mark in "'\"":
                raise Ambiguous("an unterminated string")
            tokens.append(("brace", mark))
    return tokens


def _iri(kind: str, value: str, base: str, prefixes: dict[str, str]) -> str:
    """An IRI token as an absolute IRI, resolved the way the full parse resolves it."""
    if kind == "iri":
        iri = value[1:-1]
        return iri if ":" in iri else str(URIRef(iri, base=base))
    if kind == "pname" and "\\" not in value:
        prefix, _, local = value.partition(":")
        if prefix in prefixes:
            return prefixes[prefix] + local
    raise Ambiguous(value)


def scan(text: str, base: str | None = None) -> Scan:
    """Read ``text``'s form, dataset clauses and SERVICE keywords without parsing it; raise Ambiguous
    for whatever needs the full parse, and RefusedQuery for brackets nested past MAX_NESTING. It does
    not look for syntax errors: the engine does."""
    if "\\u" in text or "\\U" in text:  # escapes the parser expands before reading (SPARQL 1.1 §19.2)
        raise Ambiguous("\\u escape")
    tokens = _tokens(text)
    words = [value if kind == "word" else "" for kind, value in tokens]
    base_iri, at = base or "", 0
    prefixes: dict[str, str] = {}
    while at < len(tokens) and words[at] in ("BASE", "PREFIX"):
        if words[at] == "BASE" and at + 1 < len(tokens) and tokens[at + 1][0] == "iri" \
                and ":" in tokens[at + 1][1]:
            base_iri, at = tokens[at + 1][1][1:-1], at + 2
        elif words[at] == "PREFIX" and at + 2 < len(tokens) and tokens[at + 1][0] == "pname" \
                and tokens[at + 1][1].endswith(":") and tokens[at + 1][1].count(":") == 1 \
                and tokens[at + 2][0] == "iri":
            prefixes[tokens[at + 1][1][:-1]] = _iri("iri", tokens[at + 2][1], base_iri, prefixes)
            at += 3
        else:
            raise Ambiguous("prologue")
    form = words[at] if at < len(tokens) else ""
    if form in _UPDATE_WORDS:
        return Scan("UPDATE")
    if form not in _QUERY_FORMS:
        raise Ambiguous("form")
    default_graphs: list[str] = []
    named_graphs: list[str] = []
    services = depth = level = 0
    for index in range(at + 1, len(tokens)):
        word = words[index]
        if not word:
            kind, mark = tokens[index]
            if kind == "brace":
                level += 1 if mark in "{([" else -1
                if mark in "{}":
                    depth += 1 if mark == "{" else -1
            elif kind == "iri" and ("(" in mark or "[" in mark or ")" in mark or "]" in mark):
                inner, net = _iri_brackets(mark)
                if level + inner > MAX_NESTING:
                    raise RefusedQuery(NESTING_REFUSED)
                level += net
            if level > MAX_NESTING:
                raise RefusedQuery(NESTING_REFUSED)
        elif word == "SERVICE":
            services += 1
        elif word == "FROM" and depth == 0 and index + 1 < len(tokens):
            named = words[index + 1] == "NAMED"
            graph = index + 2 if named else index + 1
            if graph >= len(tokens):
                raise Ambiguous(word)
            (named_graphs if named else default_graphs).append(_iri(*tokens[graph], base_iri, prefixes))
            if named:
                words[index + 1] = ""  # read: not a misplaced NAMED
        elif word in _MISPLACED or (word in _QUERY_FORMS and depth == 0):
            raise Ambiguous(word)  # not where a valid query has them (NAMED comes only after FROM)
    return Scan(form, tuple(default_graphs), tuple(named_graphs), services)


# --- the full parse (rdflib), for what the scan cannot decide -----------------------------------------

def _services(node, prologue, found: list) -> list:
    """Every SERVICE endpoint in the parsed query (an IRI, or None for ``SERVICE ?variable``)."""
    if isinstance(node, CompValue):
        if node.name == "ServiceGraphPattern":
            term = node.get("term")
            try:
                iri = str(prologue.absolutize(term)) if term is not None else None
            except Exception:  # noqa: BLE001 - an unresolvable prefix: treat as not allowed
                iri = None
            named = iri and not iri.startswith("?") and isinstance(prologue.absolutize(term), URIRef)
            found.append(iri if named else None)
        for value in node.values():
            _services(value, prologue, found)
    elif isinstance(node, (list, tuple)):
        for item in node:
            _services(item, prologue, found)
    return found


def full_check(text: str, allowed_services: frozenset[str] | set[str] = frozenset(),
               base: str | None = None) -> CheckedQuery:
    """The decision from rdflib's full SPARQL 1.1 parse (slow: ~10 ms); RefusedQuery otherwise. Brackets
    nested past MAX_NESTING are refused before parsing (the parser recurses per level), and the parse
    gets the Python stack a query within the limit needs."""
    if nesting(text) > MAX_NESTING:
        raise RefusedQuery(NESTING_REFUSED)
    _make_room_for_the_parser()
    try:
        parsed = parser.parseQuery(text)
    except RecursionError:
        raise RefusedQuery(NESTING_REFUSED) from None
    except ParseException as error:
        try:
            parser.parseUpdate(text)
        except RecursionError:
            raise RefusedQuery(NESTING_REFUSED) from None
        except ParseException:
            raise RefusedQuery(f"SPARQL syntax error at line {error.lineno}, column {error.col}: "
                               f"{error.msg}") from None
        raise RefusedQuery(UPDATES_REFUSED) from None
    except Exception as error:  # rdflib raises assorted errors on odd input
        raise RefusedQuery(f"SPARQL syntax error: {error}") from None
    query = parsed[1]
    form = _FORMS.get(query.name)
    if form is None:
        raise RefusedQuery("not a SELECT, ASK, CONSTRUCT or DESCRIBE query")
    prologue = translatePrologue(parsed[0], base)
    services = _services(query, prologue, [])
    if services:
        if not allowed_services:
            raise RefusedQuery(SERVICE_REFUSED)
        refused = [iri for iri in services if iri not in allowed_services]
        if refused:
            shown = "a variable" if refused[0] is None else f"<{refused[0][:200]}>"
            raise RefusedQuery(f"SERVICE {shown} is not on this endpoint's allow-list")
    clauses = query["datasetClause"] if "datasetClause" in query else []  # not .get: CompValue.get differs
    return CheckedQuery(text=text, form=form,
                        default_graphs=tuple(str(prologue.absolutize(c["default"]))
                                             for c in clauses if "default" in c),
                        named_graphs=tuple(str(prologue.absolutize(c["named"]))
                                           for c in clauses if "named" in c))


def _make_room_for_the_parser() -> None:
    """Raise the recursion limit (for the whole process, never lowered: another thread may be deep in a
    parse) so that rdflib can parse a query nested MAX_NESTING deep from where this call stands."""
    frame: FrameType | None = sys._getframe()
    depth = 0
    while frame is not None:
        frame, depth = frame.f_back, depth + 1
    needed = depth + _FRAMES_BASE + _FRAMES_PER_LEVEL * MAX_NESTING
    if sys.getrecursionlimit() < needed:
        sys.setrecursionlimit(needed)


def check_query(text: str, allowed_services: frozenset[str] | set[str] = frozenset(),
                max_length: int | None = None, base: str | None = None) -> CheckedQuery:
    """``text``'s form and dataset clauses (relative IRIs resolved against ``base``, unless the query
    has its own BASE); raise RefusedQuery with a plain message otherwise. ``SERVICE`` is refused
    unless every endpoint it names is in ``allowed_services`` (configured by
    ``CAREKG_SERVICE_ALLOWLIST``; empty by default); ``max_length`` caps the query's characters.
    Decided by the lexical scan where it can be, by the full parse where it cannot; a query that
    passes may still have a syntax error, which the engine reports."""
    if not text or not text.strip():
        raise RefusedQuery("the query is empty")
    if max_length is not None and len(text) > max_length:
        raise RefusedQuery(f"the query is longer than {max_length} characters")
    try:
        found = scan(text, base)
    except Ambiguous:
        return full_check(text, allowed_services, base)
    if found.form == "UPDATE":
        raise RefusedQuery(UPDATES_REFUSED)
    if found.services:
        if not allowed_services:
            raise RefusedQuery(SERVICE_REFUSED)
        return full_check(text, allowed_services, base)  # which endpoints: the parse resolves them
    return CheckedQuery(text, found.form, found.default_graphs, found.named_graphs)


_ENGINE_POSITION = re.compile(r"error at (\d+):(\d+): ", re.S)


def syntax_error_message(engine_message: str, prepended: str = "", text: str | None = None) -> str:
    """The engine's syntax error (Oxigraph: ``error at LINE:COLUMN: expected ...``) in the guard's own
    words, its position counted in the user's text (without ``prepended``, e.g. the BASE the endpoint
    adds). A remote engine words its errors its own way (Virtuoso even echoes its own prologue), so
    when the message has no Oxigraph position and ``text`` (the query as sent) is given, the text is
    parsed again on an empty embedded store for a message in the same words on every back-end; only
    on this error path, never for a query that runs."""
    match = _ENGINE_POSITION.match(engine_message)
    if not match and text is not None:
        local = _embedded_syntax_error(text)
        if local is not None:
            return syntax_error_message(local, prepended)
    if not match:
        return f"SPARQL syntax error: {engine_message}"
    line, column = int(match.group(1)), int(match.group(2))
    added_lines = prepended.count("\n")
    if line == added_lines + 1:  # on the line the prepended text ends
        column -= len(prepended) - (prepended.rfind("\n") + 1)
    line -= added_lines
    return f"SPARQL syntax error at line {line}, column {column}: {engine_message[match.end():]}"


def _embedded_syntax_error(text: str) -> str | None:
    """Oxigraph's own syntax error for ``text`` (run on an empty in-memory store), or None when it parses."""
    from carekg.store import QuerySyntaxError, StoreError, get_store

    try:
        get_store("memory:").run(text, "application/sparql-results+json")
    except QuerySyntaxError as error:
        return str(error)
    except StoreError:
        return None
    return None
