"""The query page at ``/``: a form, the library's questions and an inline script; no external resources.

The page and its script are files in ``kg/templates/`` (``query-page.html``, ``query-page.js``); the
script runs by its hash (Content-Security-Policy), so injected markup could not run.
"""

from __future__ import annotations

import html
from functools import lru_cache

from ..htmlsafe import csp_hash, script_json
from ..query import library
from ..resources import TEMPLATES_DIR
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
        script=script,
        timeout=html.escape(f"{limits.timeout:g}"),
        max_results=limits.max_results,
    )
    csp = f"default-src 'none'; script-src '{script_hash}'; style-src 'unsafe-inline'; connect-src 'self'; form-action 'self'"
    return Response(200, "text/html; charset=utf-8", body.encode("utf-8"), {"Content-Security-Policy": csp})
