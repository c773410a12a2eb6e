"""Serve a filtered list as a full page, or only its results partial for htmx."""

from flask import Response, make_response, render_template
from htmx_flask import request


def wants_partial() -> bool:
    """An htmx request, except a history restore (after a cache miss it needs the whole page)."""
    return bool(request.htmx) and not request.htmx.history_restore_request


def render_filtered(page_template: str, partial_template: str, **context) -> Response:
    """One route, one partial: the page `{% include %}`s the same partial template."""
    template = partial_template if wants_partial() else page_template
    response = make_response(render_template(template, **context))
    response.vary.add("HX-Request")  # caches must not serve the fragment as the page
    return response
