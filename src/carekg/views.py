"""What the pages and ``carekg map`` show beyond carekg.services: the evidence gap map (innovations x
NASSS sub-domains), its drawing as SVG and PNG, an innovation's profile chart as inline SVG, and the
ontology documentation generated with pyLODE. A library: no HTTP here.

Strength of evidence in a gap map cell is the number of **independent studies** behind its findings,
counted as the consensus rule (CQ-6, queries/consensus.rq) counts them: a finding counts only if it is
a source study's own claim (not a review's synthesis, not a curator's inference) and its source is not
authored by the innovation's developer or purveyor; a source that summarises exactly one study counts
as that study. The cell also gives the distinct sources of every kind (developer-authored included).

The drawing is one list of rectangles and texts (:func:`map_layout`), written out as SVG by
:func:`map_svg` and rasterised by Pillow (pure Python wheels, no browser, no Cairo) by :func:`map_png`.
"""

from __future__ import annotations

import io
import logging
import re
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

from carekg import paths
from carekg.queries import load_query
from carekg.store import GraphStore

log = logging.getLogger(__name__)

CKG = "https://w3id.org/carekg/def#"
DIRECTIONS = {f"{CKG}Enabler": "enabler", f"{CKG}Barrier": "barrier", f"{CKG}Mixed": "mixed"}
#: Where ``carekg build`` / ``make install`` write the pyLODE page that /def serves to browsers.
ONTOLOGY_DOCS = paths.STATE_DIR / "docs" / "ontology.html"
STRENGTH_NOTE = (
    "Strength of evidence = independent studies: distinct studies whose own claims (not a "
    "review's synthesis, not a curator's inference) support the cell's findings, excluding "
    "sources authored by the innovation's developer or purveyor; a source summarising one "
    "study counts as that study."
)


def _slug(iri: str) -> str:
    return iri.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def _select(store: GraphStore, name: str, **bindings: str):
    return store.select(load_query(name), bindings or None)


# --- the evidence gap map --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Subdomain:
    id: str
    iri: str
    code: str
    label: str
    domain_code: str
    domain_label: str
    covered_by_review: bool | None


@dataclass(frozen=True)
class Domain:
    id: str
    iri: str
    code: str
    label: str
    subdomains: list[Subdomain]


@dataclass(frozen=True)
class Cell:
    """One innovation in one NASSS sub-domain: findings by direction and how strong the evidence is."""

    subdomain: Subdomain
    enabler: int = 0
    barrier: int = 0
    mixed: int = 0
    sources: int = 0
    independent: int = 0

    @property
    def findings(self) -> int:
        return self.enabler + self.barrier + self.mixed

    @property
    def empty(self) -> bool:
        return self.findings == 0

    @property
    def balance(self) -> str:
        """``enabler``, ``barrier`` or ``mixed`` (the evidence leans neither way); ``empty`` if none."""
        if self.empty:
            return "empty"
        if self.enabler > self.barrier:
            return "enabler"
        if self.barrier > self.enabler:
            return "barrier"
        return "mixed"


@dataclass(frozen=True)
class Row:
    id: str
    iri: str
    label: str
    cells: list[Cell]

    @property
    def findings(self) -> int:
        return sum(c.findings for c in self.cells)


@dataclass(frozen=True)
class GapMap:
    domains: list[Domain]
    rows: list[Row]
    note: str = STRENGTH_NOTE

    @property
    def subdomains(self) -> list[Subdomain]:
        return [s for d in self.domains for s in d.subdomains]

    @property
    def empty_cells(self) -> int:
        return sum(c.empty for r in self.rows for c in r.cells)


def _bool(value: str | None) -> bool | None:
    return None if value is None else value in {"true", "1"}


