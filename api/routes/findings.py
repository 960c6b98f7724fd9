"""Every finding as a collection, with filters that combine (issue 15): GET /findings."""

from __future__ import annotations

from typing import Annotated, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import HTMLResponse

from api import rendering
from api.config import Settings
from api.deps import MAX_LIMIT, MAX_OFFSET, SettingsDep, StoreDep
from api.responses import HTML, JSON, RDF_TYPES, choose, json_answer, versioned
from carekg import services
from carekg.store import GraphStore

router = APIRouter(tags=["findings"])

# The value sets come from the vocabulary, so OpenAPI lists them and FastAPI refuses others with 422.
# Each also takes "" as "any": the HTML page's form sends every field, filled in or not.
Direction = Literal[("", *services.DIRECTIONS)]
Provenance = Literal[("", *services.PROVENANCE_KINDS)]
SourceType = Literal[("", *services.SOURCE_TYPES)]
Design = Literal[("", *services.DESIGNS)]
ReviewWindow = Literal[("", *services.REVIEW_WINDOWS)]
Independent = Literal["", "true", "false"]
Sort = Literal[("", *services.SORTS)]
Year = Annotated[str | None, Query(pattern=r"^([0-9]{4})?$")]


def _given(value: str | None) -> str | None:
    return value or None


def _year(value: str | None) -> int | None:
    return int(value) if value else None


def findings_filters(
    innovation: Annotated[str | None, Query(
        description="an innovation's id (422 if no innovation has it)",
        examples=["family-drug-and-alcohol-court"])] = None,
    factor: Annotated[str | None, Query(
        description="a factor's id; a broader factor includes its narrower ones (funding takes in "
                    "funding-availability-and-continuity ...); 422 if no factor has it")] = None,
    direction: Annotated[Direction | None, Query(description="enabler, barrier or mixed")] = None,
    provenance: Annotated[Provenance | None, Query(description="how the finding was recorded")] = None,
    source_type: Annotated[SourceType | None,
                           Query(description="the type of the source reporting it")] = None,
    design: Annotated[Design | None, Query(description="the design of the source reporting it")] = None,
    independent: Annotated[Independent | None, Query(
        description="true: a finding from an independent study as the consensus rule judges one (a source's "
                    "own statement, not the founding review's nor a review's synthesis, from a study-type "
                    "source that is not developer-authored; an unknown developer flag is not independent). "
                    "Direction is not part of it: a mixed finding from such a study passes, though the rule "
                    "counts only enablers and barriers (add direction=enabler or barrier for exactly what it "
                    "counts). false: every other finding")] = None,
    year_from: Annotated[Year, Query(description="the source's year, from (four digits)")] = None,
    year_to: Annotated[Year, Query(description="the source's year, up to (four digits)")] = None,
    nasss: Annotated[str | None, Query(
        pattern=r"^([1-7][A-Ea-e]?)?$",
        description="a NASSS domain (5) or sub-domain (5B) of the finding's factor")] = None,
    cfir: Annotated[str | None, Query(
        max_length=20, description="a CFIR 2.0 domain, construct or sub-construct code (II, III.J, III.J.1), "
                                   "through the factor's close and related matches")] = None,
    review_window: Annotated[ReviewWindow | None, Query(
        description="before (the consensus rule's up-to-review-search window), after, or undetermined "
                    "relative to the review's November 2022 search")] = None,
) -> services.FindingFilters:
    """The filters given; an empty value is no filter."""
    return services.FindingFilters(
        _given(innovation), _given(factor), _given(direction), _given(provenance), _given(source_type),
        _given(design), {"true": True, "false": False}.get(independent or ""), _year(year_from),
        _year(year_to), _given(nasss), _given(cfir), _given(review_window))


CSV = "text/csv"
#: JSON first (the default); the HTML table, CSV and RDF (JSON-LD, Turtle ...) of the same page by Accept
#: or ?format=.
_TYPES = (JSON, HTML, CSV, *RDF_TYPES)


@router.get("/findings", name="findings-list", response_model=services.FindingsPage,
            responses={200: {"description": "JSON by default; CSV or RDF (JSON-LD, Turtle ...) of the same "
                                            "page, or the HTML table, by Accept or ?format=",
                             "content": {media_type: {} for media_type in _TYPES[1:]}},
                       406: {"description": "no acceptable representation"},
                       422: {"description": "a filter value outside its vocabulary, or an unknown id"}})
def list_findings(
    request: Request, store: StoreDep, settings: SettingsDep,
    filters: Annotated[services.FindingFilters, Depends(findings_filters)],
    sort: Annotated[Sort | None, Query(description=(
        "finding, year, factor, innovation or direction (a leading - sorts descending); stored: the store's "
        f"order. Default: finding, or stored when more than {services.SORT_LIMIT:,} findings match"))] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT,
                                description=f"findings per page, at most {MAX_LIMIT}")] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET, description="findings to skip")] = 0,
) -> Response:
    """Every finding that matches all the filters given, a page at a time, with its innovation, factor,
    source (type, design, year, independence) and review window."""
    media_type = choose(request, _TYPES)
    try:
        page = services.find_findings(store, filters, sort or None, limit, offset)
    except services.InvalidArgument as error:
        if media_type != HTML:
            raise
        # A person gets the form back with what they asked and why it cannot be answered.
        nothing = services.FindingsPage([], 0, limit, offset, sort or "finding", filters.given())
        return HTMLResponse(_table(request, store, settings, nothing, sort, str(error)), status_code=422)
    if media_type == JSON:
        return json_answer(request, store, settings, page, services.FindingsPage)
    if media_type == HTML:
        return versioned(request, store, settings, HTML, _table(request, store, settings, page, sort))
    if media_type == CSV:
        response = versioned(request, store, settings, CSV, services.findings_page_csv(page))
        response.headers["Content-Disposition"] = 'inline; filename="carekg-findings.csv"'
    else:
        rdf = services.findings_page_rdf(page, media_type)
        response = versioned(request, store, settings, media_type, rdf)
    return response


#: The form's choices for the filters with a fixed set of values.
_VOCABULARY = {"direction": tuple(services.DIRECTIONS), "provenance": tuple(services.PROVENANCE_KINDS),
               "source_type": tuple(services.SOURCE_TYPES), "design": tuple(services.DESIGNS),
               "independent": ("true", "false"), "review_window": tuple(services.REVIEW_WINDOWS),
               "sort": tuple(services.SORTS)}


def _table(request: Request, store: GraphStore, settings: Settings, page: services.FindingsPage,
           sort: str | None, error: str | None = None) -> str:
    return rendering.render(request, settings, "findings.html", page=page, sort=sort or "", error=error,
                        links=_page_links(page, sort), choices=services.filter_choices(store),
                        vocabulary=_VOCABULARY)


def _page_links(page: services.FindingsPage, sort: str | None) -> dict[str, str | None]:
    """Query strings of this page's neighbours and of the same page in other formats (filters kept)."""
    kept = {**page.filters, **({"sort": sort} if sort else {})}

    def query(offset: int, **extra: str) -> str:
        return "?" + urlencode({**kept, "limit": page.limit, "offset": offset, **extra})

    return {"previous": query(max(0, page.offset - page.limit)) if page.offset > 0 else None,
            "next": query(page.offset + page.limit) if page.offset + page.limit < page.count else None,
            **{name: query(page.offset, format=name) for name in ("json", "csv", "jsonld", "turtle")}}
