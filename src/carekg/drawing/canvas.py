"""The drawing model: boxes and texts on a canvas, the palette, and the two writers (SVG and PNG)."""

from __future__ import annotations

import io
import math
from dataclasses import dataclass, field
from html import escape

from PIL import Image, ImageDraw, ImageFont

from carekg.ids import SVG

# Pillow's drawing, fonts and PNG writer are loaded with this module (the service imports it at start),
# not by the first PNG a server draws: ~45 ms of its first /map.png at 1M triples.
Image.preinit()

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
    image = Image.new("RGB", (int(drawing.width * scale), int(drawing.height * scale)), "white")
    draw = ImageDraw.Draw(image)
    write = _text_writer(draw, scale)
    for item in drawing.items:
        if isinstance(item, Box):
            box = [item.x * scale, item.y * scale, (item.x + item.w) * scale, (item.y + item.h) * scale]
            draw.rectangle(box, fill=item.fill, outline=item.stroke, width=max(1, int(scale / 2)))
        else:
            write(item)
    out = io.BytesIO()
    # zlib's fastest level: the same pixels in a ~25% larger file; level 6 took a third of the drawing
    image.save(out, format="PNG", compress_level=PNG_COMPRESSION)
    return out.getvalue()


#: zlib level of the PNG (1 fastest, 9 smallest).
PNG_COMPRESSION = 1
_ANCHORS = {"start": "ls", "middle": "ms", "end": "rs"}


def _text_writer(draw, scale: float):
    """A function drawing a Text as ``draw.text`` does, each distinct text (words, size, weight, anchor,
    fraction of a pixel it starts at) rendered by FreeType once: a page of the gap map writes "0 ind."
    hundreds of times, and rendering was a third of its PNG's time. The glyph mask is laid on the image
    by the same calls ``ImageDraw.text`` makes for one line (tests/ui/test_ui_views.py: the same pixels)."""
    fonts: dict[tuple[float, bool], ImageFont.FreeTypeFont | ImageFont.ImageFont] = {}
    masks: dict[tuple, tuple] = {}

    def font(size: float, bold: bool):
        key = (size, bold)
        if key not in fonts:
            name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
            try:
                fonts[key] = ImageFont.truetype(name, size * scale)
            except OSError:
                fonts[key] = ImageFont.load_default(size * scale)
        return fonts[key]

    def write(item: Text) -> None:
        x, y = item.x * scale, item.y * scale
        face, anchor = font(item.size, item.bold), _ANCHORS[item.anchor]
        if not isinstance(face, ImageFont.FreeTypeFont) or "\n" in item.text:
            draw.text((x, y), item.text, fill=item.fill, font=face, anchor=anchor)
            return
        ink = draw._getink(item.fill)[0]
        start = (math.modf(x)[0], math.modf(y)[0])
        key = (item.text, item.size, item.bold, anchor, ink, start)
        if key not in masks:
            masks[key] = face.getmask2(item.text, draw.fontmode, anchor=anchor, ink=ink, start=start)
        mask, (dx, dy) = masks[key]
        draw.draw.draw_bitmap((int(x) + dx, int(y) + dy), mask, ink)

    return write