def nasss(store: GraphStore) -> list[Domain]:
    """The NASSS domains, each with its sub-domains, by notation."""
    domains: dict[str, list[Subdomain]] = {}
    heads: dict[str, tuple[str, str]] = {}
    for r in _select(store, "ui_nasss"):
        sub = Subdomain(
            _slug(r["subdomain"]),
            r["subdomain"],
            r["notation"],
            r["label"],
            r["domainNotation"],
            r["domainLabel"],
            _bool(r.get("coveredByReview")),
        )
        if sub.iri not in {s.iri for s in domains.get(r["domain"], [])}:
            domains.setdefault(r["domain"], []).append(sub)
        heads[r["domain"]] = (r["domainNotation"], r["domainLabel"])
    result = [
        Domain(_slug(iri), iri, heads[iri][0], heads[iri][1], sorted(subs, key=lambda s: s.code))
        for iri, subs in domains.items()
    ]
    return sorted(result, key=lambda d: d.code)


def gap_map(store: GraphStore) -> GapMap:
    """Every innovation x every NASSS sub-domain, from four SPARQL queries (ui_*.rq); cells without
    findings are kept (and empty), so gaps show."""
    domains = nasss(store)
    counts: dict[tuple[str, str], dict[str, int]] = {}
    for r in _select(store, "ui_map_directions"):
        direction = DIRECTIONS.get(r["direction"])
        if direction:
            counts.setdefault((r["innovation"], r["subdomain"]), {})[direction] = int(r["findings"])
    for r in _select(store, "ui_map_strength"):
        cell = counts.setdefault((r["innovation"], r["subdomain"]), {})
        cell["sources"], cell["independent"] = int(r["sources"]), int(r["independent"])
    rows = []
    for r in _select(store, "ui_map_innovations"):
        cells = [Cell(s, **counts.get((r["innovation"], s.iri), {})) for d in domains for s in d.subdomains]
        rows.append(Row(_slug(r["innovation"]), r["innovation"], r["label"], cells))
    return GapMap(domains, rows)


def cell(store: GraphStore, innovation: str, subdomain: str) -> tuple[Row, Cell]:
    """The row and cell of innovation id ``innovation`` and sub-domain code or id ``subdomain``;
    KeyError if the map has no such row or column."""
    the_map = gap_map(store)
    row = next((r for r in the_map.rows if r.id == innovation), None)
    if row is None:
        raise KeyError(f"no innovation {innovation!r}")
    wanted = subdomain.lower()
    found = next((c for c in row.cells if wanted in (c.subdomain.code.lower(), c.subdomain.id.lower())), None)
    if found is None:
        raise KeyError(f"no NASSS sub-domain {subdomain!r}")
    return row, found


# --- drawing: one layout, two writers --------------------------------------------------------------------

FILLS = {"enabler": "#dcf5e3", "barrier": "#fde2e1", "mixed": "#fdf1c7", "empty": "#ffffff"}
STRONG = {"enabler": "#86d19c", "barrier": "#f19e98", "mixed": "#f3d36b"}
INK, MUTED, GRID, HEAD = "#1d1d1f", "#666666", "#c4ccd4", "#f3f5f7"


@dataclass
class Box:
    x: float
    y: float
    w: float
    h: float
    fill: str
    stroke: str | None = GRID
    href: str | None = None
    title: str | None = None
    dashed: bool = False


@dataclass
class Text:
    x: float
    y: float
    text: str
    size: float = 11
    anchor: str = "start"  # start | middle | end
    bold: bool = False
    fill: str = INK


@dataclass
class Drawing:
    width: float
    height: float
    items: list[Box | Text] = field(default_factory=list)


