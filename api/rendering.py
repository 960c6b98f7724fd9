"""Server-rendered HTML for people: the Jinja2 templates (autoescaping on) and the pages other routes
serve to browsers (/doc, /def, /sparql, /search, the 404 page). Everything shown comes from
carekg.services and carekg.drawing (the profile chart) and carekg.ontology_docs (the pyLODE ontology
page). The home page's route is api/routes/pages.py.

Static files live in api/static/ (served at /static); the YASGUI bundle is installed at set-up into
api/static/vendor/yasgui/ (git-ignored, ``make yasgui``). Without it the query page is the plain form."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

from fastapi import Request
from jinja2 import Environment, FileSystemBytecodeCache, FileSystemLoader, select_autoescape
from markupsafe import Markup

from api.config import Settings
from carekg import services
from carekg.drawing.profile_chart import profile_chart
from carekg.ids import ID_BASE, PREFIXES, VOCAB_DOCUMENT
from carekg.ontology_docs import ontology_docs_html
from carekg.queries.example_queries import example_queries
from carekg.services.gap_map import nasss
from carekg.store import GraphStore

STATIC_DIR = Path(__file__).parent / "static"
#: The YASGUI files (build/yasgui.min.js and .css of @zazuko/yasgui), installed by `make yasgui`.
YASGUI_DIR = STATIC_DIR / "vendor" / "yasgui"
YASGUI_FILES = ("yasgui.min.js", "yasgui.min.css")


def yasgui_installed() -> bool:
    return all((YASGUI_DIR / name).is_file() for name in YASGUI_FILES)

def _compiled_templates() -> FileSystemBytecodeCache | None:
    """Where the templates' compiled code is kept, as Python keeps .pyc files: a folder of this user's
    in the temporary directory, each template's code keyed by its text, so a fresh server does not
    compile them again (compiling the gap map's two templates took a quarter to a half of its first
    answer, docs/bench.md). None, so compiled each time, where no such folder can be made safely."""
    try:
        return FileSystemBytecodeCache()
    except RuntimeError:
        return None


_templates = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"),
                         autoescape=select_autoescape(default=True, default_for_string=True),
                         trim_blocks=True, lstrip_blocks=True, bytecode_cache=_compiled_templates())


def _local_link(request: Request, settings: Settings):
    """A function mapping an IRI onto this server where the base IRI maps onto it, else leaving it."""
    root = request.scope.get("root_path", "")

    def link(iri: str) -> str:
        if iri.startswith(ID_BASE):
            return f"{root}/doc/{iri[len(ID_BASE):]}"
        if iri.startswith(f"{VOCAB_DOCUMENT}#"):
            return f"{root}/def#{iri.split('#', 1)[1]}"
        if iri == VOCAB_DOCUMENT or iri.startswith(f"{VOCAB_DOCUMENT}/"):
            return f"{root}/def"
        return iri

    return link


def _is_web_address(value: str | None) -> bool:
    """Only http(s) addresses become links; anything else in the data is shown as text."""
    return isinstance(value, str) and value.startswith(("https://", "http://"))


def render(request: Request, settings: Settings, template: str, **context) -> str:
    return _templates.get_template(template).render(
        link=_local_link(request, settings), is_web_address=_is_web_address,
        root=request.scope.get("root_path", ""), **context)


def _framework_switch(params) -> dict[str, str]:
    """The query string of this page's profile in each framework: the filters kept, except ``domain``,
    whose codes are the framework's own."""
    kept = {name: params[name] for name in ("direction", "provenance", "design") if params.get(name)}
    return {framework: "?" + urlencode({**kept, "framework": framework}) for framework in services.FRAMEWORKS}


def _innovations_page(params) -> dict[str, int]:
    """A factor page's ``innovations_limit`` and ``innovations_offset`` as given (whole numbers, else a
    422; the service says which range)."""
    page = {}
    for name in ("innovations_limit", "innovations_offset"):
        given = params.get(name)
        if given:
            if not given.isdigit():
                raise services.InvalidArgument(f"{name} must be a whole number; got {given!r}")
            page[name] = int(given)
    return page


def document(request: Request, store: GraphStore, settings: Settings, kind: str, slug: str, iri: str) -> str:
    """The page for the resource ``iri`` (of ``kind``, id ``slug``); NotFound if there is none."""
    if kind == "innovation":
        params = request.query_params
        filters = {name: params.get(name) or None for name in ("direction", "domain", "provenance", "design")}
        framework = params.get("framework") or "nasss"
        if framework not in services.FRAMEWORKS:
            raise services.InvalidArgument(f"framework must be one of {', '.join(services.FRAMEWORKS)}; "
                                           f"got {framework!r}")
        profile_in = services.innovation_cfir_profile if framework == "cfir" else services.innovation_profile
        detail = services.innovation(store, slug)
        profile = profile_in(store, slug, **filters)
        # The chart shows the unfiltered NASSS profile's domain counts: the profile shown when it is that
        # one, else one listing no findings (its counts are the tallies', no finding is read).
        unfiltered = framework == "nasss" and not any(filters.values())
        counted = profile if unfiltered else services.innovation_profile(store, slug, findings_per_factor=0)
        return render(request, settings, "innovation.html", innovation=detail,
                      profile=profile, filters=filters, framework=framework,
                      switch=_framework_switch(params),
                      gaps=services.innovation_gaps(store, detail.iri, detail.label),
                      chart=Markup(profile_chart(nasss(store), counted)),
                      directions=services.DIRECTIONS, provenance_kinds=services.PROVENANCE_KINDS,
                      designs=services.DESIGNS)
    if kind == "factor":
        return render(request, settings, "factor.html",
                      factor=services.factor(store, slug, **_innovations_page(request.query_params)))
    if kind in services.SOURCE_KINDS:
        source = services.study(store, slug)
        if source.iri != iri:
            raise services.NotFound(kind, slug)
        return render(request, settings, "source.html", source=source)
    if kind == "organisation":
        return render(request, settings, "organisation.html", organisation=services.organisation(store, slug))
    return render(request, settings, "resource.html", resource=services.resource(store, iri), kind=kind)


def ontology_page(request: Request, store: GraphStore, settings: Settings) -> str:
    """The pyLODE documentation generated at set-up (carekg.ontology_docs), else the term list."""
    generated = ontology_docs_html()
    if generated is not None:
        return generated
    return render(request, settings, "ontology.html", ontology=services.ontology(store))


def sparql_form(request: Request, store: GraphStore, settings: Settings) -> str:
    """The query page: YASGUI over this endpoint when its files are installed, with the carekg prefixes
    and the example queries as tabs; always the plain form too, which works with JavaScript off."""
    examples = example_queries()
    endpoint = str(request.url_for("sparql-query-get"))
    config = {"endpoint": endpoint, "prefixes": PREFIXES,
              "examples": [{"name": title.split(":", 1)[0] if title.startswith("CQ-") else title,
                            "title": title, "query": text} for title, text in examples]}
    return render(request, settings, "sparql.html", examples=[
        (title, text, urlencode({"query": text, "format": "json"})) for title, text in examples
    ], overview=services.overview(store), yasgui=yasgui_installed(), yasgui_config=config)


def not_found_page(request: Request, settings: Settings, message: str) -> str:
    return render(request, settings, "not_found.html", message=message)
