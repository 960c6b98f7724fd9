"""The comparison chart: per innovation, its factors shared by all the compared innovations, shared
with some of them, and unique to it, as one stacked bar each."""

from __future__ import annotations

from carekg.drawing.canvas import INK, MUTED, Box, Drawing, Text, to_svg

#: Fill of each sharing group (services.compare.SHARING), and its legend.
GROUPS = (("all", "#4f7ea8", "shared by all"), ("some", "#a9c6e0", "shared with some"),
          ("one", "#f0a35e", "unique"))


def compare_chart(comparison) -> str:
    """Inline SVG of ``comparison`` (a carekg.services.Comparison): one bar per innovation, its length the
    factors it has evidence on, split into shared by all, shared with some, unique; each part counted."""
    label_w, bar_h, gap, top, span = 230, 22, 10, 34, 420
    counts = []
    for i, innovation in enumerate(comparison.innovations):
        present = [row.sharing for row in comparison.rows if row.cells[i].counts.findings]
        counts.append((innovation, {group: present.count(group) for group, _, _ in GROUPS}))
    most = max([1, *(sum(c.values()) for _, c in counts)])
    unit = span / most
    d = Drawing(label_w + span + 70, top + (bar_h + gap) * len(counts) + 12)
    x: float = label_w
    for _, fill, legend in GROUPS:
        d.items.append(Box(x, 8, 12, 12, fill, None))
        d.items.append(Text(x + 16, 18, legend, 11))
        x += 30 + 7 * len(legend)
    for i, (innovation, by_group) in enumerate(counts):
        y = top + i * (bar_h + gap)
        d.items.append(Text(label_w - 8, y + bar_h - 6, innovation.label, 11, "end"))
        x = label_w
        for group, fill, legend in GROUPS:
            number = by_group[group]
            if not number:
                continue
            width = number * unit
            title = f"{innovation.label}: {number} {legend}"
            d.items.append(Box(x, y, width, bar_h, fill, None, title=title))
            if width >= 18:
                d.items.append(Text(x + width / 2, y + bar_h - 6, str(number), 10, "middle", fill=INK))
            x += width
        d.items.append(Text(x + 6, y + bar_h - 6, f"{sum(by_group.values())} factors", 10, fill=MUTED))
    return to_svg(d, "compare-chart")
