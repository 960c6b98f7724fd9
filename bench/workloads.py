"""The SPARQL workloads: the profile's question, asked again and again in one text (what a cache can
answer), or in a new text every request (what a linked-data user sends: no cache can hit)."""

from __future__ import annotations

import json
import re
import urllib.parse
from pathlib import Path

#: The profile's question in one SPARQL query: per NASSS domain, sub-domain, factor and direction, how
#: many findings and distinct sources an innovation has. The same text goes to every server.
PROFILE_SPARQL = """PREFIX ckg: <https://w3id.org/carekg/def#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?domain ?subdomain ?factor ?direction (COUNT(?finding) AS ?findings)
       (COUNT(DISTINCT ?source) AS ?sources)
WHERE {
  ?finding ckg:aboutInnovation <%s> ; ckg:aboutFactor ?factor ; ckg:direction ?direction ;
           ckg:reportedIn ?source .
  ?factor skos:broader ?subdomain . ?subdomain a ckg:NasssSubdomain ; skos:broader ?domain .
}
GROUP BY ?domain ?subdomain ?factor ?direction
ORDER BY ?domain ?subdomain ?factor ?direction"""

_NONCE, _IRI = "NONCEVAR", "INNOVATIONIRI"


def new_query(iri: str, nonce: str) -> str:
    """The profile query about ``iri`` with its (unprojected) finding variable renamed by ``nonce``: a
    different text, and a different variable, so neither a cache of texts nor one of normalised texts
    (comments and white space dropped) can hit; the bindings are the profile's."""
    return re.sub(r"\?finding\b", f"?finding_{nonce}", PROFILE_SPARQL % iri)


def new_query_path(endpoint: str, iri: str, nonce: str) -> str:
    return f"{endpoint}?{urllib.parse.urlencode({'query': new_query(iri, nonce)})}"


_LUA = """-- Written by bench/workloads.py: a new SPARQL query text for every request, rotating over
-- innovations; each wrk thread numbers its requests, so no text repeats within a run.
local parts = {%(parts)s}
local slots = {%(slots)s}
local iris = {%(iris)s}
local counter = 0
local next_thread = 0

function setup(thread)
  thread:set("thread_number", next_thread)
  next_thread = next_thread + 1
end

function request()
  counter = counter + 1
  local number = thread_number or 0
  local iri = iris[(counter + number * 7919) %% #iris + 1]
  local nonce = "t" .. number .. "r" .. counter .. "x" .. %(tag)s
  local out = {parts[1]}
  for k, slot in ipairs(slots) do
    out[#out + 1] = (slot == "n") and nonce or iri
    out[#out + 1] = parts[k + 1]
  end
  return wrk.format(nil, table.concat(out))
end
"""


def lua_script(endpoint: str, iris: list[str], path: Path, tag: str) -> Path:
    """A wrk script asking ``endpoint`` the profile question in a new text every request, about each of
    ``iris`` in turn. ``tag`` (letters and digits) tells runs apart, so a later run repeats no text of
    an earlier one against the same server."""
    encoded = new_query_path(endpoint, _IRI, _NONCE)
    pieces = re.split(f"({_NONCE}|{_IRI})", encoded)
    parts, slots = pieces[0::2], ["n" if p == _NONCE else "i" for p in pieces[1::2]]
    quoted = [urllib.parse.quote(iri, safe="") for iri in iris]
    text = _LUA % {"parts": ", ".join(json.dumps(p) for p in parts),
                   "slots": ", ".join(json.dumps(s) for s in slots),
                   "iris": ", ".join(json.dumps(q) for q in quoted), "tag": json.dumps(tag)}
    path.write_text(text)
    return path


def bindings(answer: bytes) -> list[str]:
    """A SPARQL JSON answer's rows as sorted canonical strings (for comparing servers' answers)."""
    return sorted(json.dumps(row, sort_keys=True) for row in json.loads(answer)["results"]["bindings"])
