"""An innovation's profile chart: findings per NASSS domain, barrier to the left, enabler to the right."""

from __future__ import annotations

from carekg.drawing.canvas import INK, STRONG, Box, Drawing, Text, to_svg
from carekg.services.gap_map import Domain


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
    return to_svg(d, "profile-chart")

