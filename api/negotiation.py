"""Content negotiation (RFC 9110 §12.5.1): pick the media type to answer with from ``Accept``,
honouring q-values and wildcards, or from an explicit ``format`` parameter."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

#: Short names a ``format`` parameter may use instead of a media type; the first one offered wins.
FORMAT_NAMES: Mapping[str, tuple[str, ...]] = {
    "json": ("application/json", "application/sparql-results+json", "application/ld+json"),
    "xml": ("application/sparql-results+xml", "application/rdf+xml"),
    "csv": ("text/csv",),
    "tsv": ("text/tab-separated-values",),
    "turtle": ("text/turtle",),
    "ttl": ("text/turtle",),
    "ntriples": ("application/n-triples",),
    "nt": ("application/n-triples",),
    "jsonld": ("application/ld+json",),
    "json-ld": ("application/ld+json",),
    "rdfxml": ("application/rdf+xml",),
    "rdf": ("application/rdf+xml",),
    "html": ("text/html",),
}


class NotAcceptable(Exception):
    """None of the offered media types is acceptable to the client."""

    def __init__(self, offered: Sequence[str]) -> None:
        super().__init__(f"no acceptable representation; this resource is available as {', '.join(offered)}")
        self.offered = list(offered)


def parse_accept(header: str) -> list[tuple[str, float]]:
    """``Accept`` as (media range, q) pairs; malformed q-values count as 0 (not acceptable)."""
    ranges = []
    for part in header.split(","):
        media_range, *parameters = (piece.strip() for piece in part.split(";"))
        if not media_range:
            continue
        quality = 1.0
        for parameter in parameters:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = max(0.0, min(1.0, float(value)))
                except ValueError:
                    quality = 0.0
        ranges.append((media_range.lower(), quality))
    return ranges


def _quality(media_type: str, ranges: list[tuple[str, float]]) -> float:
    """The q of the most specific range matching ``media_type`` (exact, then type/*, then */*)."""
    main_type = media_type.split("/", 1)[0]
    best: tuple[int, float] | None = None
    for media_range, quality in ranges:
        if media_range == media_type:
            specificity = 2
        elif media_range == f"{main_type}/*":
            specificity = 1
        elif media_range == "*/*":
            specificity = 0
        else:
            continue
        if best is None or specificity > best[0]:
            best = (specificity, quality)
    return best[1] if best else 0.0


def negotiate(accept: str | None, offered: Sequence[str], format: str | None = None,
              aliases: Mapping[str, str] | None = None) -> str:
    """The media type to answer with, out of ``offered`` (in the server's order of preference).

    ``format`` (a media type or a short name such as ``turtle``) wins over ``Accept``, for clients
    that cannot set headers. ``aliases`` maps further acceptable media types onto offered ones (e.g.
    ``application/json`` onto ``application/sparql-results+json``). No ``Accept`` means anything.
    """
    if format:
        wanted = format.lower()
        for media_type in (*FORMAT_NAMES.get(wanted, ()), (aliases or {}).get(wanted, wanted)):
            if media_type in offered:
                return media_type
        raise NotAcceptable(offered)
    if not accept or not accept.strip():
        return offered[0]
    ranges = parse_accept(accept)
    candidates = [(media_type, media_type) for media_type in offered]
    candidates += [(alias, target) for alias, target in (aliases or {}).items() if target in offered]
    best_type, best_quality = None, 0.0
    for media_type, target in candidates:
        quality = _quality(media_type, ranges)
        if quality > best_quality:
            best_type, best_quality = target, quality
    if best_type is None:
        raise NotAcceptable(offered)
    return best_type
