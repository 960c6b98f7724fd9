"""The ontology's HTML documentation, generated with pyLODE at set-up and served at /def to browsers."""

from __future__ import annotations

from html import escape
from pathlib import Path

from carekg import paths
from carekg.namespaces import CKG

#: Where ``carekg build`` / ``make install`` write the pyLODE page that /def serves to browsers.
ONTOLOGY_DOCS = paths.STATE_DIR / "docs" / "ontology.html"


def ontology_docs(out: Path | None = None) -> Path:
    """Write the ontology's documentation with pyLODE (pinned 3.3.4: 3.4.1 fails at import) from the
    ontology files merged into one graph (module headers dropped, the aggregator's kept); ~7 s."""
    from pylode import OntPub
    from rdflib import OWL, RDF, Graph, URIRef

    graph = Graph()
    for path in paths.ontology_files():
        graph.parse(path)
    main = URIRef(str(CKG).rstrip("#"))
    for module in set(graph.subjects(RDF.type, OWL.Ontology)) - {main}:
        graph.remove((module, None, None))
    publication = OntPub(ontology=graph)
    html = _term_anchors(publication.make_html(), publication.fids)
    out = out or ONTOLOGY_DOCS
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp")
    tmp.write_text(html, encoding="utf-8")
    tmp.replace(out)
    return out


def _term_anchors(html: str, fids: dict[str, str]) -> str:
    """pyLODE names its fragments after labels (``#enablerfinding``); pages link terms as
    ``/def#EnablerFinding`` (the hash IRI's own name), so each carekg term gets that anchor too, inside
    pyLODE's element."""
    for iri, fid in fids.items():
        name = iri[len(str(CKG)) :] if iri.startswith(str(CKG)) else None
        if not name or name == fid or f'id="{name}"' in html:
            continue
        at = html.find(f'id="{fid}"')
        end = html.find(">", at)
        if at >= 0 and end >= 0:
            html = f'{html[: end + 1]}<span id="{escape(name)}"></span>{html[end + 1 :]}'
    return html


def ontology_docs_html(path: Path | None = None) -> str | None:
    """The generated pyLODE page (``path``, by default ONTOLOGY_DOCS), or None if it has not been
    generated (the caller falls back to a plain term list)."""
    try:
        return (path or ONTOLOGY_DOCS).read_text(encoding="utf-8")
    except OSError:
        return None

