"""The evidence gap map drawn: one layout (map_layout), written as SVG (map_svg) or PNG (map_png)."""

from __future__ import annotations

from carekg.drawing.canvas import FILLS, GRID, HEAD, MUTED, STRONG, Box, Drawing, Text, to_png, to_svg
from carekg.services.gap_map import GapMap


def map_layout(the_map: GapMap, link=None) -> Drawing:
    """The gap map as boxes and texts; ``link(row, cell)`` gives each non-empty cell's address."""
    in_cfir = the_map.framework == "cfir"
    label_w, cell_w, cell_h, top = 250, 170 if in_cfir else 58, 40, 74
    subs = the_map.subdomains
    width = label_w + cell_w * len(subs) + 20
    height = top + cell_h * len(the_map.rows) + 110
    d = Drawing(width, height)
    d.items.append(Box(0, 0, width, height, "#ffffff", None))
    columns = "CFIR 2.0 domains" if in_cfir else "NASSS sub-domains"
    d.items.append(Text(10, 20, f"carekg evidence gap map: innovations x {columns}", 15, bold=True))
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
                f"{c.consensus_note}"
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


def map_svg(the_map: GapMap, link=None) -> str:
    """The gap map as a standalone SVG document; cells link where ``link`` gives an address."""
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + to_svg(map_layout(the_map, link), "gap-map")


def map_png(the_map: GapMap, scale: float = 2.0) -> bytes:
    """The gap map as PNG, drawn by Pillow from the same layout as the SVG (no browser, no Cairo)."""
    return to_png(map_layout(the_map), scale)