def map_layout(the_map: GapMap, link=None) -> Drawing:
    """The gap map as boxes and texts; ``link(row, cell)`` gives each non-empty cell's address."""
    label_w, cell_w, cell_h, top = 250, 58, 40, 74
    subs = the_map.subdomains
    width = label_w + cell_w * len(subs) + 20
    height = top + cell_h * len(the_map.rows) + 110
    d = Drawing(width, height)
    d.items.append(Box(0, 0, width, height, "#ffffff", None))
    d.items.append(Text(10, 20, "carekg evidence gap map: innovations x NASSS sub-domains", 15, bold=True))
    x = label_w
    for domain in the_map.domains:
        w = cell_w * len(domain.subdomains)
        d.items.append(Box(x, 30, w, 22, HEAD, GRID, title=f"{domain.code}. {domain.label}"))
        d.items.append(
            Text(x + w / 2, 45, f"{domain.code}. {domain.label}"[: int(w / 6.2)], 10, "middle", True)
        )
        x += w
    for i, sub in enumerate(subs):
        cx = label_w + i * cell_w
        d.items.append(Box(cx, 52, cell_w, 22, HEAD, GRID, title=sub.label))
        d.items.append(Text(cx + cell_w / 2, 67, sub.code, 11, "middle", True))
    for j, row in enumerate(the_map.rows):
        y = top + j * cell_h
        d.items.append(Box(0, y, label_w, cell_h, "#ffffff", GRID))
        d.items.append(
            Text(8, y + cell_h / 2 + 4, row.label if len(row.label) <= 38 else row.label[:37] + "…", 11)
        )
        for i, c in enumerate(row.cells):
            cx = label_w + i * cell_w
            if c.empty:
                d.items.append(
                    Box(
                        cx,
                        y,
                        cell_w,
                        cell_h,
                        FILLS["empty"],
                        GRID,
                        dashed=True,
                        title=f"{row.label} / {c.subdomain.code}: no findings",
                    )
                )
                d.items.append(Text(cx + cell_w / 2, y + cell_h / 2 + 4, "–", 12, "middle", fill="#b0b8c0"))
                continue
            fill = STRONG[c.balance] if c.independent >= 2 else FILLS[c.balance]
            title = (
                f"{row.label} / {c.subdomain.code} {c.subdomain.label}: {c.enabler} enabler, {c.barrier} "
                f"barrier, {c.mixed} mixed; {c.independent} independent studies, {c.sources} sources"
            )
            d.items.append(
                Box(cx, y, cell_w, cell_h, fill, GRID, href=link(row, c) if link else None, title=title)
            )
            d.items.append(
                Text(cx + cell_w / 2, y + 16, f"+{c.enabler} −{c.barrier} ±{c.mixed}", 10, "middle")
            )
            d.items.append(Text(cx + cell_w / 2, y + 31, f"{c.independent} ind.", 10, "middle", fill=MUTED))
    ly = top + cell_h * len(the_map.rows) + 22
    legend = [
        ("enabler", "more enabler findings"),
        ("barrier", "more barrier findings"),
        ("mixed", "balanced or mixed"),
        ("empty", "no findings (gap)"),
    ]
    x = 10
    for key, text in legend:
        d.items.append(Box(x, ly - 11, 14, 14, FILLS[key], GRID, dashed=key == "empty"))
        d.items.append(Text(x + 20, ly, text, 10))
        x += 175
    d.items.append(
        Text(
            10,
            ly + 22,
            "Cell: +enabler −barrier ±mixed findings; 'ind.' = independent studies (darker fill: 2 or more).",
            10,
            fill=MUTED,
        )
    )
    d.items.append(
        Text(
            10,
            ly + 40,
            "Independent studies exclude developer-authored sources, review syntheses "
            "and curator inferences; a source summarising one study counts as that study.",
            10,
            fill=MUTED,
        )
    )
    return d


