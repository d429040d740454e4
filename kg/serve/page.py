"""The query page at ``/``: YASGUI (vendored in ``kg/static/yasgui``), kg's prefixes and the library's questions.

The page and its script are files in ``kg/templates/`` (``query-page.html``, ``query-page.js``);
YASGUI's script and style sheet are served by the endpoint itself at ``/static/`` (no CDN, nothing
from elsewhere). The Content-Security-Policy lets only those and the page's own script (by its
hash) run, and lets the page talk to nothing but this endpoint.
"""

from __future__ import annotations

import html
from functools import lru_cache

from ..htmlsafe import csp_hash, script_json
from ..query import library
from ..query import PREFIXES
from ..resources import STATIC_DIR, TEMPLATES_DIR
from .protocol import Limits, Response


@lru_cache(maxsize=1)
def page_template() -> tuple[str, str, str]:
    """(page, script, the script's CSP hash), read once."""
    page = (TEMPLATES_DIR / "query-page.html").read_text(encoding="utf-8")
    script = (TEMPLATES_DIR / "query-page.js").read_text(encoding="utf-8")
    return page, script, csp_hash(script)


def query_page(title: str, limits: Limits) -> Response:
    """The query page for a graph named ``title``, stating the limits its queries run under."""
    page, script, script_hash = page_template()
    examples = {name: entry.text for name, entry in library().items() if name != "wikidata-federated"}
    data = script_json(examples)
    options = "".join(f'<option value="{html.escape(n)}">{html.escape(n)}</option>' for n in examples)
    body = page.format(
        title=html.escape(title),
        options=options,
        data=data,
        prefixes=script_json(PREFIXES),
        script=script,
        timeout=html.escape(f"{limits.timeout:g}"),
        max_results=limits.max_results,
    )
    csp = (
        f"default-src 'none'; script-src 'self' '{script_hash}'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'"
    )
    return Response(200, "text/html; charset=utf-8", body.encode("utf-8"), {"Content-Security-Policy": csp})


#: The files the page loads from ``/static/``: name -> (file in kg/static/, media type).
STATIC_FILES = {
    "yasgui.min.js": ("yasgui/yasgui.min.js", "text/javascript; charset=utf-8"),
    "yasgui.min.css": ("yasgui/yasgui.min.css", "text/css; charset=utf-8"),
    "LICENSE.txt": ("yasgui/LICENSE.txt", "text/plain; charset=utf-8"),
}


@lru_cache(maxsize=len(STATIC_FILES))
def _static_bytes(name: str) -> bytes:
    return (STATIC_DIR / STATIC_FILES[name][0]).read_bytes()


def static_file(path: str) -> Response | None:
    """``/static/NAME`` for one of the page's own files (a fixed list, never a path from the request), else None."""
    name = path.removeprefix("/static/")
    if not path.startswith("/static/") or name not in STATIC_FILES:
        return None
    headers = {"Cache-Control": "public, max-age=86400", "X-Content-Type-Options": "nosniff"}
    return Response(200, STATIC_FILES[name][1], _static_bytes(name), headers)
