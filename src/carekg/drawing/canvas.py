"""The drawing model: boxes and texts on a canvas, the palette, and the two writers (SVG and PNG)."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from html import escape

from carekg.ids import SVG

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


def to_svg(drawing: Drawing, css_class: str = "") -> str:
    out = [
        f'<svg xmlns="{SVG}" class="{css_class}" width="{drawing.width:g}" '
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


def to_png(drawing: Drawing, scale: float = 2.0) -> bytes:
    """The drawing rasterised by Pillow at ``scale`` pixels per unit."""
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("RGB", (int(drawing.width * scale), int(drawing.height * scale)), "white")
    draw = ImageDraw.Draw(image)
    fonts: dict[tuple[float, bool], ImageFont.FreeTypeFont | ImageFont.ImageFont] = {}

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