def _svg(drawing: Drawing, css_class: str = "") -> str:
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="{css_class}" width="{drawing.width:g}" '
        f'height="{drawing.height:g}" viewBox="0 0 {drawing.width:g} {drawing.height:g}" role="img" '
        f'font-family="DejaVu Sans, Helvetica, Arial, sans-serif">'
    ]
    for item in drawing.items:
        if isinstance(item, Box):
            stroke = f' stroke="{item.stroke}"' if item.stroke else ""
            dash = ' stroke-dasharray="3 2"' if item.dashed else ""
            rect = (
                f'<rect x="{item.x:g}" y="{item.y:g}" width="{item.w:g}" height="{item.h:g}" '
                f'fill="{item.fill}"{stroke}{dash}>'
            )
            rect += f"<title>{escape(item.title)}</title></rect>" if item.title else "</rect>"
            if item.href:
                rect = f'<a href="{escape(item.href)}">{rect}</a>'
            out.append(rect)
        else:
            weight = ' font-weight="bold"' if item.bold else ""
            out.append(
                f'<text x="{item.x:g}" y="{item.y:g}" font-size="{item.size:g}" text-anchor="{item.anchor}" '
                f'fill="{item.fill}"{weight}>{escape(item.text)}</text>'
            )
    out.append("</svg>")
    return "\n".join(out)


def map_svg(the_map: GapMap, link=None) -> str:
    """The gap map as a standalone SVG document; cells link where ``link`` gives an address."""
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + _svg(map_layout(the_map, link), "gap-map")


def map_png(the_map: GapMap, scale: float = 2.0) -> bytes:
    """The gap map as PNG, drawn by Pillow from the same layout as the SVG (no browser, no Cairo)."""
    from PIL import Image, ImageDraw, ImageFont

    drawing = map_layout(the_map)
    image = Image.new("RGB", (int(drawing.width * scale), int(drawing.height * scale)), "white")
    draw = ImageDraw.Draw(image)
    fonts: dict[tuple[float, bool], ImageFont.ImageFont] = {}

    def font(size: float, bold: bool):
        key = (size, bold)
        if key not in fonts:
            name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
            try:
                fonts[key] = ImageFont.truetype(name, size * scale)
            except OSError:
                fonts[key] = ImageFont.load_default(size * scale)
        return fonts[key]

    for item in drawing.items:
        if isinstance(item, Box):
            box = [item.x * scale, item.y * scale, (item.x + item.w) * scale, (item.y + item.h) * scale]
            draw.rectangle(box, fill=item.fill, outline=item.stroke, width=max(1, int(scale / 2)))
        else:
            anchor = {"start": "ls", "middle": "ms", "end": "rs"}[item.anchor]
            draw.text(
                (item.x * scale, item.y * scale),
                item.text,
                fill=item.fill,
                font=font(item.size, item.bold),
                anchor=anchor,
            )
    out = io.BytesIO()
    image.save(out, format="PNG", compress_level=6)
    return out.getvalue()


# --- an innovation's profile chart -----------------------------------------------------------------------


def profile_chart(domains: list[Domain], profile) -> str:
    """Inline SVG: per NASSS domain, barrier findings to the left of the axis, enabler findings to the
    right, mixed findings straddling it; every domain has a row, empty ones say so. ``profile`` is a
    carekg.services.InnovationProfile."""
    by_code = {d.code: d.counts for d in profile.domains}
    label_w, bar_h, gap, top = 260, 20, 8, 28
    half = 190
    axis = label_w + half
    width = label_w + 2 * half + 60
    height = top + (bar_h + gap) * len(domains) + 30
    most = max([1, *(max(c.enabler + c.mixed / 2, c.barrier + c.mixed / 2) for c in by_code.values())])
    unit = (half - 30) / most
    d = Drawing(width, height)
    d.items.append(Text(axis - 6, 16, "◀ barrier findings", 11, "end", True, "#7f1d1d"))
    d.items.append(Text(axis + 6, 16, "enabler findings ▶", 11, "start", True, "#14532d"))
    for i, domain in enumerate(domains):
        y = top + i * (bar_h + gap)
        d.items.append(Text(label_w - 8, y + bar_h - 5, f"{domain.code}. {domain.label}", 11, "end"))
        counts = by_code.get(domain.code)
        if counts is None or not counts.findings:
            d.items.append(Text(axis + 6, y + bar_h - 5, "no findings", 10, "start", fill="#8a939c"))
            continue
        m = counts.mixed * unit
        title = f"{domain.label}: {counts.enabler} enabler, {counts.barrier} barrier, {counts.mixed} mixed"
        if counts.barrier:
            w = counts.barrier * unit
            d.items.append(Box(axis - m / 2 - w, y, w, bar_h, STRONG["barrier"], None, title=title))
        if counts.mixed:
            d.items.append(Box(axis - m / 2, y, m, bar_h, STRONG["mixed"], None, title=title))
        if counts.enabler:
            d.items.append(
                Box(axis + m / 2, y, counts.enabler * unit, bar_h, STRONG["enabler"], None, title=title)
            )
        left = axis - m / 2 - counts.barrier * unit - 4
        right = axis + m / 2 + counts.enabler * unit + 4
        d.items.append(Text(left, y + bar_h - 5, str(counts.barrier), 10, "end", fill="#7f1d1d"))
        d.items.append(
            Text(
                right,
                y + bar_h - 5,
                str(counts.enabler) + (f" (+{counts.mixed} mixed)" if counts.mixed else ""),
                10,
                "start",
                fill="#14532d",
            )
        )
    d.items.append(Box(axis - 0.5, top - 4, 1, (bar_h + gap) * len(domains), INK, None))
    return _svg(d, "profile-chart")


