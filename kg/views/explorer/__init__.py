"""The pages ``kg serve`` shows in a browser: templates and static files, package data.

Templates are Jinja2 with autoescape on, so every value from the graph (labels, sentences,
titles: text written by strangers) is escaped; the pages carry no inline script or style, so
the server's Content-Security-Policy can forbid both.
"""

from __future__ import annotations

from functools import cache
from typing import Any


@cache
def _environment() -> Any:
    import jinja2

    return jinja2.Environment(
        loader=jinja2.PackageLoader("kg.views.explorer", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render(template: str, **context: Any) -> str:
    """Render a page template with ``context`` (escaped)."""
    return str(_environment().get_template(template).render(**context))