# --- ontology documentation ------------------------------------------------------------------------------


def ontology_docs(out: Path | None = None) -> Path:
    """Write the ontology's documentation with pyLODE (pinned 3.3.4: 3.4.1 fails at import) from the
    ontology files merged into one graph (module headers dropped, the aggregator's kept); ~7 s."""
    from pylode import OntPub
    from rdflib import OWL, RDF, Graph, URIRef

    graph = Graph()
    for path in paths.ontology_files():
        graph.parse(path)
    main = URIRef(CKG.rstrip("#"))
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
        name = iri[len(CKG) :] if iri.startswith(CKG) else None
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


# --- example queries for the query page ------------------------------------------------------------------

EXTRA_EXAMPLES = [
    (
        "Innovations and their labels",
        """PREFIX ckg: <https://w3id.org/carekg/def#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?innovation ?label WHERE { ?innovation a ckg:Innovation ; rdfs:label ?label } ORDER BY ?label
""",
    ),
    (
        "Findings per innovation and direction",
        """PREFIX ckg: <https://w3id.org/carekg/def#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?label ?direction (COUNT(DISTINCT ?finding) AS ?findings) WHERE {
  ?finding ckg:aboutInnovation ?innovation ; ckg:direction ?direction .
  ?innovation rdfs:label ?label .
} GROUP BY ?label ?direction ORDER BY ?label ?direction
""",
    ),
    (
        "Classes and how many instances each has",
        """SELECT ?class (COUNT(DISTINCT ?s) AS ?instances) WHERE {
  ?s a ?class .
} GROUP BY ?class ORDER BY DESC(?instances) LIMIT 50
""",
    ),
]


def _readme_queries(readme: Path) -> list[tuple[str, str]]:
    """The README's numbered example queries: (the sentence before the block, the query)."""
    try:
        lines = readme.read_text(encoding="utf-8").splitlines()
    except OSError:
        return []
    found, title, block = [], None, None
    for line in lines:
        if block is not None:
            if line.startswith("```"):
                found.append((title or "README example", "\n".join(block) + "\n"))
                block = None
            else:
                block.append(line)
        elif line.startswith("```sparql"):
            block = []
        elif re.match(r"\d+\. ", line):
            title = line.split(". ", 1)[1].rstrip(":")
    return found


def example_queries() -> list[tuple[str, str]]:
    """(title, query) for the query page: the competency questions (``# CQ-`` headers in
    carekg/queries), the README's three, and a few to explore the graph with."""
    from carekg.queries import header, query_names

    competency = sorted(
        (header(name), load_query(name)) for name in query_names() if header(name).startswith("CQ-")
    )
    return competency + _readme_queries(paths.ROOT / "README.md") + EXTRA_EXAMPLES
